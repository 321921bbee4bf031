// The wasm backend: the Backend interface on WebAssembly SIMD kernels (kernels.wat: the
// core's kernels, and each op's from its op folder). Tensors live in one wasm memory as
// fp32 (f16/bf16 tensors hold values rounded to their format, as in the CPU reference),
// so every op reads fp32 and rounds once on store. Ops run at once, like the CPU
// backend; the step state is the same host-side state (../hostStepState.ts).
import type { Backend, BackendInfo, Tensor } from "../backend.js";
import { subnormalLimit } from "../../numerics/dtype.js";
import { NO_COPIES } from "../../ops/op.js";
import { HostStepState } from "../hostStepState.js";
import { instantiateKernels } from "./wasmKernels.js";
import { STATS_LANES, STATS_RECORD, WasmHeap } from "./wasmHeap.js";
import { gemmHelperFactory } from "./gemmHelper.js";
import { GemmDriver } from "./gemmDriver.js";
import { MODE, type WasmKernelContext } from "./wasmContext.js";
import { WASM_OPS } from "./opTable.js";

interface WasmTensor extends Tensor {
  /** byte address in the heap; -1 once disposed */
  ptr: number;
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`wasm backend: ${what}`);
}

const bits = new Uint32Array(1), asF32 = new Float32Array(bits.buffer);
/** 1/scale where multiplying by it is dividing by scale exactly (scale a normal fp32 power of two), else 0 */
function exactInverse(scale: number): number {
  asF32[0] = scale;
  const e = bits[0] >>> 23;
  return asF32[0] === scale && (bits[0] & 0x7fffff) === 0 && e > 0 && e < 255 ? Math.fround(1 / scale) : 0;
}

export interface WasmOptions {
  /** 2: large GEMMs split over a helper thread where the host registered one (Node: nodeWorkers.ts); default 2 there, else 1 */
  threads?: 1 | 2;
}

export async function createWasmBackend(note?: string, opts: WasmOptions = {}): Promise<Backend> {
  const helperFactory = gemmHelperFactory();
  const threads = helperFactory && typeof SharedArrayBuffer === "function" ? (opts.threads ?? 2) : 1;
  const heap = new WasmHeap(threads > 1);
  const { kernels: k, relaxed, module } = await instantiateKernels(heap, threads > 1);
  const info: BackendInfo = {
    name: "wasm",
    adapter: `WebAssembly SIMD${relaxed ? " + relaxed-SIMD FMA" : ""}, ${threads} thread${threads > 1 ? "s" : ""}`,
    fp16: "software",
    ...(note ? { note } : {}),
  };
  const state = new HostStepState();
  const gemm = new GemmDriver(k, heap, threads > 1 ? helperFactory!(module, heap) : null);

  const p = (t: Tensor): number => {
    const ptr = (t as WasmTensor).ptr;
    check(typeof ptr === "number" && ptr > 0, "a tensor of another backend, or one already disposed");
    return ptr;
  };
  const mode = (t: Tensor) => MODE[t.dtype];
  const kc: WasmKernelContext = { k, heap, p, mode, gemm, state };

  const backend: Backend = {
    info,

    tensor(shape, dtype, data) {
      check(shape.every((n) => Number.isInteger(n) && n > 0), `bad shape [${shape.join(", ")}]`);
      const size = shape.reduce((a, b) => a * b, 1);
      const t: WasmTensor = { shape: [...shape], dtype, size, ptr: heap.alloc(size) };
      if (data) backend.write(t, data);
      return t;
    },
    write(t, data) {
      check(data.length === t.size, `write of ${data.length} values into a tensor of ${t.size}`);
      heap.f32.set(data, p(t) / 4);
      k.round_inplace(p(t), t.size, mode(t));
    },
    async read(t) {
      return heap.f32.slice(p(t) / 4, p(t) / 4 + t.size);
    },
    dispose(t) {
      const wt = t as WasmTensor;
      if (wt.ptr > 0) heap.release(wt.ptr, wt.size);
      wt.ptr = -1;
    },

    initStepState(rule, scaler, appliedSteps) {
      state.init(rule, scaler, appliedSteps);
    },
    beginStep() {
      state.begin();
    },
    endStep() {
      state.end();
    },
    async flush() {
      return state.takeLog();
    },
    async readStepState() {
      return state.read();
    },

    cast(out, x) {
      check(out.size === x.size, "cast: size mismatch");
      k.cast(p(out), p(x), x.size, mode(out));
    },
    unscaleCheck(g32, g, accumulate, lastMicroBatch, tensorId) {
      check(g32.size === g.size && g32.dtype === "f32", "unscaleCheck: g32 must be an f32 tensor of g's size");
      const scale = state.scaleUsed;
      if (k.unscale(p(g32), p(g), g.size, scale, exactInverse(scale), accumulate ? 1 : 0)) state.nonFinite(tensorId, true);
      if (lastMicroBatch) state.normSq += k.sumsq(p(g32), g32.size);
    },
    checkFinite(x, tensorId) {
      if (!state.recorded && k.nonfinite(p(x), x.size)) state.nonFinite(tensorId, false);
    },

    run(op, args, ctx = NO_COPIES) {
      // (a table lookup: TypeScript cannot tie the key to its argument type here)
      (WASM_OPS[op] as (c: WasmKernelContext, a: typeof args, x: typeof ctx) => void)(kc, args, ctx);
    },

    observe(slot, x, before) {
      const s = state.slot(slot, "wasm");
      check(!before || before.size === x.size, "observe: before must have x's size");
      k.observe(p(x), before ? p(before) : 0, x.size, subnormalLimit(x.dtype), STATS_RECORD, STATS_LANES);
      const rec = new Int32Array(heap.memory.buffer, STATS_RECORD, 73), ext = new Float32Array(heap.memory.buffer, STATS_RECORD + 24, 2);
      s.count += x.size;
      s.zero += rec[0]; s.subnormal += rec[1]; s.underflow += rec[2]; s.overflow += rec[3]; s.nan += rec[4]; s.inf += rec[5];
      s.minAbs = Math.min(s.minAbs, ext[0]);
      s.maxAbs = Math.max(s.maxAbs, ext[1]);
      for (let i = 0; i < s.hist.length; i++) s.hist[i] += rec[8 + i];
    },
    resetStats(numSlots) {
      state.resetStats(numSlots);
    },
    async readStats() {
      return state.readStats();
    },
    destroy() {
      state.clear();
      heap.reset();
      gemm.destroy();
    },
  };
  return backend;
}

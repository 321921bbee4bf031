// The CPU backend: the readable reference implementation of the Backend interface on
// typed arrays. Every tensor is a Float32Array whose values are representable in its
// dtype (fp16/bf16 values are exact in fp32), so "storing as fp16" is rounding with
// engine/numerics. Ops run at once, each the reference kernel of its op folder
// (opTable.ts). Reductions accumulate in JS numbers (fp64) and round the result once:
// at least as accurate as the fp32 accumulation of the other backends.
import type { Backend, BackendInfo, Tensor } from "../backend.js";
import { roundTo } from "../../numerics/dtype.js";
import { NO_COPIES } from "../../ops/op.js";
import { HostStepState } from "../hostStepState.js";
import type { CpuKernelContext } from "./cpuContext.js";
import { accumulateStats } from "./cpuStats.js";
import { CPU_OPS } from "./opTable.js";

export interface CpuTensor extends Tensor {
  data: Float32Array;
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`cpu backend: ${what}`);
}

export function createCpuBackend(note?: string): Backend {
  const info: BackendInfo = { name: "cpu", adapter: "JavaScript typed arrays", fp16: "software", ...(note ? { note } : {}) };
  const state = new HostStepState();
  const data = (t: Tensor) => {
    const a = (t as CpuTensor).data;
    check(a instanceof Float32Array, "a tensor of another backend");
    return a;
  };
  const kc: CpuKernelContext = { data, state };

  const backend: Backend = {
    info,

    tensor(shape, dtype, values) {
      const size = shape.reduce((a, b) => a * b, 1);
      check(shape.every((n) => Number.isInteger(n) && n > 0), `bad shape [${shape.join(", ")}]`);
      const t: CpuTensor = { shape: [...shape], dtype, size, data: new Float32Array(size) };
      if (values) backend.write(t, values);
      return t;
    },
    write(t, values) {
      check(values.length === t.size, `write of ${values.length} values into a tensor of ${t.size}`);
      const out = data(t);
      for (let i = 0; i < values.length; i++) out[i] = roundTo(t.dtype, values[i]);
    },
    async read(t) {
      return data(t).slice();
    },
    dispose(t) {
      (t as CpuTensor).data = new Float32Array(0);
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
      const o = data(out), xs = data(x);
      for (let i = 0; i < xs.length; i++) o[i] = roundTo(out.dtype, xs[i]);
    },
    unscaleCheck(g32, g, accumulate, lastMicroBatch, tensorId) {
      check(g32.dtype === "f32" && g32.size === g.size, "unscaleCheck: g32 must be an f32 tensor of g's size");
      const acc = data(g32), gs = data(g), scale = state.scaleUsed;
      let bad = false;
      for (let i = 0; i < gs.length; i++) {
        const v = gs[i];
        if (!Number.isFinite(v)) bad = true;
        acc[i] = Math.fround((accumulate ? acc[i] : 0) + Math.fround(v / scale));
      }
      if (bad) state.nonFinite(tensorId, true);
      if (lastMicroBatch) for (let i = 0; i < acc.length; i++) state.normSq += acc[i] * acc[i];
    },
    checkFinite(x, tensorId) {
      if (state.recorded) return;
      const xs = data(x);
      for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) { state.nonFinite(tensorId, false); return; }
    },

    run(op, args, ctx = NO_COPIES) {
      // (a table lookup: TypeScript cannot tie the key to its argument type here)
      (CPU_OPS[op] as (c: CpuKernelContext, a: typeof args, x: typeof ctx) => void)(kc, args, ctx);
    },

    observe(slot, x, before) {
      check(!before || before.size === x.size, "observe: before must have x's size");
      accumulateStats(state.slot(slot, "cpu"), data(x), x.dtype, before ? data(before) : undefined);
    },
    resetStats(numSlots) {
      state.resetStats(numSlots);
    },
    async readStats() {
      return state.readStats();
    },
    destroy() {
      state.clear();
    },
  };
  return backend;
}

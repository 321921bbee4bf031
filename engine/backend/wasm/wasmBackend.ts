// The wasm backend: the Backend interface on WebAssembly SIMD kernels (kernels.wat and
// the files it includes). Tensors live in one wasm memory as fp32 (f16/bf16 tensors hold
// values rounded to their format, as in the CPU reference), so every op reads fp32 and
// rounds once on store. Ops run at once, like the CPU backend; the step state (loss,
// overflow, scaler) is plain JS shared with the reference's rules.
import type { Activation, AdamParams, Backend, BackendInfo, DType, RawTensorStats, ScalerRule, ScalerState, SgdParams, StepRecord, Tensor } from "../backend.js";
import { subnormalLimit } from "../../numerics/dtype.js";
import { FP8_RECORD_WORDS, quantizeFp8 } from "../../numerics/fp8Quantize.js";
import { initialScalerState, updateScaler } from "../../scaler/lossScaler.js";
import { emptyStats } from "../cpu/cpuStats.js";
import { K_BLOCK, instantiateKernels } from "./wasmKernels.js";
import { GEMM_SCRATCH, STATS_LANES, STATS_RECORD, WORKER_GEMM_SCRATCH, WasmHeap } from "./wasmHeap.js";
import { RowSplit, gemmHelperFactory, type GemmHelper } from "./gemmHelper.js";

interface WasmTensor extends Tensor {
  /** byte address in the heap; -1 once disposed */
  ptr: number;
}

const MODE: Record<DType, number> = { f32: 0, f16: 1, bf16: 2 };
const ACT: Record<Activation, number> = { linear: 0, relu: 1, tanh: 2, sigmoid: 3, gelu: 4 };

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

/** A GEMM splits over the second thread from this many multiply-adds (below, waking it costs more than it saves). */
const PARALLEL_MIN = 1 << 20;

export interface WasmOptions {
  /** 2: large GEMMs split over a helper thread where the host registered one (Node: nodeWorkers.ts); default 2 there, else 1 */
  threads?: 1 | 2;
}

export async function createWasmBackend(note?: string, opts: WasmOptions = {}): Promise<Backend> {
  const helperFactory = gemmHelperFactory();
  const threads = helperFactory && typeof SharedArrayBuffer === "function" ? (opts.threads ?? 2) : 1;
  const heap = new WasmHeap(threads > 1);
  const { kernels: k, relaxed, module } = await instantiateKernels(heap, threads > 1);
  let helper: GemmHelper | null = threads > 1 ? helperFactory!(module, heap) : null;
  const info: BackendInfo = {
    name: "wasm",
    adapter: `WebAssembly SIMD${relaxed ? " + relaxed-SIMD FMA" : ""}, ${threads} thread${threads > 1 ? "s" : ""}`,
    fp16: "software",
    ...(note ? { note } : {}),
  };
  let rule: ScalerRule = { kind: "none", rule: "pytorch", initScale: 1, growthFactor: 2, backoffFactor: 0.5, growthInterval: 1, hysteresis: 1, minScale: 0, maxScale: Infinity };
  let scaler: ScalerState = initialScalerState(rule);
  let applied = 0;
  let log: StepRecord[] = [];
  let loss = 0, overflow = false, firstBad = -1, normSq = 0, scaleUsed = 1;
  let stats: RawTensorStats[] = [];
  const split = new RowSplit();
  let pack = 0, pack2 = 0, packFloats = 0; // the GEMM's packed-B buffers (this thread's, the helper's), grown on demand
  const skip = () => overflow || scaler.halted !== 0;

  const p = (t: Tensor): number => {
    const ptr = (t as WasmTensor).ptr;
    check(typeof ptr === "number" && ptr > 0, "a tensor of another backend, or one already disposed");
    return ptr;
  };
  const mode = (t: Tensor) => MODE[t.dtype];
  /** every value of format `a` is one of format `b` */
  const fits = (a: Tensor, b: Tensor) => b.dtype === "f32" || a.dtype === b.dtype;
  /** ReLU and linear only select or copy values (x, 0, dout, dout·0): no rounding when the input's format fits the output's */
  const exactAct = (act: Activation, from: Tensor, to: Tensor) => (act === "relu" || act === "linear") && fits(from, to);

  const f32Like = (t: Tensor | null | undefined, like: Tensor, what: string): number => {
    if (!t) return 0;
    check(t.dtype === "f32" && t.size === like.size, `${what} must be an f32 tensor of the output's size`);
    return p(t);
  };

  /** C[M,N] = A·B (+ bias): A(m,k) = a[m*sam + k*sak], B(k,n) = b[k*sbk + n*sbn]; c32 the same unrounded; ca ReLU(C) */
  function gemm(M: number, N: number, K: number, a: number, sam: number, sak: number, b: number, sbk: number, sbn: number, c: Tensor, bias: number, c32 = 0, ca = 0) {
    const need = Math.min(K, K_BLOCK) * Math.ceil(N / 8) * 8;
    if (need > packFloats) {
      if (pack) heap.release(pack, packFloats);
      if (pack2) heap.release(pack2, packFloats);
      pack = heap.alloc(need);
      pack2 = helper ? heap.alloc(need) : 0;
      packFloats = need;
    }
    // with a helper thread: it takes the bottom rows of C (from a multiple of 4), as many as
    // makes both finish together (RowSplit)
    const key = helper && M >= 8 && M * N * K >= PARALLEL_MIN ? `${M} ${N} ${K} ${sam} ${sak} ${sbk} ${sbn}` : "";
    const top = key ? split.top(key, M) : M;
    if (top < M) {
      const off = top * N * 4;
      helper!.start([M - top, N, K, a + top * sam * 4, sam, sak, b, sbk, sbn, p(c) + off, bias, mode(c), pack2, WORKER_GEMM_SCRATCH, c32 ? c32 + off : 0, ca ? ca + off : 0]);
    }
    const t0 = performance.now();
    k.gemm(top, N, K, a, sam, sak, b, sbk, sbn, p(c), bias, mode(c), pack, GEMM_SCRATCH, c32, ca);
    if (top === M) return;
    const t1 = performance.now(), helperMs = helper!.wait(), t2 = performance.now();
    // when this thread waited, the helper's time is from the start (its wake-up included)
    split.learn(key, M, top, t1 - t0, t2 - t1 > 0.002 ? t2 - t0 : helperMs);
  }

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

    initStepState(r, state, appliedSteps) {
      rule = { ...r };
      scaler = { ...state };
      applied = appliedSteps;
      log = [];
    },
    beginStep() {
      loss = 0; overflow = false; firstBad = -1; normSq = 0; scaleUsed = scaler.scale;
    },
    endStep() {
      const wasHalted = scaler.halted !== 0;
      if (!overflow && !wasHalted) applied++;
      if (!wasHalted) scaler = updateScaler(rule, scaler, overflow);
      log.push({ loss, scale: scaleUsed, overflow, firstNonFinite: firstBad, gradNorm: Math.sqrt(normSq), scalerError: !wasHalted && scaler.halted !== 0 });
    },
    async flush() {
      const out = log;
      log = [];
      return out;
    },
    async readStepState() {
      return { scaler: { ...scaler }, appliedSteps: applied };
    },

    gatherRows(out, src, idx, offset) {
      const [rows, cols] = out.shape;
      check(src.shape[1] === cols, "gatherRows: column mismatch");
      check(offset >= 0 && offset + rows <= idx.size, "gatherRows: index range outside idx");
      const ix = heap.f32.subarray(p(idx) / 4 + offset, p(idx) / 4 + offset + rows);
      for (const row of ix) check(Number.isInteger(row) && row >= 0 && row < src.shape[0], `gatherRows: row ${row} outside 0..${src.shape[0] - 1}`);
      k.gather(p(out), p(src), p(idx), offset, rows, cols, mode(out));
    },

    // out[B,O] = x[B,I] · w[O,I]^T + b[O]:  A = x (rows of I), B(k=i, n=o) = w[o*I + i]
    linearForward(out, x, w, b, out32, activated) {
      const [B, I] = x.shape, O = w.shape[0];
      check(w.shape[1] === I && out.shape[0] === B && out.shape[1] === O && b.size === O, "linearForward: shape mismatch");
      if (activated) check(activated.out.size === out.size, "linearForward: activated.out must have out's size");
      // ReLU of a value that fits the activation's format is exact: fused into the GEMM's store
      const fused = activated && activated.act === "relu" && fits(out, activated.out) && activated.out !== out ? activated.out : null;
      gemm(B, O, I, p(x), I, 1, p(w), 1, I, out, p(b), f32Like(out32, out, "linearForward: out32"), fused ? p(fused) : 0);
      if (activated && !fused) backend.activationForward(activated.out, out, activated.act);
    },
    linearBackward(dx, dw, db, dout, x, w, dx32, dw32) {
      const [B, I] = x.shape, O = w.shape[0];
      check(dout.shape[0] === B && dout.shape[1] === O && dw.size === O * I && db.size === O, "linearBackward: shape mismatch");
      // dx[B,I] = dout[B,O] · w[O,I]:  A = dout (rows of O), B(k=o, n=i) = w[o*I + i]
      if (dx) gemm(B, I, O, p(dout), O, 1, p(w), I, 1, dx, 0, f32Like(dx32, dx, "linearBackward: dx32"));
      // dw[O,I] = dout^T[O,B] · x[B,I]:  A(m=o, k=r) = dout[r*O + o] (read transposed in place), B = x
      gemm(O, I, B, p(dout), 1, O, p(x), I, 1, dw, 0, f32Like(dw32, dw, "linearBackward: dw32"));
      // db[O] = sum_B dout
      k.colsum(p(db), p(dout), B, O, mode(db));
    },
    activationForward(out, x, act) {
      check(out.size === x.size, "activationForward: size mismatch");
      k.activation(p(out), 0, p(x), x.size, ACT[act], exactAct(act, x, out) ? 0 : mode(out));
    },
    activationBackward(dx, dout, x, act) {
      check(dx.size === x.size && dout.size === x.size, "activationBackward: size mismatch");
      k.activation(p(dx), p(dout), p(x), x.size, ACT[act], exactAct(act, dout, dx) ? 0 : mode(dx));
    },

    mseLoss(seed, yhat, y, weight, addToLoss = true, seed32) {
      check(yhat.size === y.size && seed.size === y.size, "mseLoss: size mismatch");
      const sum = k.mse(p(seed), p(yhat), p(y), y.size, weight, scaleUsed, mode(seed), f32Like(seed32, seed, "mseLoss: seed32"));
      if (addToLoss) loss += Math.fround(weight * Math.fround(sum / y.size));
    },

    cast(out, x) {
      check(out.size === x.size, "cast: size mismatch");
      k.cast(p(out), p(x), x.size, mode(out));
    },
    quantizeFp8(out, x, cast, record, slot) {
      // the CPU reference's exact fp8 path, on views of the wasm heap (no SIMD kernel yet)
      check(out.dtype === "f32" && out.size === x.size, "quantizeFp8: out must be an f32 tensor of x's size");
      check(record.dtype === "f32" && Number.isInteger(slot) && slot >= 0 && (slot + 1) * FP8_RECORD_WORDS <= record.size, `quantizeFp8: slot ${slot} outside the record tensor`);
      const view = (t: Tensor) => new Float32Array(heap.memory.buffer, p(t), t.size);
      const r = quantizeFp8(view(out), view(x), cast);
      view(record).set([r.amax, r.scale, r.saturated, r.flushed], slot * FP8_RECORD_WORDS);
    },
    unscaleCheck(g32, g, accumulate, lastMicroBatch, tensorId) {
      check(g32.size === g.size && g32.dtype === "f32", "unscaleCheck: g32 must be an f32 tensor of g's size");
      if (k.unscale(p(g32), p(g), g.size, scaleUsed, exactInverse(scaleUsed), accumulate ? 1 : 0)) {
        overflow = true;
        if (firstBad < 0) firstBad = tensorId;
      }
      if (lastMicroBatch) normSq += k.sumsq(p(g32), g32.size);
    },
    checkFinite(x, tensorId) {
      if (firstBad < 0 && k.nonfinite(p(x), x.size)) firstBad = tensorId;
    },

    sgdStep(w, g32, buf, prm: SgdParams) {
      if (skip()) return;
      k.sgd(p(w), p(g32), p(buf), w.size, prm.lr, prm.momentum, prm.weightDecay, mode(w));
    },
    adamStep(w, g32, m, v, prm: AdamParams) {
      if (skip()) return;
      const t = applied + 1;
      k.adam(p(w), p(g32), p(m), p(v), w.size, prm.lr, prm.beta1, prm.beta2, prm.eps, prm.weightDecay, 1 - prm.beta1 ** t, 1 - prm.beta2 ** t, mode(w));
    },

    observe(slot, x, before) {
      check(slot >= 0 && slot < stats.length, `observe: slot ${slot} outside 0..${stats.length - 1}`);
      check(!before || before.size === x.size, "observe: before must have x's size");
      k.observe(p(x), before ? p(before) : 0, x.size, subnormalLimit(x.dtype), STATS_RECORD, STATS_LANES);
      const rec = new Int32Array(heap.memory.buffer, STATS_RECORD, 73), ext = new Float32Array(heap.memory.buffer, STATS_RECORD + 24, 2);
      const s = stats[slot];
      s.count += x.size;
      s.zero += rec[0]; s.subnormal += rec[1]; s.underflow += rec[2]; s.overflow += rec[3]; s.nan += rec[4]; s.inf += rec[5];
      s.minAbs = Math.min(s.minAbs, ext[0]);
      s.maxAbs = Math.max(s.maxAbs, ext[1]);
      for (let i = 0; i < s.hist.length; i++) s.hist[i] += rec[8 + i];
    },
    resetStats(numSlots) {
      stats = Array.from({ length: numSlots }, emptyStats);
    },
    async readStats() {
      return stats.map((s) => ({ ...s, hist: [...s.hist] }));
    },
    destroy() {
      log = [];
      stats = [];
      heap.reset();
      pack = pack2 = packFloats = 0;
      helper?.destroy();
      helper = null;
    },
  };
  return backend;
}

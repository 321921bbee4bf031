// The CPU backend: the readable reference implementation of the Backend
// interface on typed arrays. Every tensor is a Float32Array whose values are
// representable in its dtype (fp16/bf16 values are exact in fp32), so "storing
// as fp16" is rounding with engine/numerics. Ops run at once. Reductions
// accumulate in JS numbers (fp64) and round the result once: at least as
// accurate as fp32 accumulation, which the WebGPU backend does.
import type { Activation, AdamParams, Backend, BackendInfo, DType, RawTensorStats, ScalerRule, ScalerState, SgdParams, StepRecord, Tensor } from "../backend.js";
import { roundTo } from "../../numerics/dtype.js";
import { FP8_RECORD_WORDS, quantizeFp8 } from "../../numerics/fp8Quantize.js";
import { initialScalerState, updateScaler } from "../../scaler/lossScaler.js";
import { activate, activateGrad } from "./activations.js";
import { accumulateStats, emptyStats } from "./cpuStats.js";

export interface CpuTensor extends Tensor {
  data: Float32Array;
}

const round = (t: CpuTensor, x: number) => roundTo(t.dtype, x);
const d = (t: Tensor) => (t as CpuTensor).data;

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`cpu backend: ${what}`);
}

export function createCpuBackend(note?: string): Backend {
  const info: BackendInfo = { name: "cpu", adapter: "JavaScript typed arrays", fp16: "software", ...(note ? { note } : {}) };
  let rule: ScalerRule = { kind: "none", rule: "pytorch", initScale: 1, growthFactor: 2, backoffFactor: 0.5, growthInterval: 1, hysteresis: 1, minScale: 0, maxScale: Infinity };
  let scaler: ScalerState = initialScalerState(rule);
  let applied = 0;
  let log: StepRecord[] = [];
  // the step in progress
  let loss = 0, overflow = false, firstBad = -1, normSq = 0, scaleUsed = 1;
  let stats: RawTensorStats[] = [];
  const skip = () => overflow || scaler.halted !== 0;

  const backend: Backend = {
    info,

    tensor(shape, dtype, data) {
      const size = shape.reduce((a, b) => a * b, 1);
      check(shape.every((n) => Number.isInteger(n) && n > 0), `bad shape [${shape.join(", ")}]`);
      const t: CpuTensor = { shape: [...shape], dtype, size, data: new Float32Array(size) };
      if (data) backend.write(t, data);
      return t;
    },
    write(t, data) {
      check(data.length === t.size, `write of ${data.length} values into a tensor of ${t.size}`);
      const out = d(t);
      for (let i = 0; i < data.length; i++) out[i] = roundTo(t.dtype, data[i]);
    },
    async read(t) {
      return d(t).slice();
    },
    dispose(t) {
      (t as CpuTensor).data = new Float32Array(0);
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
      const o = d(out), s = d(src), ix = d(idx);
      for (let r = 0; r < rows; r++) {
        const row = ix[offset + r];
        for (let c = 0; c < cols; c++) o[r * cols + c] = round(out as CpuTensor, s[row * cols + c]);
      }
    },

    // out[B,O] = x[B,I] · w[O,I]^T + b[O]   (out32: the same sums in f32; activated: act(out) after)
    linearForward(out, x, w, b, out32, activated) {
      const [B, I] = x.shape, O = w.shape[0];
      check(w.shape[1] === I && out.shape[0] === B && out.shape[1] === O && b.size === O, "linearForward: shape mismatch");
      check(!out32 || (out32.dtype === "f32" && out32.size === out.size), "linearForward: out32 must be an f32 tensor of out's size");
      const o = d(out), xs = d(x), ws = d(w), bs = d(b), o32 = out32 ? d(out32) : null;
      for (let r = 0; r < B; r++) {
        for (let j = 0; j < O; j++) {
          let acc = bs[j];
          for (let k = 0; k < I; k++) acc += xs[r * I + k] * ws[j * I + k];
          o[r * O + j] = round(out as CpuTensor, acc);
          if (o32) o32[r * O + j] = Math.fround(acc);
        }
      }
      if (activated) backend.activationForward(activated.out, out, activated.act);
    },
    // dx[B,I] = dout[B,O] · w[O,I];  dw[O,I] = dout^T · x;  db[O] = sum_B dout   (dx32, dw32: in f32)
    linearBackward(dx, dw, db, dout, x, w, dx32, dw32) {
      const [B, I] = x.shape, O = w.shape[0];
      check(dout.shape[0] === B && dout.shape[1] === O && dw.size === O * I && db.size === O, "linearBackward: shape mismatch");
      check(!dx32 || !dx || (dx32.dtype === "f32" && dx32.size === dx.size), "linearBackward: dx32 must be an f32 tensor of dx's size");
      check(!dw32 || (dw32.dtype === "f32" && dw32.size === dw.size), "linearBackward: dw32 must be an f32 tensor of dw's size");
      const g = d(dout), xs = d(x), ws = d(w);
      if (dx) {
        const dxs = d(dx), dx32s = dx32 ? d(dx32) : null;
        for (let r = 0; r < B; r++) {
          for (let k = 0; k < I; k++) {
            let acc = 0;
            for (let j = 0; j < O; j++) acc += g[r * O + j] * ws[j * I + k];
            dxs[r * I + k] = round(dx as CpuTensor, acc);
            if (dx32s) dx32s[r * I + k] = Math.fround(acc);
          }
        }
      }
      const dws = d(dw), dbs = d(db), dw32s = dw32 ? d(dw32) : null;
      for (let j = 0; j < O; j++) {
        let accB = 0;
        for (let r = 0; r < B; r++) accB += g[r * O + j];
        dbs[j] = round(db as CpuTensor, accB);
        for (let k = 0; k < I; k++) {
          let acc = 0;
          for (let r = 0; r < B; r++) acc += g[r * O + j] * xs[r * I + k];
          dws[j * I + k] = round(dw as CpuTensor, acc);
          if (dw32s) dw32s[j * I + k] = Math.fround(acc);
        }
      }
    },
    activationForward(out, x, act: Activation) {
      const o = d(out), xs = d(x);
      for (let i = 0; i < xs.length; i++) o[i] = round(out as CpuTensor, activate(act, xs[i]));
    },
    activationBackward(dx, dout, x, act: Activation) {
      const o = d(dx), g = d(dout), xs = d(x);
      for (let i = 0; i < xs.length; i++) o[i] = round(dx as CpuTensor, g[i] * activateGrad(act, xs[i]));
    },

    mseLoss(seed, yhat, y, weight, addToLoss = true, seed32) {
      check(yhat.size === y.size && seed.size === y.size, "mseLoss: size mismatch");
      check(!seed32 || (seed32.dtype === "f32" && seed32.size === seed.size), "mseLoss: seed32 must be an f32 tensor of seed's size");
      const p = d(yhat), t = d(y), s = d(seed), s32 = seed32 ? d(seed32) : null, n = y.size;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const diff = p[i] - t[i];
        sum += diff * diff;
        const v = ((2 * diff) / n) * weight * scaleUsed;
        s[i] = round(seed as CpuTensor, v);
        if (s32) s32[i] = Math.fround(v);
      }
      if (addToLoss) loss += Math.fround(weight * Math.fround(sum / n));
    },

    cast(out, x) {
      const o = d(out), xs = d(x);
      for (let i = 0; i < xs.length; i++) o[i] = round(out as CpuTensor, xs[i]);
    },
    quantizeFp8(out, x, cast, record, slot) {
      check(out.dtype === "f32" && out.size === x.size, "quantizeFp8: out must be an f32 tensor of x's size");
      check(record.dtype === "f32" && Number.isInteger(slot) && slot >= 0 && (slot + 1) * FP8_RECORD_WORDS <= record.size, `quantizeFp8: slot ${slot} outside the record tensor`);
      const r = quantizeFp8(d(out), d(x), cast);
      d(record).set([r.amax, r.scale, r.saturated, r.flushed], slot * FP8_RECORD_WORDS);
    },
    unscaleCheck(g32, g, accumulate, lastMicroBatch, tensorId) {
      const acc = d(g32), gs = d(g);
      let bad = false;
      for (let i = 0; i < gs.length; i++) {
        const v = gs[i];
        if (!Number.isFinite(v)) bad = true;
        acc[i] = Math.fround((accumulate ? acc[i] : 0) + Math.fround(v / scaleUsed));
      }
      if (bad) {
        overflow = true;
        if (firstBad < 0) firstBad = tensorId;
      }
      if (lastMicroBatch) for (let i = 0; i < acc.length; i++) normSq += acc[i] * acc[i];
    },
    checkFinite(x, tensorId) {
      if (firstBad >= 0) return;
      const xs = d(x);
      for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) { firstBad = tensorId; return; }
    },

    sgdStep(w, g32, buf, p: SgdParams) {
      if (skip()) return;
      const ws = d(w), g = d(g32), b = d(buf);
      for (let i = 0; i < ws.length; i++) {
        let step = g[i] + p.weightDecay * ws[i];
        if (p.momentum > 0) step = b[i] = Math.fround(p.momentum * b[i] + step);
        ws[i] = round(w as CpuTensor, ws[i] - p.lr * step);
      }
    },
    adamStep(w, g32, m, v, p: AdamParams) {
      if (skip()) return;
      const t = applied + 1;
      const c1 = 1 - p.beta1 ** t, c2 = 1 - p.beta2 ** t;
      const ws = d(w), g = d(g32), ms = d(m), vs = d(v);
      for (let i = 0; i < ws.length; i++) {
        let wi = ws[i] * (1 - p.lr * p.weightDecay);
        ms[i] = Math.fround(p.beta1 * ms[i] + (1 - p.beta1) * g[i]);
        vs[i] = Math.fround(p.beta2 * vs[i] + (1 - p.beta2) * g[i] * g[i]);
        wi -= (p.lr * (ms[i] / c1)) / (Math.sqrt(vs[i] / c2) + p.eps);
        ws[i] = round(w as CpuTensor, wi);
      }
    },

    observe(slot, x, before) {
      check(slot >= 0 && slot < stats.length, `observe: slot ${slot} outside 0..${stats.length - 1}`);
      accumulateStats(stats[slot], d(x), x.dtype, before ? d(before) : undefined);
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
    },
  };
  return backend;
}

export type { DType };

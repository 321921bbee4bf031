// The shared table of backend cases: each case runs a few ops on a backend and
// returns named outputs with a tolerance. backends.test.ts runs every case on the CPU
// reference and on every other backend that initialised, and compares.
// Tolerances are per output dtype (about 2 ulps: accumulation order and fp32 vs fp64
// intermediate results differ between backends); casts, gathers, counts are exact.
import type { Backend, DType, ScalerRule, StepRecord, Tensor } from "../../../engine/backend/backend.js";
import { activationBackward, activationForward, type Activation } from "../../../engine/ops/activation/activation.js";
import { adamStep } from "../../../engine/ops/adamw/adamw.js";
import { gatherRows } from "../../../engine/ops/gatherRows/gatherRows.js";
import { mseLoss } from "../../../engine/ops/mse/mse.js";
import { copiesOf } from "../../../engine/ops/op.js";
import { sgdStep } from "../../../engine/ops/sgd/sgd.js";
import { linearBackward, linearForward } from "./linearOps.js";
import { initialScalerState } from "../../../engine/scaler/lossScaler.js";
import { uniform } from "./backends.js";

export type Tol = "exact" | { rtol: number; atol: number };
export interface CaseOutput { values: ArrayLike<number>; tol: Tol }
export interface BackendCase { name: string; run(b: Backend): Promise<Record<string, CaseOutput>> }

export const TOL: Record<DType, Tol> = {
  f32: { rtol: 1e-5, atol: 1e-6 },
  f16: { rtol: 2e-3, atol: 1e-6 },
  bf16: { rtol: 1.6e-2, atol: 1e-6 },
};
const DTYPES: DType[] = ["f32", "f16", "bf16"];
const ACTS: Activation[] = ["relu", "gelu", "tanh", "sigmoid", "linear"];

export function staticRule(scale: number): ScalerRule {
  return { kind: "static", rule: "pytorch", initScale: scale, growthFactor: 1, backoffFactor: 1, growthInterval: 1, hysteresis: 1, minScale: 0, maxScale: Infinity };
}

/** Runs `body` with a tensor factory; every tensor made is disposed afterwards. */
async function session(b: Backend, scale: number, body: (mk: (shape: number[], dtype: DType, data?: Float32Array) => Tensor) => Promise<Record<string, CaseOutput>>) {
  const made: Tensor[] = [];
  const rule = staticRule(scale);
  b.initStepState(rule, initialScalerState(rule), 0);
  try {
    return await body((shape, dtype, data) => {
      const t = b.tensor(shape, dtype, data);
      made.push(t);
      return t;
    });
  } finally {
    for (const t of made) b.dispose(t);
  }
}

async function out(b: Backend, t: Tensor, tol: Tol = TOL[t.dtype]): Promise<CaseOutput> {
  return { values: await b.read(t), tol };
}

function record(r: StepRecord, lossTol: Tol = TOL.f32): Record<string, CaseOutput> {
  return {
    loss: { values: [r.loss], tol: lossTol },
    scale: { values: [r.scale], tol: "exact" },
    overflow: { values: [Number(r.overflow)], tol: "exact" },
    firstNonFinite: { values: [r.firstNonFinite], tol: "exact" },
    gradNorm: { values: [r.gradNorm], tol: TOL.f32 },
  };
}

async function oneStep(b: Backend, ops: () => void): Promise<StepRecord> {
  b.beginStep(0);
  ops();
  b.endStep();
  const recs = await b.flush();
  if (recs.length !== 1) throw new Error(`expected one step record, got ${recs.length}`);
  return recs[0];
}

// Values around every edge of the formats: signed zeros, fp16 max and its rounding
// boundary, fp16/bf16 subnormals and their ties, beyond range, Inf, NaN.
export const SPECIAL = Float32Array.from([
  0, -0, 1, -1, 0.1, -1 / 3, Math.PI, 65504, 65519, 65520, -65520, 1e6, 2 ** -14, 2 ** -24, 2 ** -25, -(2 ** -25) * 1.0001,
  3 * 2 ** -26, 2 ** -14 - 2 ** -25, 1e-30, 1e-40, 3e38, -3.4e38, Infinity, -Infinity, NaN, 1 + 2 ** -11, 1 + 3 * 2 ** -11,
  1 + 2 ** -8, 1 + 3 * 2 ** -8, 2048 + 1, 2 ** -133, 2 ** -126,
]);

function cases(): BackendCase[] {
  const list: BackendCase[] = [];
  const add = (name: string, run: BackendCase["run"]) => list.push({ name, run });

  for (const dt of DTYPES) {
    add(`cast f32 -> ${dt} -> f32 on edge values (exact)`, (b) => session(b, 1, async (mk) => {
      const vals = new Float32Array([...SPECIAL, ...uniform(61, -1000, 1000, 1)]);
      const src = mk([vals.length], "f32", vals), mid = mk([vals.length], dt), back = mk([vals.length], "f32");
      b.cast(mid, src);
      b.cast(back, mid);
      return { mid: await out(b, mid, "exact"), back: await out(b, back, "exact") };
    }));

    add(`gatherRows into ${dt}`, (b) => session(b, 1, async (mk) => {
      const src = mk([6, 5], "f32", uniform(30, -3, 3, 2)), idx = mk([6], "f32", Float32Array.from([9, 5, 0, 3, 3, 1]));
      const o = mk([4, 5], dt);
      gatherRows(b, { out: o, src, idx, offset: 1 });
      return { out: await out(b, o, "exact") };
    }));

    for (const [B, I, O] of [[6, 16, 12], [5, 7, 3], [33, 24, 10]]) {
      add(`linearForward ${dt} [${B},${I}]·[${O},${I}]^T`, (b) => session(b, 1, async (mk) => {
        const x = mk([B, I], dt, uniform(B * I, -2, 2, 3)), w = mk([O, I], dt, uniform(O * I, -1, 1, 4));
        const bias = mk([O], dt, uniform(O, -1, 1, 5)), z = mk([B, O], dt), z32 = mk([B, O], "f32");
        linearForward(b, z, x, w, bias, z32); // z32: the same sums before the cast
        return { z: await out(b, z), z32: await out(b, z32) };
      }));
      add(`linearBackward ${dt} B=${B} I=${I} O=${O}`, (b) => session(b, 1, async (mk) => {
        const x = mk([B, I], dt, uniform(B * I, -2, 2, 6)), w = mk([O, I], dt, uniform(O * I, -1, 1, 7));
        const dout = mk([B, O], dt, uniform(B * O, -1, 1, 8));
        const dx = mk([B, I], dt), dw = mk([O, I], dt), db = mk([O], dt), dx32 = mk([B, I], "f32"), dw32 = mk([O, I], "f32");
        linearBackward(b, dx, dw, db, dout, x, w, dx32, dw32);
        const dw2 = mk([O, I], "f32"), db2 = mk([O], "f32");
        linearBackward(b, null, dw2, db2, dout, x, w); // first layer: no dx
        return { dx: await out(b, dx), dw: await out(b, dw), db: await out(b, db), dx32: await out(b, dx32), dw32: await out(b, dw32), dwF32: await out(b, dw2), dbF32: await out(b, db2) };
      }));
    }
    add(`linearForward ${dt} inputs into an f32 output`, (b) => session(b, 1, async (mk) => {
      const x = mk([4, 8], dt, uniform(32, -2, 2, 9)), w = mk([6, 8], dt, uniform(48, -1, 1, 10));
      const bias = mk([6], "f32", uniform(6, -1, 1, 11)), z = mk([4, 6], "f32");
      linearForward(b, z, x, w, bias);
      return { z: await out(b, z) };
    }));

    // linearForward's `activated`: act(z) beside z, fused into the store where a backend can
    // (wasm: ReLU). Edge tiles (7x13), an Inf input (rows of ±Inf) and Inf·0 (a NaN);
    // the same backend's own activationForward of z must give the same bits.
    for (const act of ACTS) {
      for (const aDt of (dt === "f32" ? ["f32", "f16"] : [dt, "f32"]) as DType[]) {
        add(`linearForward ${dt} with ${act}(z) beside it into ${aDt}`, (b) => session(b, 1, async (mk) => {
          const B = 7, I = 9, O = 13;
          const xs = uniform(B * I, -2, 2, 31), ws = uniform(O * I, -1, 1, 32);
          xs[0] = Infinity; // row 0: ±Inf sums
          xs[I + 1] = Infinity; ws[1] = 0; // row 1, column 0: Inf·0 = NaN
          const x = mk([B, I], dt, xs), w = mk([O, I], dt, ws), bias = mk([O], dt, uniform(O, -1, 1, 33));
          const z = mk([B, O], dt), a = mk([B, O], aDt), aSep = mk([B, O], aDt);
          linearForward(b, z, x, w, bias, undefined, { act, out: a });
          activationForward(b, { out: aSep, x: z, act });
          const fused = await b.read(a), separate = await b.read(aSep);
          const bad = Array.from(fused).findIndex((v, i) => !Object.is(v, separate[i]));
          if (bad >= 0) throw new Error(`${b.info.name}: act(z) beside the product differs from activationForward at [${bad}]: ${fused[bad]} vs ${separate[bad]}`);
          return { z: await out(b, z), a: await out(b, a) };
        }));
      }
    }

    for (const act of ACTS) {
      add(`activation ${act} forward and backward, ${dt}`, (b) => session(b, 1, async (mk) => {
        const xs = new Float32Array([...uniform(45, -6, 6, 12), -20, 20, 0, -1e-4, 1e-4]);
        const x = mk([5, 10], dt, xs), dout = mk([5, 10], dt, uniform(50, -2, 2, 13));
        const a = mk([5, 10], dt), dx = mk([5, 10], dt);
        activationForward(b, { out: a, x, act });
        activationBackward(b, { dx, dout, x, act });
        return { a: await out(b, a), dx: await out(b, dx) };
      }));
    }

    add(`mseLoss seed in ${dt} at scale 1024, weight 0.5`, (b) => session(b, 1024, async (mk) => {
      const yhat = mk([8, 3], dt, uniform(24, -2, 2, 14)), y = mk([8, 3], "f32", uniform(24, -2, 2, 15));
      const seed = mk([8, 3], dt), seed2 = mk([8, 3], "f32"), seed32 = mk([8, 3], "f32");
      const r = await oneStep(b, () => {
        mseLoss(b, { seed, yhat, y, weight: 0.5, addToLoss: true }, copiesOf([[seed, seed32]]));
        mseLoss(b, { seed: seed2, yhat, y, weight: 0.5, addToLoss: false }); // seed only: the loss is not counted twice
      });
      return { seed: await out(b, seed), seedF32: await out(b, seed2), seed32: await out(b, seed32), ...record(r) };
    }));

    add(`unscaleCheck ${dt}: two micro-batches accumulate in fp32, grad norm`, (b) => session(b, 256, async (mk) => {
      const g1 = mk([7, 9], dt, uniform(63, -3000, 3000, 16)), g2 = mk([7, 9], dt, uniform(63, -1, 1, 17));
      const g32 = mk([7, 9], "f32");
      const r = await oneStep(b, () => {
        b.unscaleCheck(g32, g1, false, false, 3);
        b.unscaleCheck(g32, g2, true, true, 3);
      });
      return { g32: await out(b, g32), ...record(r) };
    }));

    add(`non-finite ${dt}: checkFinite records first, unscaleCheck sets overflow`, (b) => session(b, 1, async (mk) => {
      const ok = mk([3, 4], dt, uniform(12, -1, 1, 18));
      const badAct = mk([3, 4], dt, Float32Array.from([1, 2, NaN, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
      const badGrad = mk([3, 4], dt, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, Infinity]));
      const g32 = mk([3, 4], "f32"), g32b = mk([3, 4], "f32");
      const r = await oneStep(b, () => {
        b.checkFinite(ok, 1);
        b.unscaleCheck(g32, ok, false, true, 2);
        b.checkFinite(badAct, 5);
        b.unscaleCheck(g32b, badGrad, false, true, 9);
        b.checkFinite(badGrad, 11);
      });
      const r2 = await oneStep(b, () => b.unscaleCheck(g32b, badGrad, false, true, 9)); // a fresh step records 9
      return { g32: await out(b, g32), ...record(r), first2: { values: [r2.firstNonFinite, Number(r2.overflow)], tol: "exact" } };
    }));

    for (const momentum of [0.9, 0]) {
      add(`sgdStep ${dt} momentum ${momentum}, skipped on overflow`, (b) => session(b, 1, async (mk) => {
        const w = mk([6, 5], dt, uniform(30, -1, 1, 19)), g32 = mk([6, 5], "f32"), buf = momentum ? mk([6, 5], "f32") : g32;
        const p = { lr: 0.1, momentum, weightDecay: 0.01 };
        for (let s = 0; s < 3; s++) {
          b.write(g32, uniform(30, -2, 2, 20 + s));
          await oneStep(b, () => sgdStep(b, { w, g32, buf, p }));
        }
        const bad = mk([6, 5], "f32", new Float32Array(30).fill(Infinity)), g32b = mk([6, 5], "f32");
        await oneStep(b, () => { b.unscaleCheck(g32b, bad, false, true, 1); sgdStep(b, { w, g32, buf, p }); });
        return { w: await out(b, w), buf: await out(b, buf) };
      }));
    }

    add(`adamStep ${dt}: 3 applied steps and one skipped`, (b) => session(b, 1, async (mk) => {
      const w = mk([4, 7], dt, uniform(28, -1, 1, 24)), g32 = mk([4, 7], "f32"), m = mk([4, 7], "f32"), v = mk([4, 7], "f32");
      const p = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
      const bad = mk([4, 7], "f32", new Float32Array(28).fill(NaN)), g32b = mk([4, 7], "f32");
      for (let s = 0; s < 4; s++) {
        b.write(g32, uniform(28, -2, 2, 25 + s));
        await oneStep(b, () => { if (s === 1) b.unscaleCheck(g32b, bad, false, true, 1); adamStep(b, { w, g32, m, v, p }); });
      }
      return { w: await out(b, w), m: await out(b, m), v: await out(b, v) };
    }));

    add(`observe ${dt}: counts, extremes and exponent histogram (exact)`, (b) => session(b, 1, async (mk) => {
      // 3001 values: the last vector is 1 value and 3 of padding (no count may see those)
      const r = uniform(3001, 0, 1, 30);
      const vals = Float32Array.from({ length: 3001 }, (_, i) => (i % 3 === 0 ? -1 : 1) * 2 ** (-60 + 80 * r[i]));
      vals.set(SPECIAL, 100);
      vals.set([1e-9, 70000, 0, 0, 2 ** -20], 2000);
      const before = mk([3001], "f32", vals), x = mk([3001], dt);
      b.cast(x, before);
      b.resetStats(3);
      b.observe(0, x, before);
      b.observe(1, before);
      b.observe(0, x, before);
      const stats = await b.readStats();
      const flat = stats.flatMap((s) => [s.count, s.zero, s.subnormal, s.underflow, s.overflow, s.nan, s.inf, s.minAbs, s.maxAbs, ...s.hist]);
      return { stats: { values: flat, tol: "exact" } };
    }));
  }
  return list;
}

export const BACKEND_CASES: BackendCase[] = cases();

/** Differences between two outputs of a case, as readable lines (empty when they agree). */
export function differences(expected: CaseOutput, actual: CaseOutput, max = 5): string[] {
  const lines: string[] = [];
  if (expected.values.length !== actual.values.length) return [`length ${actual.values.length}, expected ${expected.values.length}`];
  for (let i = 0; i < expected.values.length && lines.length < max; i++) {
    const e = expected.values[i], a = actual.values[i];
    let ok: boolean;
    if (Number.isNaN(e) || Number.isNaN(a)) ok = Number.isNaN(e) && Number.isNaN(a);
    else if (expected.tol === "exact" || !Number.isFinite(e)) ok = Object.is(e, a) || (e === 0 && a === 0 && expected.tol !== "exact");
    else ok = Math.abs(a - e) <= expected.tol.atol + expected.tol.rtol * Math.abs(e);
    if (!ok) lines.push(`[${i}] got ${a}, expected ${e}`);
  }
  return lines;
}

// mixed-fp8 runs on the CPU reference: the step-0 loss against an independent fp64
// forward pass with the fp8 casts written from the definition; the recipes' scales
// in a run against their rules applied to the run's own amax trace (delayed reacts
// one step late); formats; defaults; a spike that saturates; bad recipes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { train, mlp, datasets, adam, sgd } from "../../../engine/index.js";
import { initWeights, layerShapes } from "../../../engine/model/mlp.js";
import { materialize } from "../../../engine/data/datasets.js";
import { DelayedScaling, blockScale, currentScale } from "../../../engine/numerics/fp8Scaling.js";
import { roundToGrid } from "../numerics/reference.js";
import { act64, type Act } from "../../helpers/reference.js";

const model = mlp({ inputs: 4, hidden: [16], outputs: 2, activation: "tanh", seed: 5 });
const data = datasets.teacher({ inputs: 4, outputs: 2, samples: 256, seed: 9 });
const base = { model, data, steps: 12, batchSize: 32, optimizer: sgd({ lr: 0.05 }), precision: "mixed-fp8" };
const f = Math.fround;

// bf16 and E4M3 from the definition (fp64 grid rounding; no engine code)
const bf16 = (x: number) => roundToGrid(f(x), { minNormalExp: -126, mantissaBits: 7, max: 3.3895313892515355e38 });
const e4m3 = (x: number) => {
  const r = roundToGrid(f(x), { minNormalExp: -6, mantissaBits: 3, max: 448 });
  return Number.isFinite(r) ? r : Math.sign(r) * 448; // saturating
};
/** current scaling of a tensor: s = fl(448 / amax), x̂ = fl(e4m3(fl(x·s)) · fl(1/s)) */
function castCurrent(xs: number[]): number[] {
  const amax = Math.max(...xs.map(Math.abs));
  const s = f(448 / amax), inv = f(1 / s);
  return xs.map((x) => f(e4m3(f(x * s)) * inv));
}

test("step-0 loss of mixed-fp8 (current scaling) equals an fp64 forward with E4M3 casts and bf16 outputs by hand", async () => {
  const r = await train({ ...base, steps: 2, optimizer: adam({ lr: 0 }), batchSize: 256, fp8: { recipe: "current" } }, { backend: "cpu" });
  const d = await materialize(data);
  let a: number[][] = Array.from({ length: 256 }, (_, i) => Array.from(d.x.subarray(i * 4, i * 4 + 4), bf16));
  const ys = Array.from({ length: 256 }, (_, i) => Array.from(d.y.subarray(i * 2, i * 2 + 2)));
  let plain: number[][] = a; // the same without fp8 casts: the test must tell them apart
  layerShapes(model).forEach((s, l) => {
    const w0 = initWeights(model)[l];
    const w = castCurrent(w0.weight), b = w0.bias;
    const xq = castCurrent(a.flat());
    const layer = (inp: number[], W: number[]) =>
      Array.from({ length: s.outputs }, (_, j) => bf16(act64(s.activation as Act, bf16(b[j] + inp.reduce((acc, v, k) => acc + v * W[j * s.inputs + k], 0)))));
    a = a.map((_, row) => layer(xq.slice(row * s.inputs, (row + 1) * s.inputs), w));
    plain = plain.map((row) => layer(row, w0.weight));
  });
  const mse = (out: number[][]) => out.flat().reduce((acc, v, i) => acc + (v - ys.flat()[i]) ** 2, 0) / 512;
  const want = mse(a), without = mse(plain);
  assert.ok(Math.abs(r.losses[0] - want) <= 1e-5 * want, `${r.losses[0]} vs ${want}`);
  assert.ok(Math.abs(without - want) > 1e-4 * want, `the fp8 casts change the loss (${without} vs ${want})`);
});

test("mixed-fp8 trains: no loss scaler by default, E4M3 forward / E5M2 gradients, the report's shapes", async () => {
  const r = await train({ ...base, steps: 40, statsInterval: 10, optimizer: adam({ lr: 0.01 }) }, { backend: "cpu" });
  assert.equal(r.config.scaler.type, "none");
  assert.ok(r.scales.every((s) => s === 1));
  assert.ok(r.finalLoss! < 0.5 * r.losses[0], `loss ${r.losses[0]} -> ${r.finalLoss}`);
  const fp8 = r.fp8!;
  assert.deepEqual(fp8.formats, { forward: "e4m3", backward: "e5m2" });
  assert.equal(fp8.matmulOutputs, "bf16");
  assert.deepEqual(fp8.recipe, { recipe: "delayed", format: "hybrid", margin: 0, amaxHistoryLen: 1024, amaxComputeAlgo: "max", saturate: true });
  assert.deepEqual(fp8.tensors.map((t) => `${t.layer} ${t.role} ${t.format}`), ["1 weights e4m3", "1 inputs e4m3", "1 grads e5m2", "2 weights e4m3", "2 inputs e4m3", "2 grads e5m2"]);
  for (const t of fp8.tensors) {
    assert.equal(t.scales.length, 40);
    assert.equal(t.saturated.length, r.statsSteps.length);
    assert.equal(t.history.length, 40);
  }
  const e4 = await train({ ...base, steps: 3, fp8: { format: "e4m3" } }, { backend: "cpu" });
  assert.ok(e4.fp8!.tensors.every((t) => t.format === "e4m3"), "format e4m3: E4M3 everywhere (TE Format.E4M3)");
  const scaled = await train({ ...base, steps: 3, scaler: { type: "static", scale: 8 } }, { backend: "cpu" });
  assert.ok(scaled.scales.every((s) => s === 8), "an explicit scaler still applies");
});

test("in a run, each recipe's scales follow its rule on the run's own amax: delayed one step late, current and block the same step", async () => {
  const cfg = { ...base, steps: 15, optimizer: adam({ lr: 0.02 }) };
  const delayed = await train({ ...cfg, fp8: { amaxHistoryLen: 4 } }, { backend: "cpu" });
  for (const t of delayed.fp8!.tensors) {
    const d = new DelayedScaling(t.format, 4, "max", 0);
    t.scales.forEach((s, i) => {
      assert.equal(s, d.scale, `${t.layer} ${t.role} step ${i}`);
      d.update(t.amax[i]);
    });
    assert.deepEqual(t.history, t.amax.slice(-4).map(f));
  }
  const current = await train({ ...cfg, fp8: { recipe: "current" } }, { backend: "cpu" });
  for (const t of current.fp8!.tensors) t.scales.forEach((s, i) => assert.equal(s, currentScale(t.format, t.amax[i])));
  const block = await train({ ...cfg, fp8: { recipe: "block" } }, { backend: "cpu" });
  for (const t of block.fp8!.tensors) t.scales.forEach((s, i) => assert.equal(s, blockScale(t.format, t.amax[i])));
});

test("a spike in the inputs: delayed scaling saturates at the spike step only, current scaling never", async () => {
  // four steps of 16 rows each; the rows of step 2 are 40x larger. Each step is its own
  // one-step run (so the batch is exactly those rows); the delayed scale is carried across
  // them by replaying the rule, the run's own cast record checks the replay's amax.
  const xs = Array.from({ length: 64 }, (_, i) => Array.from({ length: 4 }, (_, k) => Math.sin(i * 4 + k) * (Math.floor(i / 16) === 2 ? 40 : 1)));
  const ys = xs.map((r) => [r[0] * 0.1, r[1] * 0.1]);
  const cfg = { ...base, steps: 1, optimizer: sgd({ lr: 0 }) };
  const perStep = async (recipe: "delayed" | "current") => {
    const sat: number[] = [];
    const d = new DelayedScaling("e4m3");
    for (let step = 0; step < 4; step++) {
      const rows = xs.slice(step * 16, step * 16 + 16), rys = ys.slice(step * 16, step * 16 + 16);
      const r = await train({ ...cfg, data: { type: "arrays", xs: rows, ys: rys }, batchSize: 16, fp8: { recipe } }, { backend: "cpu" });
      const t = r.fp8!.tensors[1]; // layer 1 inputs
      if (recipe === "current") { sat.push(t.saturated[0]); continue; }
      // replay delayed scaling across these one-step runs: the cast at this step uses the previous steps' amax
      const c = await import("../../../engine/numerics/fp8Quantize.js");
      const x = Float32Array.from(rows.flat().map(bf16));
      const out = new Float32Array(x.length);
      const rec = c.quantizeFp8(out, x, { format: "e4m3", saturate: true, scaling: "tensor", scale: d.scale });
      assert.equal(rec.amax, t.amax[0]);
      sat.push(rec.saturated / x.length);
      d.update(rec.amax);
    }
    return sat;
  };
  const delayedSat = await perStep("delayed"), currentSat = await perStep("current");
  assert.ok(delayedSat[2] > 0.5, `the spike step saturates under the stale scale: ${delayedSat}`);
  assert.equal(delayedSat[3], 0, "the step after the spike is fine");
  assert.ok(delayedSat[0] === 0 && delayedSat[1] === 0);
  assert.deepEqual(currentSat, [0, 0, 0, 0]);
});

test("non-saturating E4M3 with a stale scale turns the spike into NaN: the step overflows and is skipped", async () => {
  const xs = Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 5) - 2, 1]);
  const ys = xs.map((r) => [r[0], r[1]]);
  // step 0 casts with scale 1 (delayed): values beyond 464 become NaN
  const big = xs.map((r) => r.map((v) => v * 1000));
  // lr 0: every step sees the same weights and data, so only the stale step-0 scale hurts
  const r = await train({ ...base, optimizer: sgd({ lr: 0 }), data: { type: "arrays", xs: big, ys }, batchSize: 32, steps: 3, fp8: { saturate: false } }, { backend: "cpu" });
  assert.deepEqual(r.overflowSteps, [0], "step 0 overflows; from step 1 the scale knows the amax");
  assert.ok(r.fp8!.tensors[1].scales[1] < 1);
  const sat = await train({ ...base, data: { type: "arrays", xs: big, ys }, batchSize: 32, steps: 3 }, { backend: "cpu" });
  assert.deepEqual(sat.overflowSteps, [], "saturating: no overflow, the spike is clipped to ±448");
  assert.ok(sat.fp8!.tensors[1].saturated[0] > 0);
});

test("bad fp8 recipes are refused before any work, naming the field", async () => {
  await assert.rejects(train({ ...base, fp8: { margin: -1 } }), /fp8\.margin must be an integer in 0\.\.32/);
  await assert.rejects(train({ ...base, fp8: { recipe: "mx" } }), /fp8\.recipe must be one of "delayed", "current", "block"/);
  await assert.rejects(train({ ...base, fp8: { amaxHistoryLen: 0 } }), /fp8\.amaxHistoryLen must be an integer from 1 to 100000/);
  await assert.rejects(train({ ...base, fp8: { histroy: 3 } }), /fp8/);
  await assert.rejects(train({ ...base, precision: "mixed-bf16", fp8: {} }), /fp8 is used only with precision "mixed-fp8"/);
});

test("a run on large inline arrays data (its rows summarised away) passes the RunResult schema, and a bad one does not", async () => {
  const { runResultSchema } = await import("../../../engine/train/runResult.js");
  // more values than a RunResult keeps inline (run.ts's KEPT_INLINE_VALUES): summarised
  const xs = Array.from({ length: 5000 }, (_, i) => [i % 7, 1, 2, 3]), ys = xs.map((r) => [r[0], 0]);
  const r = await train({ ...base, data: { type: "arrays", xs, ys }, batchSize: 8, steps: 2 }, { backend: "cpu" });
  assert.deepEqual(r.config.data, { type: "arrays", xs: [], ys: [], samples: 5000 });
  const parsed = runResultSchema.safeParse(r);
  assert.ok(parsed.success, parsed.success ? "" : parsed.error.message);
  assert.ok(parsed.data!.fp8, "the fp8 part is kept");
  assert.equal(runResultSchema.safeParse({ ...r, config: { ...r.config, data: { type: "arrays", xs: [], ys: [] } } }).success, false);
});

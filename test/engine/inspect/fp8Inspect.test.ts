// The fp8 part of inspect(run): hand-built traces with a known story (a spike met
// late, a frozen scale, a stale long history), and a real spiking run end to end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspectFp8 } from "../../../engine/inspect/fp8Inspect.js";
import { inspect } from "../../../engine/inspect/inspect.js";
import { formatReport } from "../../../engine/inspect/formatReport.js";
import { train, mlp, sgd } from "../../../engine/index.js";
import type { Fp8Report, Fp8TensorTrace } from "../../../engine/train/fp8Casts.js";

const recipe = { recipe: "delayed" as const, format: "hybrid" as const, margin: 0, amaxHistoryLen: 1024, amaxComputeAlgo: "max" as const, saturate: true };
const trace = (over: Partial<Fp8TensorTrace>): Fp8TensorTrace => ({ layer: 1, role: "inputs", format: "e4m3", scales: [], amax: [], saturated: [], flushed: [], history: [], ...over });
const report = (tensors: Fp8TensorTrace[]): Fp8Report => ({ recipe, formats: { forward: "e4m3", backward: "e5m2" }, accumulate: "f32", matmulOutputs: "bf16", tensors });

test("a spike met with the previous step's scale: a late step, the tensor named, a margin covering the jump, and current scaling advised", () => {
  // scale 448 (amax 1 so far); at step 2 amax 10: 10·448 = 4480 > 464, a jump of ×9.66
  const spiky = trace({ scales: [1, 448, 448, 44.8], amax: [1, 1, 10, 10], saturated: [0, 0.4], flushed: [0, 0] });
  const calm = trace({ layer: 2, role: "weights", scales: [1, 900, 900, 900], amax: [0.5, 0.49, 0.49, 0.48], saturated: [0, 0], flushed: [0, 0] });
  const r = inspectFp8(report([calm, spiky]), 4);
  const t = r.tensors[1];
  assert.equal(t.lateSteps, 1);
  assert.deepEqual(t.lateAt, [2]);
  assert.ok(Math.abs(t.worstJump - 4480 / 464) < 1e-9);
  assert.equal(r.tensors[0].lateSteps, 0);
  assert.equal(r.worst, "layer 1 inputs (activations)");
  assert.deepEqual(r.advice[0].change, { fp8: { ...recipe, margin: 4 } }, "2^4 = 16 covers ×9.66");
  assert.deepEqual(r.advice[1].change, { fp8: { ...recipe, recipe: "current" } });
  assert.match(r.findings.join("\n"), /reacts one step late/);
});

test("a non-finite amax in a max history: the frozen scale is named and a shorter history advised; calm runs say so", () => {
  const frozen = trace({ role: "grads", format: "e5m2", scales: [1, 5, 5, 5], amax: [10000, Infinity, 3, 3], saturated: [0], flushed: [0] });
  const r = inspectFp8(report([frozen]), 4);
  assert.equal(r.tensors[0].nonFiniteSteps, 1);
  assert.ok(r.advice.some((a) => (a.change.fp8 as { amaxHistoryLen?: number }).amaxHistoryLen === 16));
  assert.match(r.findings.join("\n"), /stays in the amax history for 1024 steps/);
  const calm = inspectFp8(report([trace({ scales: [1, 448], amax: [1, 1], saturated: [0, 0], flushed: [0, 0] })]), 2);
  assert.equal(calm.worst, null);
  assert.deepEqual(calm.advice, []);
  assert.match(calm.findings[0], /fp8 casts lose little here/);
});

test("inspect(run) of a real mixed-fp8 run: fp8 section, matmul wording, no loss scaler advised, the text report's fp8 table", async () => {
  // inputs ×1000 at step 0 (scale 1: 1000 > 464 saturates), then the scale knows
  const xs = Array.from({ length: 32 }, (_, i) => [Math.sin(i) * 1000, Math.cos(i), (i % 5) - 2, 1]);
  const ys = xs.map((r) => [r[1], r[2]]);
  const run = await train({ model: mlp({ inputs: 4, hidden: [8], outputs: 2, seed: 3 }), data: { type: "arrays", xs, ys }, precision: "mixed-fp8", steps: 4, batchSize: 32, statsInterval: 1, optimizer: sgd({ lr: 0 }) }, { backend: "cpu" });
  const rep = inspect(run);
  assert.ok(rep.fp8);
  // layer 1's inputs meet scale 1 at step 0 only; what they pass on moves the later tensors' amax too
  assert.deepEqual(rep.fp8.tensors[1].lateAt, [0]);
  assert.ok(rep.fp8.tensors[1].saturatedMax > 0.1);
  assert.ok(rep.fp8.worst !== null);
  assert.ok(rep.fp8.advice.some((a) => (a.change.fp8 as { recipe: string }).recipe === "current"));
  assert.match(rep.findings[0], /fp32 accumulation, outputs stored in bf16/);
  assert.deepEqual(rep.recommendation.spec, { type: "none" });
  const text = formatReport(rep);
  assert.match(text, /fp8 \(delayed scaling/);
  assert.match(text, /1 +inputs +e4m3/);
});

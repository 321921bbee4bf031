// The fp32 shadow: an fp32 run against its own shadow is exact (the loss scale is a
// power of two, exact in fp32); a mixed-fp16 run differs by fp16's rounding; the
// shadow never changes the main run; reports are deterministic.
import assert from "node:assert/strict";
import { test } from "node:test";
import { train } from "../../../engine/train/run.js";
import { relativeError } from "../../../engine/train/shadow.js";
import { inspect } from "../../../engine/inspect/inspect.js";
import type { TrainConfigInput } from "../../../engine/config/schema.js";
import { underflowWorkload } from "../inspect/underflowWorkload.js";

const cfg = (over: Partial<TrainConfigInput>): TrainConfigInput => ({
  model: { inputs: 4, hidden: [16], outputs: 2, seed: 3 },
  data: { type: "teacher", inputs: 4, outputs: 2, samples: 128 },
  optimizer: { type: "adam", lr: 1e-3 },
  scaler: { type: "dynamic", preset: "pytorch" },
  steps: 20,
  batchSize: 16,
  statsInterval: 2,
  ...over,
});

test("relativeError: ||a/scale - b|| / ||b|| against hand values", () => {
  assert.equal(relativeError(new Float32Array([3, 4]), new Float32Array([3, 4])), 0);
  assert.equal(relativeError(new Float32Array([6, 8]), new Float32Array([3, 4]), 2), 0);
  assert.equal(relativeError(new Float32Array([3, 5]), new Float32Array([3, 4])), 1 / 5);
  assert.equal(relativeError(new Float32Array([0, 0]), new Float32Array([0, 0])), 0);
  assert.equal(relativeError(new Float32Array([1, 0]), new Float32Array([0, 0])), Infinity);
  assert.equal(relativeError(new Float32Array([Infinity, 0]), new Float32Array([1, 0])), Infinity);
});

test("fp32 with a shadow: every error is exactly 0, at every observed step", async () => {
  const r = await train(cfg({ precision: "fp32", shadow: true }), { backend: "cpu" });
  const sh = r.shadow!;
  assert.deepEqual(sh.steps, r.statsSteps);
  assert.equal(sh.outputError.length, r.statsSteps.length);
  assert.ok(sh.outputError.every((e) => e === 0));
  for (const l of sh.layers) {
    assert.equal(l.activationError, 0);
    assert.equal(l.activationGradError, 0);
    assert.equal(l.gradientError, 0);
    assert.equal(l.gradientErrors.length, r.statsSteps.length);
  }
});

test("mixed-fp16 with a shadow: errors of fp16's order (~1e-3); bf16 larger", async () => {
  const f16 = await train(cfg({ precision: "mixed-fp16", shadow: true }), { backend: "cpu" });
  const bf16 = await train(cfg({ precision: "mixed-bf16", shadow: true }), { backend: "cpu" });
  for (const l of f16.shadow!.layers) {
    for (const e of [l.activationError, l.activationGradError, l.gradientError]) assert.ok(e > 1e-5 && e < 1e-2, `fp16 error ${e} (layer ${l.layer})`);
  }
  const out = f16.shadow!.outputError;
  assert.ok(out[0] > 0 && out[0] < 2 ** -10, `first-step output error ${out[0]} (fp16 epsilon 2^-10)`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(mean(bf16.shadow!.outputError) > 2 * mean(out), "bf16 (8-bit mantissa) drifts more than fp16 (11-bit)");
  // the shadow's own statistics are fp32 and unscaled
  assert.equal(f16.shadow!.reference[0].tensors.activationGrads.dtype, "f32");
});

test("the shadow does not change the run, and its report is deterministic", async () => {
  const plain = await train(cfg({ precision: "mixed-fp16" }), { backend: "cpu" });
  const a = await train(cfg({ precision: "mixed-fp16", shadow: true }), { backend: "cpu" });
  const b = await train(cfg({ precision: "mixed-fp16", shadow: true }), { backend: "cpu" });
  assert.equal(plain.shadow, undefined);
  assert.deepEqual(a.losses, plain.losses);
  assert.deepEqual(a.scales, plain.scales);
  assert.deepEqual(a.model.weights, plain.model.weights);
  assert.deepEqual(a.layers, plain.layers);
  assert.deepEqual(a.shadow, b.shadow);
});

test("where fp16 values underflowed, inspect takes the true smallest magnitude from the shadow", async () => {
  const r = await train(underflowWorkload({ precision: "mixed-fp16", scaler: { type: "none" }, shadow: true }), { backend: "cpu" });
  const ag = inspect(r).tensors.find((t) => t.layer === 1 && t.role === "activationGrads")!;
  const trueMin = r.shadow!.reference[0].tensors.activationGrads.minAbs!;
  assert.ok(trueMin < 2 ** -25, `the shadow saw values below fp16's range: ${trueMin}`);
  assert.equal(ag.smallestUnknown, false);
  assert.equal(ag.smallest, trueMin);
  assert.equal(ag.window!.min, 2 ** Math.ceil(Math.log2(2 ** -24 / trueMin)));
});

// inspect() on real CPU runs: a run whose fp16 gradients underflow without a scale
// gets a scale recommended, and training with it brings the gradients back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { train } from "../../../engine/train/run.js";
import { inspect } from "../../../engine/inspect/inspect.js";
import { underflowShare } from "../../../engine/inspect/compare.js";
import { underflowWorkload } from "./underflowWorkload.js";

test("mixed-fp16 without a scaler underflows; inspect recommends a scale that brings the gradients back", async () => {
  const none = await train(underflowWorkload({ precision: "mixed-fp16", scaler: { type: "none" } }), { backend: "cpu" });
  const before = underflowShare(none, "activationGrads");
  assert.ok(before > 0.2, `expected heavy underflow without a scale, got ${before}`);
  const r = inspect(none);
  const spec = r.recommendation.spec;
  assert.ok(spec.type === "dynamic" && spec.initScale !== undefined, JSON.stringify(spec));
  assert.ok(spec.initScale >= 2 ** 10, `recommended scale ${spec.initScale}`);
  assert.ok(Number.isInteger(Math.log2(spec.initScale)));
  // the underflowed tensors are flagged, with the lower end of the window as a bound
  const ag = r.tensors.find((t) => t.layer === 1 && t.role === "activationGrads")!;
  assert.equal(ag.smallestUnknown, true);
  assert.ok(ag.underflow > 0.2);
  assert.ok(r.findings.some((f) => /Layer 1 activation gradients: .*underflowed to zero at scale 2\^0/.test(f)), r.findings.join("\n"));

  const scaled = await train(underflowWorkload({ precision: "mixed-fp16", scaler: spec }), { backend: "cpu" });
  const fp32 = await train(underflowWorkload({ precision: "fp32", scaler: { type: "none" } }), { backend: "cpu" });
  assert.equal(scaled.skippedSteps, 0);
  assert.ok(underflowShare(scaled, "activationGrads") < 0.01, `underflow with the recommended scale: ${underflowShare(scaled, "activationGrads")}`);
  const gap = (x: number) => Math.abs(x / fp32.finalLoss! - 1);
  assert.ok(gap(scaled.finalLoss!) < gap(none.finalLoss!) / 10, `loss vs fp32: scaled ${scaled.finalLoss}, none ${none.finalLoss}, fp32 ${fp32.finalLoss}`);
});

test("an fp32 run's report is advice for mixed-fp16: what would underflow at its scale", async () => {
  const fp32 = await train(underflowWorkload({ precision: "fp32", scaler: { type: "none" } }), { backend: "cpu" });
  const r = inspect(fp32);
  const ag = r.tensors.find((t) => t.layer === 1 && t.role === "activationGrads")!;
  assert.equal(ag.dtype, "f32");
  assert.equal(ag.smallestUnknown, false);
  // the smallest magnitude is exact in an fp32 run: the window's bottom is 2^-24 / smallest rounded up
  assert.equal(ag.window!.min, 2 ** Math.ceil(Math.log2(2 ** -24 / fp32.layers[0].tensors.activationGrads.minAbs!)));
  assert.ok(ag.underflow > 0.1, `share that would flush to zero in fp16: ${ag.underflow}`);
});

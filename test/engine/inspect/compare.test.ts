// compare(): series downsampled by hand-checked buckets, the fp32 reference found,
// the differences table worked out from the runs' own numbers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compare } from "../../../engine/inspect/compare.js";
import { formatComparison } from "../../../engine/inspect/formatTables.js";
import { train } from "../../../engine/train/run.js";
import { stats, synthRun } from "./synthRun.js";
import { underflowWorkload } from "./underflowWorkload.js";

test("long runs are averaged into buckets; scales keep each bucket's minimum; overflow counted per bucket", () => {
  const run = synthRun({
    losses: [1, 2, 3, 4, 5, 6, 7, Infinity, 9, 10],
    scales: [8, 8, 4, 4, 4, 2, 2, 2, 2, 1],
    overflowSteps: [1, 2, 7],
    layers: [{}],
  });
  const c = compare(run, { maxPoints: 4 });
  const s = c.runs[0].series;
  // ceil(10 / 4) = 3 steps a bucket: [0..2] [3..5] [6..8] [9]; the Inf loss is left out of its mean
  assert.deepEqual(s.steps, [0, 3, 6, 9]);
  assert.deepEqual(s.losses, [2, 5, 8, 10]);
  assert.deepEqual(s.scales, [4, 2, 2, 1]);
  assert.deepEqual(c.runs[0].overflow, [{ step: 0, count: 2 }, { step: 6, count: 1 }]);
  assert.equal(c.reference, null);
  assert.deepEqual(c.differences, []);
  // short runs keep every step
  assert.deepEqual(compare(run).runs[0].series.steps, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("differences against the fp32 run: loss ratio, skipped steps, count-weighted underflow", () => {
  const fp32 = synthRun({ precision: "fp32", losses: [1, 0.5], layers: [{}] });
  const mixed = synthRun({
    precision: "mixed-fp16",
    losses: [1, 0.75],
    overflowSteps: [0],
    layers: [
      { activationGrads: stats("f16", { count: 100, underflow: 0.5 }), weightGrads: stats("f16", { count: 10, underflow: 0.1 }) },
      { activationGrads: stats("f16", { count: 300, underflow: 0.1 }), weightGrads: stats("f16", { count: 30, underflow: 0 }) },
    ],
  });
  const c = compare(mixed, fp32);
  assert.equal(c.reference, 1);
  assert.equal(c.runs[1].label, "fp32, dynamic pytorch");
  assert.deepEqual(c.differences, [{
    label: "mixed-fp16, dynamic pytorch",
    finalLossRatio: 1.5,
    skippedSteps: 1,
    extraSkippedSteps: 1,
    activationGradUnderflow: (50 + 30) / 400,
    weightGradUnderflow: 1 / 40,
  }]);
  // an explicit reference wins; equal labels get numbered
  const d = compare(mixed, mixed, { reference: 0 });
  assert.deepEqual(d.runs.map((r) => r.label), ["mixed-fp16, dynamic pytorch", "mixed-fp16, dynamic pytorch #2"]);
  assert.equal(d.differences[0].finalLossRatio, 1);
  assert.throws(() => compare(mixed, { reference: 3 }), /reference must be an index 0\.\.0/);
  assert.throws(() => compare({ kind: "nope" } as never, mixed), /argument 1 is not a RunResult/);
});

test("on real runs: the unscaled fp16 run is further from fp32 and underflows", async () => {
  const [fp32, none, scaled] = await Promise.all([
    train(underflowWorkload({ precision: "fp32", scaler: { type: "none" }, name: "fp32" }), { backend: "cpu" }),
    train(underflowWorkload({ precision: "mixed-fp16", scaler: { type: "none" }, name: "no scale" }), { backend: "cpu" }),
    train(underflowWorkload({ precision: "mixed-fp16", scaler: { type: "static", scale: 2 ** 16 }, name: "scale 2^16" }), { backend: "cpu" }),
  ]);
  const c = compare(fp32, none, scaled);
  assert.equal(c.reference, 0);
  const [dNone, dScaled] = c.differences;
  assert.equal(dNone.label, "no scale");
  assert.equal(dNone.finalLossRatio, none.finalLoss! / fp32.finalLoss!);
  assert.ok(Math.abs(dScaled.finalLossRatio! - 1) < Math.abs(dNone.finalLossRatio! - 1));
  assert.ok(dNone.activationGradUnderflow > 0.2 && dScaled.activationGradUnderflow < 0.01);
  assert.deepEqual(c.runs[0].series.losses, fp32.losses);
  assert.ok(JSON.parse(JSON.stringify(c)).kind === "mplab.compare");
  const text = formatComparison(c);
  assert.match(text, /^against fp32:$/m);
  assert.match(text, new RegExp(`^no scale +${dNone.finalLossRatio!.toPrecision(4).replace(".", "\\.")} +0$`, "m"));
});

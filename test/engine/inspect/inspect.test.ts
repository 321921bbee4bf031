// inspect() on hand-built statistics: every expected number below is worked out by hand
// from the rule (window = [2^-24 / smallest, 65504 / (headroom · largest)] in powers of two).
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "../../../engine/inspect/inspect.js";
import { formatReport } from "../../../engine/inspect/formatReport.js";
import { stats, synthRun } from "./synthRun.js";

test("gradient windows: unscaled by the step's scale, underflowed tensors get 'at least 2×scale', intersection, static advice", () => {
  const run = synthRun({
    precision: "mixed-fp16",
    scaler: { type: "static", scale: 1024 },
    scales: new Array(10).fill(1024),
    layers: [{
      // stored scaled by 2^10: smallest 2^-20 -> 2^-30 unscaled, largest 2^4 -> 2^-6
      weightGrads: stats("f16", { minAbs: 2 ** -20, maxAbs: 2 ** 4, bins: { [-20]: 1, 4: 1, 0: 98 } }),
      // a quarter underflowed: smallest known 2^-24 -> 2^-34 unscaled (a bound), largest 2^0 -> 2^-10
      activationGrads: stats("f16", { minAbs: 2 ** -24, maxAbs: 1, underflow: 0.25, zero: 0.25, bins: { [-24]: 1, 0: 74 }, count: 100 }),
      weights: stats("f16", { minAbs: 2 ** -8, maxAbs: 1, bins: { [-3]: 100 } }),
      activations: stats("f16", { minAbs: 2 ** -10, maxAbs: 4, bins: { 0: 100 } }),
    }],
  });
  const r = inspect(run);
  const wg = r.tensors.find((t) => t.role === "weightGrads")!;
  assert.equal(wg.smallest, 2 ** -30);
  assert.equal(wg.largest, 2 ** -6);
  // min: 2^-24 / 2^-30 = 2^6; max: 65504 / (8 · 2^-6) = 524032 -> 2^18 (2^19 = 524288 is over)
  assert.deepEqual(wg.window, { min: 2 ** 6, max: 2 ** 18 });
  const ag = r.tensors.find((t) => t.role === "activationGrads")!;
  assert.equal(ag.smallestUnknown, true);
  assert.equal(ag.underflow, 0.25);
  // min: 2^-24 / 2^-34 = 2^10, raised to 2 · 1024 = 2^11; max: 65504 / (8 · 2^-10) -> 2^22
  assert.deepEqual(ag.window, { min: 2 ** 11, max: 2 ** 22 });
  assert.deepEqual(r.scaleWindow, { min: 2 ** 11, max: 2 ** 18 });
  assert.equal(r.useBf16.advised, false);
  assert.deepEqual(r.recommendation.spec, { type: "static", scale: 2 ** 18 });
  assert.ok(r.findings.some((f) => f.includes("Layer 1 activation gradients: 25.0% underflowed")), r.findings.join("\n"));
  assert.ok(r.tensors.find((t) => t.role === "weights")!.fitsFp16);
  // the text form carries the table and the findings
  const text = formatReport(r);
  assert.match(text, /activationGrads +f16/);
  assert.match(text, /Recommended scaler: \{"type":"static","scale":262144\}/);
});

test("the headroom option moves the top of the window", () => {
  const run = synthRun({ precision: "fp32", layers: [{ weightGrads: stats("f32", { minAbs: 2 ** -10, maxAbs: 2 ** 0, bins: { 0: 1 } }) }] });
  assert.equal(inspect(run, { headroom: 1 }).tensors[3].window!.max, 2 ** 15); // 65504 -> 2^15
  assert.equal(inspect(run, { headroom: 4 }).tensors[3].window!.max, 2 ** 13);
  assert.throws(() => inspect(run, { headroom: 0.5 }), /headroom must be a finite number >= 1/);
});

test("use bf16: activations beyond 65504, and gradients no single scale covers", () => {
  const run = synthRun({
    precision: "fp32",
    scaler: { type: "none" },
    layers: [{
      activations: stats("f32", { minAbs: 1, maxAbs: 1e5, bins: { 0: 90, 16: 10 } }),
      // 2^-40 .. 2^2 at scale 1: needs >= 2^16 for the smallest, <= 65504/32 -> 2^10 for the largest
      weightGrads: stats("f32", { minAbs: 2 ** -40, maxAbs: 4, bins: { [-40]: 1, 2: 99 } }),
    }],
  });
  const r = inspect(run);
  const act = r.tensors.find((t) => t.role === "activations")!;
  assert.equal(act.fitsFp16, false);
  assert.equal(act.overflow, 0.1); // f32 values in bins >= 16 would overflow fp16
  const wg = r.tensors.find((t) => t.role === "weightGrads")!;
  assert.deepEqual(wg.window, { min: 2 ** 16, max: 2 ** 10 });
  assert.equal(wg.underflow, 0.01); // bin -40 would flush to zero
  assert.equal(r.scaleWindow, null);
  assert.equal(r.useBf16.advised, true);
  assert.equal(r.useBf16.why.length, 2);
  assert.match(r.useBf16.why[0], /activations reach 1\.00e\+5/);
  // 1 value in 100 at 2^-40 is more than the 0.1% the core window may drop
  assert.deepEqual(wg.coreWindow, { min: 2 ** 16, max: 2 ** 10 });
  assert.match(r.useBf16.why[1], /keeping all but 0\.100% of the smallest needs a scale >= 2\^16 \(65536\), the largest <= 2\^10/);
  // an fp32 run's advice is for a mixed-fp16 run: the top of the (empty) window, keeping the largest finite
  assert.deepEqual(r.recommendation.spec, { type: "dynamic", preset: "pytorch", initScale: 2 ** 10 });
});

test("master weights: Adam moves a weight by about lr; weights above 2^11·lr would not change in fp16", () => {
  const run = synthRun({
    precision: "fp16",
    optimizer: { type: "adam", lr: 2 ** -20 },
    // 60% of weights in [2^-5, 2^-4) > 2^11 · 2^-20 = 2^-9: lost; 40% in [2^-12, 2^-11): kept
    layers: [{ weights: stats("f16", { minAbs: 2 ** -12, maxAbs: 2 ** -4, bins: { [-5]: 60, [-12]: 40 } }) }],
  });
  const r = inspect(run);
  assert.equal(r.masterWeights.needed, true);
  assert.deepEqual(r.masterWeights.layers, [{ layer: 1, typicalWeight: 2 ** -4.5, typicalUpdate: 2 ** -20, lostShare: 0.6 }]);
  assert.ok(r.findings.some((f) => f.startsWith("Master weights needed: in layer 1, 60.0%")));
});

test("master weights: SGD's update is lr·median|g| with g unscaled", () => {
  const mk = (wBin: number) =>
    synthRun({
      precision: "mixed-fp16",
      scaler: { type: "static", scale: 16 },
      scales: new Array(10).fill(16),
      optimizer: { type: "sgd", lr: 0.5 },
      // median weight-gradient bin -10 at scale 2^4: update = 0.5 · 2^-9.5 / 2^4 = 2^-14.5; lost when e > -3.5
      layers: [{ weights: stats("f16", { bins: { [wBin]: 50, [-6]: 50 } }), weightGrads: stats("f16", { minAbs: 2 ** -10, maxAbs: 2 ** -9, bins: { [-10]: 10 } }) }],
    });
  const kept = inspect(mk(-4)).masterWeights;
  assert.equal(kept.layers[0].typicalUpdate, 2 ** -14.5);
  assert.equal(kept.layers[0].lostShare, 0);
  assert.equal(kept.needed, false);
  const lost = inspect(mk(-3)).masterWeights;
  assert.equal(lost.layers[0].lostShare, 0.5);
  assert.equal(lost.needed, true);
});

test("dynamic scaler advice: the run's preset, initScale at the window's top, a longer growth interval after late overflows", () => {
  const steps = 1000;
  const run = synthRun({
    precision: "mixed-fp16",
    scaler: { type: "dynamic", preset: "deepspeed", growthInterval: 100 },
    scales: new Array(steps).fill(2 ** 12),
    losses: new Array(steps).fill(0.1),
    // 3 calibration overflows, then 3 more every ~333 steps
    overflowSteps: [0, 1, 2, 300, 600, 900],
    layers: [{ weightGrads: stats("f16", { minAbs: 2 ** -12, maxAbs: 2 ** 2, bins: { 0: 1 } }) }],
  });
  const r = inspect(run);
  // unscaled 2^-12 / 2^12 = 2^-24 .. 2^2 / 2^12 = 2^-10: min 2^0, max 65504 / (8 · 2^-10) = 8384512 -> 2^22
  assert.deepEqual(r.scaleWindow, { min: 1, max: 2 ** 22 });
  // gap 1000/3 ≈ 333 steps -> 2 · 333 rounded up to 100s = 700
  assert.deepEqual(r.recommendation.spec, { type: "dynamic", preset: "deepspeed", initScale: 2 ** 22, growthInterval: 700 });
  assert.match(r.recommendation.reason, /overflowed 3 times after calibrating/);
  assert.ok(r.findings[0].startsWith("6 of 1000 steps skipped for non-finite gradients, the first at step 0 (layer 1 weight gradients)"));
});

test("bf16 runs need no scaler; runs without statistics say so", () => {
  const bf = inspect(synthRun({ precision: "mixed-bf16", layers: [{ weightGrads: stats("bf16", { minAbs: 1e-30, maxAbs: 1, bins: { 0: 1 } }) }] }));
  assert.deepEqual(bf.recommendation.spec, { type: "none" });
  const empty = inspect(synthRun({ precision: "mixed-fp16", statsSteps: [], layers: [{}] }));
  assert.equal(empty.scaleWindow, null);
  assert.ok(empty.findings[0].startsWith("No tensor statistics were observed"));
  assert.throws(() => inspect({} as never), /inspect\(run\): run must be a RunResult/);
});

test("the weight-gradient window also keeps the unobserved bias gradient: batchSize × the largest gradient at z", () => {
  // synthRun's batchSize is 2: gradient at z up to 2^-4 -> bias gradient up to 2^-3, above the weight gradients' 2^-6
  const run = synthRun({
    precision: "fp32",
    layers: [{
      activationGrads: stats("f32", { minAbs: 2 ** -10, maxAbs: 2 ** -4, bins: { [-5]: 1 } }),
      weightGrads: stats("f32", { minAbs: 2 ** -10, maxAbs: 2 ** -6, bins: { [-7]: 1 } }),
    }],
  });
  const r = inspect(run);
  // 65504 / (8 · 2^-3) = 65504 -> 2^15 (without the bias bound: 65504 / (8 · 2^-6) -> 2^18)
  assert.equal(r.tensors.find((t) => t.role === "weightGrads")!.window!.max, 2 ** 15);
  assert.equal(r.tensors.find((t) => t.role === "activationGrads")!.window!.max, 2 ** 16);
  assert.equal(r.scaleWindow!.max, 2 ** 15);
});

test("the core window: a few extreme values (under 0.1%) do not make bf16 necessary", () => {
  const run = synthRun({
    precision: "fp32",
    scaler: { type: "none" },
    // 5 of 10000 at 2^-40: the extremes span too much, but the 0.1%-quantile is in bin -10
    layers: [{ weightGrads: stats("f32", { minAbs: 2 ** -40, maxAbs: 4, bins: { [-40]: 5, [-10]: 9990, 2: 5 } }) }],
  });
  const r = inspect(run);
  const wg = r.tensors.find((t) => t.role === "weightGrads")!;
  assert.deepEqual(wg.window, { min: 2 ** 16, max: 2 ** 10 });
  // 2^-24 / 2^-10 = 2^-14
  assert.deepEqual(wg.coreWindow, { min: 2 ** -14, max: 2 ** 10 });
  assert.equal(r.scaleWindow, null);
  assert.deepEqual(r.coreScaleWindow, { min: 2 ** -14, max: 2 ** 10 });
  assert.equal(r.useBf16.advised, false);
  assert.deepEqual(r.recommendation.spec, { type: "dynamic", preset: "pytorch", initScale: 2 ** 10 });
  assert.ok(r.findings.some((f) => f.startsWith("No single loss scale keeps every gradient value inside fp16; scales from 2^-14 to 2^10 (1024) keep all but 0.100%")), r.findings.join("\n"));
});

test("the core window counts underflowed values below the rest; unknown when they exceed 0.1%", () => {
  const mk = (underflow: number) =>
    inspect(synthRun({
      precision: "mixed-fp16",
      scaler: { type: "none" },
      layers: [{ activationGrads: stats("f16", { count: 10000, underflow, minAbs: 2 ** -20, maxAbs: 2 ** -19, bins: { [-20]: 10000 - 10000 * underflow } }) }],
    })).tensors.find((t) => t.role === "activationGrads")!;
  // 5 underflowed of 10000: the 0.1%-quantile (10th value) is in bin -20 -> 2^-24 / 2^-20 = 2^-4
  const few = mk(0.0005);
  assert.equal(few.coreWindow!.min, 2 ** -4);
  assert.equal(few.window!.min, 2); // extremes: at least 2 × the scale used
  // 100 underflowed: the quantile is among them, so the core window falls back to the bound
  assert.equal(mk(0.01).coreWindow!.min, 2);
});

// Scaling recipes against traces derived by hand from the rules (fp8Scaling.ts's
// header: TE DelayedScaling / Float8CurrentScaling, OCP MX), and the cast of a
// training tensor (fp8Quantize.ts) against an fp64 grid rounding.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DelayedScaling, FP32_MAX, blockScale, currentScale, delayedScale, floorLog2 } from "../../../engine/numerics/fp8Scaling.js";
import { quantizeFp8 } from "../../../engine/numerics/fp8Quantize.js";
import { roundToGrid } from "./reference.js";

const f = Math.fround;

test("delayed, history 3, max, margin 0: the scale follows the window's amax; 0 and non-finite keep the old scale", () => {
  const d = new DelayedScaling("e4m3", 3, "max", 0);
  assert.equal(d.scale, 1, "the first step casts with scale 1");
  // [amax of the step, window after it, the scale the next step uses]
  const trace: [number, number[], number][] = [
    [2, [2], 224],
    [4, [2, 4], 112],
    [0, [2, 4, 0], 112],
    [1, [4, 0, 1], 112],
    [0.5, [0, 1, 0.5], 448],
    [0, [1, 0.5, 0], 448],
    [0, [0.5, 0, 0], 896],
    [0, [0, 0, 0], 896], // window amax 0: old scale kept
    [Infinity, [0, 0, Infinity], 896], // not finite: kept
    [3, [0, Infinity, 3], 896], // the Inf stays in the window for 3 steps
    [3, [Infinity, 3, 3], 896],
    [3, [3, 3, 3], f(448 / 3)],
  ];
  for (const [amax, window, scale] of trace) {
    assert.equal(d.update(amax), scale, `after amax ${amax}`);
    assert.deepEqual(d.history, window);
  }
});

test("delayed, most_recent, margin 2, e5m2: this step's amax only; NaN keeps the old scale", () => {
  const d = new DelayedScaling("e5m2", 1024, "most_recent", 2);
  assert.equal(d.update(7), f(f(57344 / 7) / 4));
  assert.equal(d.update(1024), 14); // 57344 / 1024 / 4
  assert.equal(d.update(NaN), 14);
  assert.equal(d.update(0), 14);
  assert.equal(d.update(0.5), 28672);
  const m = new DelayedScaling("e5m2", 1024, "max", 0);
  m.update(1); m.update(NaN);
  assert.equal(m.update(1), 57344, "NaN in a max window keeps the old scale while it stays in the window");
  assert.throws(() => new DelayedScaling("e4m3", 0), /amaxHistoryLen must be a positive integer/);
});

test("delayed and current: a scale beyond fp32 becomes the fp32 max (TE's compute_scale_from_amax)", () => {
  assert.equal(delayedScale("e4m3", 1e-38, 0, 5), FP32_MAX);
  assert.equal(currentScale("e4m3", 1e-38), FP32_MAX);
  assert.equal(currentScale("e4m3", 0), 1);
  assert.equal(currentScale("e4m3", Infinity), 1);
  assert.equal(currentScale("e4m3", NaN), 1);
  assert.equal(currentScale("e5m2", 3), f(57344 / 3));
});

test("block (MX): 2^-(floor(log2 amax) - emax), clamped to E8M0, 1 for zero or non-finite blocks", () => {
  assert.equal(blockScale("e4m3", 1), 256); // X = 0 - 8
  assert.equal(blockScale("e4m3", 1000), 0.5); // floor(log2 1000) = 9, X = 1
  assert.equal(blockScale("e5m2", 1), 2 ** 15);
  assert.equal(blockScale("e4m3", 2 ** -130), 2 ** 127, "X clamped at -127");
  assert.equal(blockScale("e4m3", 0), 1);
  assert.equal(blockScale("e4m3", NaN), 1);
  assert.equal(floorLog2(2 ** -149), -149);
  assert.equal(floorLog2(3 * 2 ** -140), -139);
  assert.equal(floorLog2(1.5), 0);
});

/** fp64 reference of one cast: the grid rounding of fl(x·s), saturated or not, times fl(1/s). */
function refCast(x: number, s: number, sat: boolean): number {
  const y = f(x * s);
  let q = roundToGrid(y, { minNormalExp: -6, mantissaBits: 3, max: 448 });
  if (!Number.isFinite(q)) q = sat ? Math.sign(q) * 448 : NaN;
  return f(q * f(1 / s));
}

test("current scaling cast of one tensor: x̂ = fl(fp8(fl(x·s)) · fl(1/s)); amax, scale, saturated, flushed", () => {
  const x = Float32Array.of(1, -2, 0.001, 1e-6, 0, 0.3);
  const out = new Float32Array(x.length);
  const r = quantizeFp8(out, x, { format: "e4m3", saturate: true, scaling: "current", scale: 0 });
  assert.deepEqual(r, { amax: 2, scale: 224, saturated: 0, flushed: 1 }); // 1e-6·224 < 2^-10: flushed
  for (let i = 0; i < x.length; i++) assert.equal(out[i], refCast(x[i], 224, true), `x = ${x[i]}`);
});

test("tensor scaling with a stale scale: the spike saturates (counted), or becomes NaN without saturation", () => {
  const x = Float32Array.of(1, 50, -3);
  const out = new Float32Array(3);
  const sat = quantizeFp8(out, x, { format: "e4m3", saturate: true, scaling: "tensor", scale: 100 });
  assert.deepEqual(sat, { amax: 50, scale: 100, saturated: 1, flushed: 0 }); // 5000 > 464; -300 rounds to -288
  assert.deepEqual([...out], [...x].map((v) => refCast(v, 100, true)));
  assert.equal(out[1], f(448 * f(1 / 100)));
  assert.equal(out[2], f(-288 * f(1 / 100)));
  const non = quantizeFp8(out, x, { format: "e4m3", saturate: false, scaling: "tensor", scale: 100 });
  assert.equal(non.saturated, 1);
  assert.ok(Number.isNaN(out[1]) && out[2] === f(-288 * f(1 / 100)));
});

test("block scaling: each 32 values with their own power-of-two scale; the MX clip above 464·2^X is counted", () => {
  const x = new Float32Array(64);
  for (let i = 0; i < 32; i++) x[i] = (i + 1) / 32; // block amax 1: scale 256
  x[40] = 1000; x[41] = 3; // block amax 1000: scale 0.5; 1000·0.5 = 500 > 464 saturates to 448
  const out = new Float32Array(64);
  const r = quantizeFp8(out, x, { format: "e4m3", saturate: true, scaling: "block", scale: 0 });
  assert.deepEqual(r, { amax: 1000, scale: 0.5, saturated: 1, flushed: 0 });
  for (let i = 0; i < 32; i++) assert.equal(out[i], refCast(x[i], 256, true));
  assert.equal(out[40], 896);
  assert.equal(out[41], 3);
});

test("delayed scaling reacts one step late to an amax spike; current scaling does not", () => {
  const d = new DelayedScaling("e4m3", 1024, "max", 0);
  const steps = [1, 1, 16, 16].map((a) => Float32Array.of(a, a / 2, -a / 4));
  const satDelayed: number[] = [], satCurrent: number[] = [];
  const out = new Float32Array(3);
  for (const x of steps) {
    const r = quantizeFp8(out, x, { format: "e4m3", saturate: true, scaling: "tensor", scale: d.scale });
    satDelayed.push(r.saturated);
    d.update(r.amax);
    satCurrent.push(quantizeFp8(out, x, { format: "e4m3", saturate: true, scaling: "current", scale: 0 }).saturated);
  }
  // step 0 casts with scale 1, step 1 with 448 (1·448 fits), step 2 meets the spike with 448:
  // all three values (16, 8, -4)·448 saturate; step 3 uses 448 / 16 = 28 and fits
  assert.deepEqual(satDelayed, [0, 0, 3, 0]);
  assert.equal(d.scale, 28);
  assert.deepEqual(satCurrent, [0, 0, 0, 0]);
});

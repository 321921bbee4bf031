import { test } from "node:test";
import assert from "node:assert/strict";
import { accumulateStats, emptyStats } from "../../../engine/backend/cpu/cpuStats.js";
import { HIST_MIN_EXP, HIST_MAX_EXP } from "../../../engine/backend/backend.js";

test("statistics count zero, subnormal, underflow, overflow, NaN and Inf by hand", () => {
  const s = emptyStats();
  const after = Float32Array.from([0, 0, 2 ** -20, 1, Infinity, -Infinity, NaN, 3, 2 ** -30, 70000]);
  const before = Float32Array.from([0, 1e-9, 2 ** -20, 1, 1e6, -Infinity, NaN, 3, 2 ** -30, 70000]);
  accumulateStats(s, after, "f16", before);
  assert.equal(s.count, 10);
  assert.equal(s.zero, 2);
  assert.equal(s.underflow, 1); // 1e-9 -> 0
  assert.equal(s.overflow, 1); // 1e6 -> Inf (the -Inf was already infinite)
  assert.equal(s.inf, 2);
  assert.equal(s.nan, 1);
  assert.equal(s.subnormal, 2); // 2^-20 and 2^-30 are below 2^-14
  assert.equal(s.minAbs, 2 ** -30);
  assert.equal(s.maxAbs, 70000);
  assert.equal(s.hist[-20 - HIST_MIN_EXP], 1);
  assert.equal(s.hist[0 - HIST_MIN_EXP], 1); // 1
  assert.equal(s.hist[1 - HIST_MIN_EXP], 1); // 3
  assert.equal(s.hist[16 - HIST_MIN_EXP], 1); // 70000 = 2^16.09
  assert.equal(s.hist.reduce((a, b) => a + b, 0), 5);
  accumulateStats(s, Float32Array.from([2 ** -60, 2 ** 40]), "f32");
  assert.equal(s.hist[0], 1, "below the range clamps into the first bin");
  assert.equal(s.hist[HIST_MAX_EXP - HIST_MIN_EXP], 1, "above clamps into the last");
});

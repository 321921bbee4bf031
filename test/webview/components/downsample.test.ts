import assert from "node:assert/strict";
import { test } from "node:test";
import { downsampleMinMax, tableSteps } from "../../../webview/components/downsample.js";

test("short series come back whole, non-finite values as gaps", () => {
  const s = downsampleMinMax([1, NaN, 3, Infinity], 10);
  assert.deepEqual(s.x, [0, 1, 2, 3]);
  assert.deepEqual(s.y, [1, null, 3, null]);
});

test("positiveOnly turns values a log axis cannot show into gaps", () => {
  assert.deepEqual(downsampleMinMax([0, -1, 2], 10, true).y, [null, null, 2]);
});

test("long series keep every bucket's minimum and maximum, in step order", () => {
  const n = 100_000;
  const ys = Array.from({ length: n }, (_, i) => 1 + Math.sin(i / 100));
  ys[54_321] = 1e6; // a spike must survive
  ys[77_777] = -5; // and a dip
  const s = downsampleMinMax(ys, 2000);
  assert.ok(s.x.length <= 2000, `${s.x.length} points`);
  assert.ok(s.y.includes(1e6) && s.x[s.y.indexOf(1e6)] === 54_321);
  assert.ok(s.y.includes(-5) && s.x[s.y.indexOf(-5)] === 77_777);
  for (let i = 1; i < s.x.length; i++) assert.ok(s.x[i] > s.x[i - 1], "steps ascend");
  // every kept point is a real sample
  for (let i = 0; i < s.x.length; i++) assert.equal(s.y[i], ys[s.x[i]]);
});

test("a bucket with nothing finite leaves one gap", () => {
  const ys = new Array(1000).fill(1);
  for (let i = 500; i < 600; i++) ys[i] = NaN;
  const s = downsampleMinMax(ys, 20); // buckets of 100 steps
  assert.ok(s.y.includes(null));
  assert.equal(s.x[s.y.indexOf(null)], 500);
});

test("table steps: every k-th step, the last one and the marked ones", () => {
  assert.deepEqual(tableSteps(10, 5, [3]), [0, 2, 3, 4, 6, 8, 9]);
  assert.deepEqual(tableSteps(3, 200), [0, 1, 2]);
  assert.deepEqual(tableSteps(0, 200), []);
});

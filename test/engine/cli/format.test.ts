import { test } from "node:test";
import assert from "node:assert/strict";
import { bar, fmtNum, fmtPct, fmtScale, fmtScaleRange, keyValues, table } from "../../../engine/cli/format.js";
import { fmtSteps } from "../../../engine/cli/summary.js";

test("numbers, shares and scales", () => {
  assert.equal(fmtNum(null), "-");
  assert.equal(fmtNum(0), "0");
  assert.equal(fmtNum(0.123456), "0.1235");
  assert.equal(fmtNum(1.445e-13), "1.445e-13");
  assert.equal(fmtNum(123456), "1.235e+5");
  assert.equal(fmtNum(NaN), "NaN");
  assert.equal(fmtNum(-Infinity), "-Inf");
  assert.equal(fmtPct(0.762), "76.2%");
  assert.equal(fmtPct(0), "0.0%");
  assert.equal(fmtPct(0.0001), "<0.1%");
  assert.equal(fmtScale(65536), "2^16");
  assert.equal(fmtScale(2 ** -3), "2^-3");
  assert.equal(fmtScale(1), "1");
  assert.equal(fmtScale(1000), "1000");
  assert.equal(fmtScaleRange([65536, 32768, 131072]), "2^15 .. 2^17");
  assert.equal(fmtScaleRange([1, 1]), "1");
  assert.equal(fmtScaleRange([]), "-");
  assert.equal(fmtSteps([0, 1, 2]), "0, 1, 2");
  assert.equal(fmtSteps([0, 1, 2, 3, 4, 5, 6]), "0, 1, 2, 3, 4, ... (2 more)");
});

test("tables align; the bar fills by fraction", () => {
  assert.equal(table([["a", "1"], ["bbb", "22"]], ""), "a      1\nbbb   22");
  assert.equal(keyValues([["k", "v"], ["key", "value"]], ""), "k     v\nkey   value");
  assert.equal(bar(0.5, 4), "[##..]");
  assert.equal(bar(2, 2), "[##]");
  assert.equal(bar(-1, 2), "[..]");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { severity } from "../../../webview/components/precisionTable.js";

test("any overflow, NaN or Inf is serious; underflow grows with its share", () => {
  assert.equal(severity("overflow", 1e-6, "f16"), 3);
  assert.equal(severity("nan", 0, "f16"), 0);
  assert.equal(severity("underflow", 0, "f16"), 0);
  assert.equal(severity("underflow", 5e-4, "f16"), 1);
  assert.equal(severity("underflow", 5e-3, "f16"), 2);
  assert.equal(severity("underflow", 0.031, "f16"), 3);
});

test("magnitudes matter only where fp16 stores them", () => {
  assert.equal(severity("maxAbs", 40000, "f16"), 3); // within 2x of 65504
  assert.equal(severity("maxAbs", 2000, "f16"), 1);
  assert.equal(severity("maxAbs", 40000, "f32"), 0);
  assert.equal(severity("minAbs", 2 ** -20, "f16"), 1); // subnormal range
  assert.equal(severity("minAbs", 2 ** -20, "bf16"), 0);
  assert.equal(severity("minAbs", null, "f16"), 0);
});

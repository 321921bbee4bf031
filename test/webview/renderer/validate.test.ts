import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeRunJson, validateComparison, validateRun } from "../../../webview/renderer/validate.js";

test("non-finite numbers written as strings come back as numbers", () => {
  assert.deepEqual(decodeRunJson({ a: ["NaN", "Infinity", "-Infinity", 1, null], b: { c: "x" } }), { a: [NaN, Infinity, -Infinity, 1, null], b: { c: "x" } });
});

test("a run is checked before it is drawn, with messages naming the field", () => {
  assert.throws(() => validateRun(null, "run"), /run: expected a run object/);
  assert.throws(() => validateRun({ kind: "other" }, "run"), /kind must be "mplab.run"/);
  const ok = { kind: "mplab.run", steps: 1, losses: [], scales: [], gradNorms: [], overflowSteps: [], layers: [], firstNonFinite: [], backend: {} };
  assert.equal(validateRun(ok, "run"), ok);
  assert.throws(() => validateRun({ ...ok, losses: 3 }, "run"), /losses must be an array/);
  assert.throws(() => validateComparison({ runs: [ok, { ...ok, kind: 1 }] }), /runs\[1\]: kind must be/);
  assert.throws(() => validateComparison({}), /a comparison needs "runs"/);
  assert.equal(validateComparison([ok]).runs.length, 1);
});

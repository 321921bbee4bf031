import assert from "node:assert/strict";
import { test } from "node:test";
import { applyJsonFix, locateJsonPath, parsePath } from "../../../engine/inspect/jsonLocate.js";

const text = `{
  // a config
  "scaler": { "type": "dynamic", "initScale": 1000 },
  "model": { "hidden": [8, 16] },
  "steps": 10
}`;

test("locateJsonPath: value ranges, and the nearest ancestor when missing", () => {
  const r = locateJsonPath(text, ["scaler", "initScale"]);
  assert.equal(text.slice(r.start, r.end), "1000");
  assert.equal(r.exact, true);
  const h = locateJsonPath(text, ["model", "hidden", 1]);
  assert.equal(text.slice(h.start, h.end), "16");
  const miss = locateJsonPath(text, ["scaler", "growthInterval"]);
  assert.equal(miss.exact, false);
  assert.equal(text.slice(miss.start, miss.end), '{ "type": "dynamic", "initScale": 1000 }');
  assert.throws(() => locateJsonPath('{"a": }', ["a"]), /JSON: expected a value at offset 6/);
  assert.deepEqual(parsePath("model.hidden[1]"), ["model", "hidden", 1]);
  assert.deepEqual(parsePath(""), []);
});

test("applyJsonFix replaces a value or inserts a missing property, keeping the rest", () => {
  const strip = (s: string) => JSON.parse(s.replace(/\/\/.*$/gm, ""));
  const a = applyJsonFix(text, ["scaler", "initScale"], 1024);
  assert.ok(a.includes("// a config"));
  assert.deepEqual(strip(a).scaler, { type: "dynamic", initScale: 1024 });
  const b = applyJsonFix(text, ["scaler", "growthInterval"], 500);
  assert.deepEqual(strip(b).scaler, { type: "dynamic", initScale: 1000, growthInterval: 500 });
  assert.deepEqual(JSON.parse(applyJsonFix('{"steps": 1}', ["scaler"], { type: "static", scale: 8 })), { steps: 1, scaler: { type: "static", scale: 8 } });
  assert.deepEqual(JSON.parse(applyJsonFix("{}", ["a", "b"], 1)), { a: { b: 1 } });
  assert.throws(() => applyJsonFix('{"a": 1}', ["a", "b"], 2), /a is not an object/);
});

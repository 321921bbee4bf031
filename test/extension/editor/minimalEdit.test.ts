import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyJsonFix } from "../../../engine/inspect/jsonLocate.js";
import { minimalEdit } from "../../../extension/editor/minimalEdit.js";

const apply = (before: string, r: { start: number; end: number; text: string }) => before.slice(0, r.start) + r.text + before.slice(r.end);

describe("minimalEdit", () => {
  it("replaces only the changed value of a config fix", () => {
    const before = '{\n  "scaler": { "type": "dynamic", "initScale": 1000 },\n  "steps": 10\n}\n';
    const after = applyJsonFix(before, ["scaler", "initScale"], 1024);
    const r = minimalEdit(before, after);
    assert.equal(apply(before, r), after);
    // "1000" -> "1024": the common "10" prefix is kept, only "00" is replaced by "24"
    assert.deepEqual(r, { start: before.indexOf("1000") + 2, end: before.indexOf("1000") + 4, text: "24" });
  });

  it("handles identical texts, pure insertions, deletions and repeated characters", () => {
    const cases: [string, string][] = [["abc", "abc"], ["ac", "abc"], ["abc", "ac"], ["", "x"], ["x", ""], ["aaaa", "aa"], ["aa", "aaaa"], ["abab", "ab"], ["{}", '{"scaler": {"type": "none"}}']];
    for (const [a, b] of cases) {
      const r = minimalEdit(a, b);
      assert.equal(apply(a, r), b, `${a} -> ${b}`);
      assert.ok(r.start <= r.end && r.end <= a.length, `${a} -> ${b}: range inside the old text`);
      // minimal: the replaced span is no longer than what differs in length or content
      assert.ok(r.text.length + (r.end - r.start) <= Math.max(a.length, b.length) + Math.min(a.length, b.length), `${a} -> ${b}`);
    }
    assert.deepEqual(minimalEdit("abc", "abc"), { start: 3, end: 3, text: "" });
    assert.deepEqual(minimalEdit("aaaa", "aa"), { start: 2, end: 4, text: "" });
  });
});

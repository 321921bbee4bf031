import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { trainCallFor, trainCalls } from "../../../extension/editor/trainCalls.js";

describe("trainCalls", () => {
  it("finds train( calls, not methods, definitions, other names, comments or strings", () => {
    const code = [
      "// train(old) is commented out",
      "const a = await train({ steps: 5 });",
      "model.train(x); retrain(y); const s = 'train(' + \"train(\";",
      "/* train( */ function train(c) { return c }",
      "const b = await train ({ steps: 6 })",
    ].join("\n");
    const calls = trainCalls(code);
    const at = (needle: string, nth = 0) => {
      let i = -1;
      for (let k = 0; k <= nth; k++) i = code.indexOf(needle, i + 1);
      return i;
    };
    assert.deepEqual(
      calls.map((c) => c.start),
      [at("train({ steps: 5"), at("train ({")],
    );
    assert.equal(code.slice(calls[0].start, calls[0].end), "train");
  });

  it("maps the n-th training of a cell to the n-th call, the last call for more", () => {
    const code = "r1 = await train(a)\nfor (const s of xs) r2 = await train(s)";
    const second = code.lastIndexOf("train(");
    assert.equal(trainCallFor(code, 0)?.start, code.indexOf("train("));
    assert.equal(trainCallFor(code, 1)?.start, second);
    assert.equal(trainCallFor(code, 7)?.start, second);
    assert.equal(trainCallFor("sweep(base, grid)", 0), null);
  });
});

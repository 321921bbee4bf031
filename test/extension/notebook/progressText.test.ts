import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatProgress, sparkline } from "../../../extension/notebook/progressText.js";

describe("live progress line", () => {
  it("says the step, loss, scale, overflow count and time", () => {
    const text = formatProgress(
      { step: 50, totalSteps: 200, losses: [0.5, 0.25], scales: [65536, 32768], gradNorms: [1, Infinity], overflowSteps: [49], elapsedMs: 1234 },
      { losses: [1, 0.5, 0.25], scales: [], overflow: 1 },
    );
    assert.equal(text.split("\n")[0], "training: step 50/200 · loss 0.2500 · scale 32768 · 1 overflow step skipped · 1.2 s");
  });

  it("sparkline: falling values fall, log scale, non-finite values skipped", () => {
    assert.equal(sparkline([1000, 100, 10, 1]), "█▆▃▁");
    assert.equal(sparkline([1, NaN, Infinity, 1]), "▁▁");
    assert.equal(sparkline([]), "");
    assert.equal(sparkline(Array.from({ length: 100 }, (_, i) => 100 - i), 10).length, 10);
  });
});

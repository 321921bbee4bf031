import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { train } from "../../../engine/index.js";
import { precisionTable } from "../../../extension/commands/precisionTable.js";

describe("precision table", () => {
  it("one row per layer and tensor, fractions from the run's statistics", async () => {
    const r = await train(
      {
        name: "tiny",
        model: { inputs: 2, hidden: [3], outputs: 1, seed: 1 },
        data: { type: "teacher", inputs: 2, outputs: 1, samples: 16, seed: 2, targetScale: 1e-6 },
        scaler: { type: "none" },
        steps: 6,
        batchSize: 4,
      },
      { backend: "cpu" },
    );
    const md = precisionTable(r);
    const rows = md.split("\n").filter((l) => /^\| \d/.test(l));
    assert.equal(rows.length, r.layers.length * 4);
    assert.match(md, /^# Precision report: tiny/);
    // the first row's underflow column is the first layer's weight statistics
    const w = r.layers[0]!.tensors.weights;
    const cells = rows[0]!.split("|").map((c) => c.trim());
    assert.equal(cells[2], "weights");
    assert.equal(cells[3], w.dtype);
    const pct = (x: number) => (x === 0 ? "0" : x < 0.0001 ? "<0.01%" : `${(x * 100).toFixed(2)}%`);
    assert.equal(cells[6], pct(w.underflow));
  });
});

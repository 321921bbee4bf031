import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatReport, inspect, train } from "../../../engine/index.js";
import { inspectDocument } from "../../../extension/commands/inspectDocument.js";
import { precisionTable } from "../../../extension/commands/precisionTable.js";

describe("Inspect Precision document", () => {
  it("the per-layer table, inspect()'s findings and recommended scaler, and the full report", async () => {
    // unscaled fp16 gradients of a tiny-target task: the report advises a scaler
    const run = await train(
      {
        name: "tiny",
        model: { inputs: 2, hidden: [3], outputs: 1, seed: 1 },
        data: { type: "teacher", inputs: 2, outputs: 1, samples: 16, seed: 2, targetScale: 1e-6 },
        scaler: { type: "none" },
        precision: "mixed-fp16",
        steps: 6,
        batchSize: 4,
      },
      { backend: "cpu" },
    );
    const doc = inspectDocument(run);
    const report = inspect(run);
    assert.ok(doc.startsWith(precisionTable(run)), "the table comes first");
    assert.ok(report.findings.length > 0);
    for (const f of report.findings) assert.ok(doc.includes(`- ${f}\n`), `finding listed: ${f}`);
    assert.ok(doc.includes(`**Recommended scaler:** \`${JSON.stringify(report.recommendation.spec)}\``));
    assert.ok(doc.includes("```text\n" + formatReport(report) + "\n```"), "the full plain-text report");
    assert.match(doc, /^- Scaler: dynamic scaling from 2\^\d+/m);
  });
});

// The document of "Mixed Precision: Inspect Precision": the per-layer table, then the
// advice of inspect(run) (findings, the recommended scaler and why), then the full
// plain-text report with the scale windows per tensor. vscode-free, unit-tested.
import { formatReport } from "../../engine/index.js";
import { inspect } from "../../engine/index.js";
import type { RunResult } from "../../engine/index.js";
import { precisionTable } from "./precisionTable.js";

export function inspectDocument(run: RunResult): string {
  const lines = [precisionTable(run), "## Advice", ""];
  let report: ReturnType<typeof inspect>;
  try {
    report = inspect(run);
  } catch (e) {
    // a run without statistics still gets its table
    lines.push(`No advice for this run: ${(e as Error).message}`, "");
    return lines.join("\n");
  }
  // (the findings end with the scaler advice and its reason)
  for (const f of report.findings) lines.push(`- ${f}`);
  lines.push(
    "",
    `**Recommended scaler:** \`${JSON.stringify(report.recommendation.spec)}\`` +
      `${report.useBf16.advised ? "; **use bf16**" : ""}${report.masterWeights.needed ? "; **fp32 master weights needed**" : ""}`,
    "",
    "## Full report",
    "",
    "```text",
    formatReport(report),
    "```",
    "",
  );
  return lines.join("\n");
}

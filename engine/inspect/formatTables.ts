// Plain-text tables of compare() and sweep() results (CLI, output channel).
import type { Comparison } from "./compare.js";
import type { SweepResult } from "./sweep.js";

const g = (x: number | null, p = 4) => (x === null ? "-" : x.toPrecision(p));
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
  return [line(head), line(w.map((n) => "-".repeat(n))), ...rows.map(line)];
}

export function formatComparison(c: Comparison): string {
  const out = table(
    ["run", "precision", "scaler", "final loss", "skipped", "act. grad underflow", "weight grad underflow"],
    c.runs.map((r) => [r.label, r.precision, r.scaler, g(r.finalLoss), String(r.skippedSteps), pct(r.underflow.activationGrads), pct(r.underflow.weightGrads)]),
  );
  const fp8 = c.runs.filter((r) => r.fp8);
  if (fp8.length) {
    out.push("", "fp8 casts (mean share over fp8 tensors and observed steps):");
    out.push(...table(["run", "recipe", "format", "saturated", "flushed", "gradients flushed"], fp8.map((r) => [r.label, r.fp8!.recipe, r.fp8!.format, pct(r.fp8!.saturated), pct(r.fp8!.flushed), pct(r.fp8!.gradientsFlushed)])));
  }
  if (c.reference !== null) {
    out.push("", `against ${c.runs[c.reference].label}:`);
    out.push(...table(["run", "final loss ratio", "extra skipped"], c.differences.map((d) => [d.label, g(d.finalLossRatio), String(d.extraSkippedSteps)])));
  }
  return out.join("\n");
}

export function formatSweep(s: SweepResult): string {
  const out = [`Sweep ${s.status}${s.reference ? `; fp32 reference (${s.reference.label}) final loss ${g(s.reference.finalLoss)}` : ""}`, ""];
  out.push(...table(
    ["rank", "configuration", "status", "final loss", "vs fp32", "skipped", "underflow"],
    s.ranked.map((e) => [e.rank === null ? "-" : String(e.rank), e.label, e.status, g(e.finalLoss), g(e.finalLossRatio), String(e.skippedSteps), pct(e.underflow)]),
  ));
  if (s.recommendation) out.push("", `Use ${s.recommendation.label}: ${s.recommendation.reason}.`);
  return out.join("\n");
}

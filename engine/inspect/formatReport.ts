// formatReport(report): the precision report as plain text (CLI, output channel).
import { fmtPow2, isEmpty } from "./fp16Range.js";
import type { PrecisionReport, TensorReport } from "./report.js";

const pct = (x: number) => (x === 0 ? "0" : x < 1e-4 ? "<0.01%" : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null) => (x === null ? "-" : x.toPrecision(3));
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

function keeps(t: TensorReport, gradientsAreEvidence: boolean): string {
  if (!t.scaled) {
    if (t.fitsFp16) return "fits fp16";
    // name where the Inf came from: its own cast, or its input (layer 1: the data's cast)
    if (t.nonFiniteFrom === "input" && t.overflow === 0) return `Inf/NaN from its input (${t.layer === 1 ? "the data's cast" : `layer ${t.layer - 1}`})`;
    return t.nonFinite > 0 || t.overflow > 0 ? "overflows fp16" : "outside fp16";
  }
  if (!gradientsAreEvidence) return "- (not evidence: see the findings)";
  if (!t.window) return "-";
  if (isEmpty(t.window)) return `none (needs >= ${fmtPow2(t.window.min)} and <= ${fmtPow2(t.window.max)})`;
  return `${fmtPow2(t.window.min)} .. ${fmtPow2(t.window.max)}${t.smallestUnknown ? " (lower end: at least)" : ""}`;
}

export function formatReport(report: PrecisionReport): string {
  const r = report;
  const lines = [
    `Precision report${r.name ? `: ${r.name}` : ""} (${r.precision}, scaler ${r.scaler}, ${r.steps} steps, ${r.skippedSteps} skipped)`,
    "",
  ];
  const head = ["layer", "tensor", "dtype", "zero", "underflow", "overflow", "Inf/NaN", "smallest", "largest", "scales that keep it"];
  const widths = [6, 17, 6, 8, 10, 9, 8, 10, 10, 0];
  const row = (cells: string[]) => cells.map((c, i) => (widths[i] ? pad(c, widths[i]) : c)).join(" ").trimEnd();
  lines.push(row(head));
  for (const t of r.tensors)
    lines.push(row([String(t.layer), t.role, t.dtype, pct(t.zero), pct(t.underflow), pct(t.overflow), pct(t.nonFinite), num(t.smallest), num(t.largest), keeps(t, r.gradientsAreEvidence ?? true)]));
  lines.push(
    "",
    "(overflow: finite values this tensor's own cast made Inf; Inf/NaN: all it held, also from its inputs. Gradient magnitudes are shown without the loss scale)",
  );
  if (r.data?.length) {
    lines.push("", "Data columns (against the format the run casts to):");
    for (const d of r.data)
      lines.push(`  ${d.side === "inputs" ? "input " : "target"} ${d.name}: ${num(d.min)} to ${num(d.max)}${d.largest !== Math.max(Math.abs(d.min), Math.abs(d.max)) ? ` (${num(d.largest)} as normalised)` : ""}; ${d.problem === "large" ? "far from unit scale" : `${pct(d.share)} ${d.problem === "overflow" ? "beyond" : d.problem === "underflow" ? "underflow in" : "flushed in"} ${d.format}`}`);
  }
  lines.push("", "Findings:");
  for (const f of r.findings) lines.push(`- ${f}`);
  lines.push("", `Recommended scaler: ${JSON.stringify(r.recommendation.spec)}`);
  if (r.fp8) {
    lines.push("", `fp8 (${r.fp8.recipe.recipe} scaling, ${r.fp8.matmul}):`);
    const w8 = [6, 22, 5, 22, 12, 12, 0];
    const row8 = (cells: string[]) => cells.map((c, i) => (w8[i] ? pad(c, w8[i]) : c)).join(" ").trimEnd();
    lines.push(row8(["layer", "tensor", "fmt", "scale (min..max)", "saturated", "flushed", "late steps"]));
    for (const t of r.fp8.tensors)
      lines.push(row8([String(t.layer), t.role, t.format, `${num(t.scale.min)}..${num(t.scale.max)}`, pct(t.saturatedMax), pct(t.flushedMax), String(t.lateSteps)]));
    lines.push("(saturated / flushed: the largest share at an observed step)");
  }
  return lines.join("\n");
}

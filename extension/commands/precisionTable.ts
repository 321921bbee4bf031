// The per-layer precision table of a run, as Markdown (vscode-free, unit-tested).
import type { RunResult, TensorRole, TensorStats } from "../../engine/index.js";
import { TENSOR_ROLES } from "../../engine/host.js";

const pct = (x: number) => (x === 0 ? "0" : x < 0.0001 ? "<0.01%" : `${(x * 100).toFixed(2)}%`);
const mag = (x: number | null) => (x === null ? "-" : x.toExponential(2));

function row(layer: string, role: TensorRole, s: TensorStats): string {
  return `| ${layer} | ${role} | ${s.dtype} | ${pct(s.zero)} | ${pct(s.subnormal)} | ${pct(s.underflow)} | ${pct(s.overflow)} | ${pct(s.nan + s.inf)} | ${mag(s.minAbs)} | ${mag(s.maxAbs)} |`;
}

export function precisionTable(r: RunResult): string {
  const lines = [
    `# Precision report: ${r.name ?? "run"}`,
    "",
    `${r.precision} on ${r.backend.name} (${r.backend.adapter}, fp16 ${r.backend.fp16}); ${r.status}, ${r.steps} steps, ` +
      `${r.skippedSteps} skipped (overflow), final loss ${r.finalLoss ?? "-"}.`,
    "",
  ];
  if (r.firstNonFinite.length > 0) {
    const f = r.firstNonFinite[0]!;
    lines.push(`First non-finite value: step ${f.step}, ${f.layer === 0 ? "the loss" : `layer ${f.layer}`}, ${f.tensor}.`, "");
  }
  lines.push(
    "| layer | tensor | dtype | zero | subnormal | underflow | overflow | NaN/Inf | min abs | max abs |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const l of r.layers) {
    for (const role of TENSOR_ROLES) {
      const s = l.tensors[role];
      if (s) lines.push(row(`${l.layer} ${l.name} (${l.inputs}→${l.outputs}, ${l.activation})`, role, s));
    }
  }
  if (r.layers.length === 0) lines.push("| - | no tensor statistics were collected | | | | | | | | |");
  return lines.join("\n") + "\n";
}

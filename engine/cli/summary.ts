// The end-of-run summary: headline numbers and per-layer underflow/overflow.
import type { RunResult, TensorRole, TensorStats } from "../train/runResult.js";
import { fmtMs, fmtNum, fmtPct, fmtScale, fmtScaleRange, keyValues, table } from "./format.js";

/** Share of gradient values (activation and weight gradients, all layers) that underflowed at a cast. */
export function gradUnderflowShare(r: RunResult): number {
  let lost = 0, count = 0;
  for (const l of r.layers) {
    for (const role of ["activationGrads", "weightGrads"] as const) {
      const t = l.tensors[role];
      lost += t.underflow * t.count;
      count += t.count;
    }
  }
  return count ? lost / count : 0;
}

export function fmtSteps(steps: readonly number[], max = 5): string {
  const shown = steps.slice(0, max).join(", ");
  return steps.length > max ? `${shown}, ... (${steps.length - max} more)` : shown;
}

const ROLE_HEADERS: [TensorRole, string][] = [
  ["weights", "weights"],
  ["activations", "activations"],
  ["activationGrads", "act. grads"],
  ["weightGrads", "weight grads"],
];

/** underflowed / overflowed at this cast, and the Inf/NaN it held where more (e.g. from the data's cast) */
function cell(t: TensorStats): string {
  const inf = t.inf + t.nan;
  return `${fmtPct(t.underflow)} / ${fmtPct(t.overflow)}${inf > t.overflow ? ` (Inf ${fmtPct(inf)})` : ""}`;
}

export function runSummary(r: RunResult): string {
  const head = `${r.name ? `"${r.name}": ` : ""}${r.precision}, ${r.steps} steps on ${r.backend.name} (${r.backend.adapter}), ${fmtMs(r.timings.totalMs)}`;
  const n = r.overflowSteps.length;
  const overflow = n ? `${n} (at step${n > 1 ? "s" : ""} ${fmtSteps(r.overflowSteps)})` : "0";
  const rows: [string, string][] = [
    ...(r.backend.note ? [["backend chosen", r.backend.note] as [string, string]] : []),
    ["status", r.status + (r.error ? `: ${r.error}` : "")],
    ["final loss", fmtNum(r.finalLoss)],
    ["skipped steps", `${r.skippedSteps} of ${r.steps}`],
    ["overflow steps", overflow],
    ["scale range", r.scales.length ? `${fmtScaleRange(r.scales)} (after the run: ${fmtScale(r.scalerState.scale)})` : "-"],
    ["gradients lost to underflow", fmtPct(gradUnderflowShare(r))],
  ];
  const nf = r.firstNonFinite[0];
  if (nf) rows.push(["first non-finite", `step ${nf.step}: ${nf.layer === 0 ? "loss" : `layer ${nf.layer}`}, ${nf.tensor}`]);
  const layerRows = [
    ["layer", ...ROLE_HEADERS.map(([, h]) => h)],
    ...r.layers.map((l) => [
      `${l.layer}  ${l.inputs}->${l.outputs} ${l.activation}`,
      ...ROLE_HEADERS.map(([role]) => cell(l.tensors[role])),
    ]),
  ];
  return [
    head,
    keyValues(rows),
    "",
    "  per layer: share of values underflowed / overflowed at a cast (Inf: all Inf/NaN values, also those from the inputs)",
    table(layerRows, "  "),
  ].join("\n");
}

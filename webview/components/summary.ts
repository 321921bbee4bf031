// The one-line summary of a run in words, e.g.
// "mixed-fp16 on webgpu (fp16 emulated): 12 of 500 steps skipped; scale 2^16 -> 2^13;
//  3.1% of layer 2's weight gradients underflowed; final loss 0.0123."
import type { LayerStats, RunResult, TensorRole } from "../../engine/train/runResult.js";
import { formatNumber, formatScale, formatShare, num, ROLE_LABEL } from "./format.js";

export interface WorstShare {
  layer: number;
  role: TensorRole;
  share: number;
}

/** The tensor with the largest share of `field` (first one on ties), or null when all are 0. */
export function worstTensor(layers: readonly LayerStats[], field: "underflow" | "overflow"): WorstShare | null {
  let worst: WorstShare | null = null;
  for (const l of layers) {
    for (const role of Object.keys(l.tensors) as TensorRole[]) {
      const share = num(l.tensors[role][field]);
      if (share > 0 && (!worst || share > worst.share)) worst = { layer: l.layer, role, share };
    }
  }
  return worst;
}

export function backendLabel(r: Pick<RunResult, "backend">): string {
  const b = r.backend;
  return b.name === "cpu" ? "cpu" : `${b.name} (fp16 ${b.fp16})`;
}

export function scaleText(scales: readonly number[]): string {
  if (scales.length === 0) return "no steps run";
  const first = num(scales[0]);
  const last = num(scales[scales.length - 1]);
  if (scales.every((s) => num(s) === 1)) return "no loss scaling";
  return first === last ? `scale ${formatScale(first)} throughout` : `scale ${formatScale(first)} -> ${formatScale(last)}`;
}

export function summarize(r: RunResult): string {
  const parts: string[] = [];
  const total = r.config?.steps ?? r.steps;
  if (r.status === "cancelled") parts.push(`cancelled after ${r.steps} of ${total} steps`);
  if (r.status === "error") parts.push(`stopped by an error after ${r.steps} of ${total} steps`);
  parts.push(`${r.skippedSteps} of ${r.steps} steps skipped`);
  parts.push(scaleText(r.scales));
  const under = worstTensor(r.layers, "underflow");
  parts.push(under ? `${formatShare(under.share)} of layer ${under.layer}'s ${ROLE_LABEL[under.role]} underflowed` : "nothing underflowed");
  const over = worstTensor(r.layers, "overflow");
  if (over) parts.push(`${formatShare(over.share)} of layer ${over.layer}'s ${ROLE_LABEL[over.role]} overflowed`);
  parts.push(`final loss ${formatNumber(r.finalLoss === null ? null : num(r.finalLoss))}`);
  return `${r.precision} on ${backendLabel(r)}: ${parts.join("; ")}.`;
}

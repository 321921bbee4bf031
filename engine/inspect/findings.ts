// The findings of a precision report, ranked: the root cause first, then what follows
// from it, folded into it (one finding for all the steps an overflowing forward pass
// skipped, not one per gradient tensor it made non-finite), then the rest.
//   0. the data at its cast (dataFindings.ts)
//   1. an overflow in the forward pass (no loss scale reaches it), or a scale that
//      overflowed on every observed step
//   2. skipped steps, per-tensor underflow and overflow, the scale window (only where the
//      gradients are evidence)
//   3. bf16 (its reasons in one finding), master weights
//   4. the scaler
import type { ForwardOverflow } from "./causes.js";
import { DATA_BF16, type DataFindings } from "./dataFindings.js";
import { fmtPow2, isEmpty } from "./fp16Range.js";
import { LOST_SHARE_LIMIT } from "./masterWeights.js";
import type { PrecisionReport, ScaleWindow } from "./report.js";
import type { RunResult, TensorRole } from "../train/runResult.js";

/** Shares below this are not worth a finding. */
export const SIGNIFICANT = 1e-3;

export const ROLE_WORDS: Record<TensorRole, string> = {
  weights: "weights",
  activations: "activations",
  activationGrads: "activation gradients",
  weightGrads: "weight gradients",
};

const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;
const num = (x: number | null) => (x === null ? "-" : x.toPrecision(3));

export interface Causes {
  data: DataFindings;
  forward: ForwardOverflow | null;
  blind: boolean;
  ceiling: number;
}

type RootCause = NonNullable<PrecisionReport["rootCause"]>;

export function findings(run: RunResult, rep: PrecisionReport, window: ScaleWindow | null, core: ScaleWindow | null, c: Causes): { findings: string[]; rootCause: RootCause | null } {
  const out: string[] = [];
  let rootCause: RootCause | null = null;
  const cause = (kind: RootCause["kind"], finding: string) => {
    rootCause ??= { kind, finding };
    out.push(finding);
  };
  const would = run.precision === "fp32";
  const skipped = `${run.skippedSteps} of ${run.steps} steps`;
  const scales = run.scales.filter((s) => Number.isFinite(s));
  const fell = scales.length && Math.min(...scales) < scales[0] ? `; the scale fell from ${fmtPow2(scales[0])} to ${fmtPow2(Math.min(...scales))} chasing it` : "";

  // 0. the data
  if (c.data.finding) {
    if (c.data.cause) cause("data", c.data.finding);
    else out.push(c.data.finding);
  }
  if (!run.statsSteps.length) out.push("No tensor statistics were observed (the run stopped before its first observed step).");

  // 1. what no loss scale reaches, or a scale that overflowed everywhere
  if (c.forward) {
    const after = c.data.cause && c.forward.tensor ? " (the data finding above is why)" : "";
    // an fp32 run measured its gradients exactly: they stay evidence (for when the forward pass fits)
    const then = would
      ? "A mixed-fp16 run would skip every step it touches: use bf16, or keep the activations inside fp16 (normalised data, smaller weights)."
      : `${cap(run.skippedSteps > 0 ? `${skipped} skipped for it${fell}` : "no step was skipped yet")}. The gradient statistics measured meanwhile are its consequences, not evidence of a scale: no scale window is drawn from them.`;
    cause("forward", `No loss scale can fix an overflow in the forward pass: ${c.forward.where}${after}. ${then}`);
  } else if (c.blind) {
    const f = run.firstNonFinite.find((e) => e.step === run.overflowSteps[0]);
    cause("scale", `Every observed step overflowed (${skipped} skipped, the first at step ${run.overflowSteps[0]}${f ? `, ${layerWord(f.layer)} ${f.tensor}` : ""}): the gradients × the loss scale exceed fp16, and the values that overflowed cannot say by how much, so no scale window is drawn.`);
  }

  // data beyond the format's range, the forward pass intact: the steps it skipped are its own
  if (!c.forward && c.data.breaksGradients && run.skippedSteps > 0)
    out.push(`${skipped} skipped for non-finite gradients, consequences of the data (above)${fell}; the gradient statistics are shaped by it, not evidence of a scale: no scale window is drawn from them.`);

  // 2. steps and tensors, where the gradients are evidence
  const forwardBreaks = c.forward !== null && !would;
  const evidence = !forwardBreaks && !c.blind && !c.data.breaksGradients;
  if (evidence && run.skippedSteps > 0) {
    const f = run.firstNonFinite.find((e) => e.step === run.overflowSteps[0]);
    out.push(`${skipped} skipped for non-finite gradients, the first at step ${run.overflowSteps[0]}${f ? ` (${layerWord(f.layer)} ${f.tensor})` : ""}.`);
  }
  for (const t of rep.tensors) {
    // under a forward overflow (or data out of range) every tensor's damage is that one cause (said above)
    if (forwardBreaks || c.data.breaksGradients) break;
    if (c.forward && !t.scaled) continue; // said by the forward finding
    const what = `Layer ${t.layer} ${ROLE_WORDS[t.role]}`;
    const at = t.scaled ? ` at scale ${t.scaleUsed.min === t.scaleUsed.max ? fmtPow2(t.scaleUsed.min) : `${fmtPow2(t.scaleUsed.min)}..${fmtPow2(t.scaleUsed.max)}`}` : "";
    const keep = t.window && !isEmpty(t.window) ? `; scales from ${t.smallestUnknown ? "at least " : ""}${fmtPow2(t.window.min)} to ${fmtPow2(t.window.max)} keep them` : "";
    const verb = t.dtype === "f32" ? "would underflow to zero in fp16" : "underflowed to zero";
    if (t.underflow >= SIGNIFICANT) out.push(`${what}: ${pct(t.underflow)} ${verb}${at}${keep}.`);
    if (t.overflow >= SIGNIFICANT) out.push(`${what}: ${pct(t.overflow)} ${t.dtype === "f32" ? "would overflow fp16" : "overflowed to Inf"}${at}${keep}.`);
  }
  const atLeast = rep.tensors.some((t) => t.scaled && t.smallestUnknown) ? "at least " : "";
  if (window && !isEmpty(window)) out.push(`Loss scales from ${atLeast}${fmtPow2(window.min)} to ${fmtPow2(window.max)} keep every gradient inside fp16 (with ×${rep.headroom} headroom).`);
  else if (core && !isEmpty(core))
    out.push(`No single loss scale keeps every gradient value inside fp16; scales from ${fmtPow2(core.min)} to ${fmtPow2(core.max)} keep all but 0.100% of the smallest (with ×${rep.headroom} headroom).`);

  // 3. bf16 (one finding, its reasons listed), master weights
  // the data finding already says "or use bf16" for the data's own reason
  const why = rep.useBf16.why.filter((w) => !(c.data.finding && w === DATA_BF16));
  if (why.length) out.push(`${run.precision === "mixed-bf16" || run.precision === "mixed-fp8" ? "bf16 is needed here" : "Use bf16"}: ${why.join("; ")}.`);
  for (const l of rep.masterWeights.layers)
    if (l.lostShare >= LOST_SHARE_LIMIT)
      out.push(`Master weights needed: in layer ${l.layer}, ${pct(l.lostShare)} of the weights are more than 2^11 times their update (~${num(l.typicalUpdate)}): in fp16 they would not change${run.precision === "fp16" ? " (this run has no master copy: those updates were lost)" : ""}.`);

  // 4. the scaler
  out.push(`Scaler: ${rep.recommendation.reason}.`);
  return { findings: out, rootCause };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const layerWord = (layer: number) => (layer === 0 ? "the loss" : `layer ${layer}`);

// The fp8 part of inspect(run) for mixed-fp8 runs: which fp8 tensor hurts and what to
// change (a margin, the amax history length, another recipe or format).
//
// From the run's per-step traces (RunResult.fp8: each tensor's scale and amax at every
// step, its saturated / flushed shares at the observed steps):
// - a late step: amax · scale beyond the format's rounding range (the cast saturated
//   values, or produced NaN/Inf without saturation). Under delayed scaling the scale
//   comes from earlier steps, so a growing amax costs such steps until the history
//   catches up; the margin that would have covered the largest jump is advised.
// - a frozen scale: a non-finite amax stays in a "max" history for amaxHistoryLen
//   steps, and the scale cannot move meanwhile (TE's rule keeps the old scale).
// - flushed values: nonzero values that became 0; with delayed scaling and a long
//   history, a shrinking amax leaves the scale too small (the window still holds old,
//   larger amaxes): a shorter history follows it.
import type { Fp8Report, Fp8Role, Fp8TensorTrace } from "../train/fp8Casts.js";
import { FP8, type Fp8Format } from "../numerics/fp8.js";
import type { Fp8Inspection, Fp8TensorReport } from "./fp8Inspection.js";

/** Shares below this are not worth a finding. */
export const FP8_SIGNIFICANT = 1e-3;

export type { Fp8TensorReport, Fp8Inspection } from "./fp8Inspection.js";

const ROLE_WORDS: Record<Fp8Role, string> = { weights: "weights", inputs: "inputs (activations)", grads: "activation gradients" };
const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const maxOf = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);

/** The largest |x·s| that still rounds into the format (464 for E4M3, 61440 for E5M2, exclusive for E5M2). */
function rangeLimit(format: Fp8Format): number {
  const f = FP8[format];
  return f.max + 2 ** (Math.floor(Math.log2(f.max)) - f.mbits - 1);
}

export function tensorReport(t: Fp8TensorTrace, steps: number): Fp8TensorReport {
  const limit = rangeLimit(t.format);
  let lateSteps = 0, worstJump = 1, nonFiniteSteps = 0;
  const lateAt: number[] = [];
  t.amax.forEach((a, i) => {
    if (!Number.isFinite(a)) { nonFiniteSteps++; return; }
    const allowed = limit / t.scales[i];
    if (a > allowed) {
      lateSteps++;
      if (lateAt.length < 5) lateAt.push(i);
      worstJump = Math.max(worstJump, a / allowed);
    }
  });
  const finiteScales = t.scales.filter(Number.isFinite);
  const saturatedMean = mean(t.saturated), flushedMean = mean(t.flushed);
  return {
    layer: t.layer, role: t.role, format: t.format,
    scale: { min: finiteScales.reduce((a, b) => Math.min(a, b), Infinity), max: finiteScales.reduce((a, b) => Math.max(a, b), -Infinity), last: t.scales[t.scales.length - 1] ?? 1 },
    saturatedMax: maxOf(t.saturated), saturatedMean, flushedMax: maxOf(t.flushed), flushedMean,
    lateSteps, lateAt, worstJump, nonFiniteSteps,
    hurt: saturatedMean + flushedMean + (steps ? lateSteps / steps : 0) * 0.01,
  };
}

export function inspectFp8(fp8: Fp8Report, steps: number): Fp8Inspection {
  const r = fp8.recipe;
  const tensors = fp8.tensors.map((t) => tensorReport(t, steps));
  const name = (t: Fp8TensorReport) => `layer ${t.layer} ${ROLE_WORDS[t.role]}`;
  const ranked = [...tensors].sort((a, b) => b.hurt - a.hurt);
  const worstT = ranked[0] && (ranked[0].saturatedMax >= FP8_SIGNIFICANT || ranked[0].flushedMax >= FP8_SIGNIFICANT || ranked[0].lateSteps > 0 || ranked[0].nonFiniteSteps > 0) ? ranked[0] : null;
  const findings: string[] = [];
  const advice: Fp8Inspection["advice"] = [];
  const matmul = `fp8 matmul inputs (${fp8.formats.forward.toUpperCase()} weights and activations, ${fp8.formats.backward.toUpperCase()} activation gradients), fp32 accumulation, outputs stored in bf16`;

  for (const t of tensors) {
    const what = name(t);
    if (t.saturatedMax >= FP8_SIGNIFICANT) findings.push(`${what} (${t.format.toUpperCase()}): up to ${pct(t.saturatedMax)} of the values saturated${r.saturate ? ` to ±${FP8[t.format].max}` : " (became NaN/Inf: saturate is off)"} at an observed step.`);
    if (t.flushedMax >= FP8_SIGNIFICANT) findings.push(`${what} (${t.format.toUpperCase()}): up to ${pct(t.flushedMax)} of the nonzero values flushed to zero at an observed step.`);
    if (t.lateSteps > 0 && r.recipe === "delayed") findings.push(`${what}: at ${t.lateSteps} step(s) (first at ${t.lateAt.join(", ")}) the amax grew beyond what the delayed scale allowed (up to ×${t.worstJump.toPrecision(3)}): delayed scaling reacts one step late.`);
    if (t.nonFiniteSteps > 0) findings.push(`${what}: ${t.nonFiniteSteps} step(s) with a non-finite amax${r.recipe === "delayed" && r.amaxComputeAlgo === "max" ? `; it stays in the amax history for ${r.amaxHistoryLen} steps, and the scale stays where it was meanwhile` : ""}.`);
  }
  if (worstT) findings.unshift(`The fp8 tensor that hurts most: ${name(worstT)} (${worstT.format.toUpperCase()}; mean saturated ${pct(worstT.saturatedMean)}, mean flushed ${pct(worstT.flushedMean)}, ${worstT.lateSteps} late step(s)).`);
  else findings.unshift(`fp8 casts lose little here: no tensor saturated or flushed ${pct(FP8_SIGNIFICANT)} or more at an observed step.`);

  const late = tensors.filter((t) => t.lateSteps > 0);
  if (r.recipe === "delayed" && late.length) {
    const jump = late.reduce((m, t) => Math.max(m, t.worstJump), -Infinity);
    const margin = Math.min(32, Math.max(r.margin + 1, r.margin + Math.ceil(Math.log2(jump))));
    advice.push({ change: { fp8: { ...r, margin } }, reason: `a margin of ${margin} leaves room for an amax jump of ×${2 ** (margin - r.margin)} over the history (the largest seen: ×${jump.toPrecision(3)}), at the cost of ${margin - r.margin} bit(s) of range at the bottom` });
    advice.push({ change: { fp8: { ...r, recipe: "current" } }, reason: "current scaling takes each tensor's amax in the same step: no late steps (one more pass over each tensor)" });
  }
  if (r.recipe === "delayed" && r.amaxComputeAlgo === "max" && tensors.some((t) => t.nonFiniteSteps > 0)) {
    const h = Math.min(r.amaxHistoryLen, 16);
    advice.push({ change: { fp8: { ...r, amaxHistoryLen: h } }, reason: `a non-finite amax froze the scale for up to ${r.amaxHistoryLen} steps; a history of ${h} recovers within ${h} steps` });
  }
  const stale = tensors.filter((t) => t.flushedMean >= FP8_SIGNIFICANT && t.scale.last < t.scale.max);
  if (r.recipe === "delayed" && stale.length && r.amaxHistoryLen > 16)
    advice.push({ change: { fp8: { ...r, amaxHistoryLen: 16 } }, reason: `${stale.map(name).join(", ")} flushed values while old, larger amaxes held the scale down: a history of 16 steps follows a shrinking amax sooner` });
  if (fp8.formats.backward === "e4m3" && tensors.some((t) => t.role === "grads" && (t.flushedMax >= FP8_SIGNIFICANT || t.saturatedMax >= FP8_SIGNIFICANT)))
    advice.push({ change: { fp8: { ...r, format: "hybrid" } }, reason: "the activation gradients lose values in E4M3 (range 2^-9..448 after scaling); E5M2 (2^-16..57344) keeps more of them: the hybrid format" });
  if (r.recipe === "block" && tensors.some((t) => t.saturatedMax >= FP8_SIGNIFICANT))
    findings.push(`Block (MX) scaling takes 2^(floor(log2 amax) - emax), so a block's largest values can land in [${rangeLimit(fp8.formats.forward).toPrecision(3)}, 2^${Math.floor(Math.log2(FP8[fp8.formats.forward].max)) + 1}) and clip: that is the MX rule, not a bug.`);
  for (const a of advice) findings.push(`Try ${JSON.stringify(a.change.fp8)}: ${a.reason}.`);
  return { recipe: r, formats: fp8.formats, matmul, tensors, worst: worstT ? name(worstT) : null, advice, findings };
}

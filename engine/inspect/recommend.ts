// The scaler inspect() recommends. Sane by construction:
//  - drawn from the gradient window only where the gradients are evidence (causes.ts);
//  - never at or above a scale that overflowed on every step it was used (the ceiling);
//  - when the forward pass overflows, or the data is beyond the format's range, no scale
//    is derived at all: the preset's defaults, with the reason (no loss scale reaches it);
//  - when every observed step overflowed, dynamic scaling, which backs off until the
//    gradients fit (the statistics cannot say how far).
import type { ScalerSpec } from "../config/schema.js";
import { resolveScaler } from "../export/scalerDefaults.js";
import type { RunResult } from "../train/runResult.js";
import { fmtPow2, isEmpty, pow2Floor } from "./fp16Range.js";
import type { ScalerAdvice, ScaleWindow } from "./report.js";

const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;

export interface Evidence {
  /** the forward pass overflows (causes.ts's `short`), or null */
  forward: string | null;
  /** the data is beyond the format's range (dataFindings.ts's `short`), or null */
  data: string | null;
  /** some data column is far from unit scale (a scale below 1 then says so) */
  dataLarge: boolean;
  /** every observed step overflowed */
  blind: boolean;
  /** the smallest scale that overflowed on every step it was used (Infinity: none) */
  ceiling: number;
}

/** The user's scaler with the preset's own starting scale (their other choices kept). */
function presetStart(spec: ScalerSpec): ScalerSpec {
  if (spec.type !== "dynamic") return { type: "dynamic", preset: "pytorch" };
  const { initScale: _dropped, ...rest } = spec;
  return rest;
}

/** The scaler for the run's preset: start at the top of the window, grow less often if it kept overflowing. */
export function recommendScaler(run: RunResult, window: ScaleWindow | null, core: ScaleWindow | null, scaleUsed: number, headroom: number, ev: Evidence, coreShare: number): ScalerAdvice {
  const spec = run.config.scaler;
  if (run.precision === "mixed-fp8" && spec.type === "none")
    return { spec: { type: "none" }, reason: "fp8 runs scale each tensor on its own (the fp8 recipe), gradients included: no loss scaler is needed" };
  if (run.precision === "mixed-bf16")
    return { spec: { type: "none" }, reason: "bf16 has fp32's exponent range: gradients neither underflow nor overflow for want of a scale, so no scaler is needed" };
  const forWhat = run.precision === "fp32" ? " (for a mixed-fp16 run of this model)" : "";
  if (ev.forward) {
    const start = presetStart(spec);
    return {
      spec: start,
      reason: `no loss scale can fix an overflow in the forward pass (${ev.forward}): fix that first, then start from the ${start.type === "dynamic" ? start.preset : "pytorch"} preset's own scale${forWhat}; this run's gradient statistics are consequences of the overflow, not evidence of a scale`,
    };
  }
  if (ev.data) {
    const start = presetStart(spec);
    return {
      spec: start,
      reason: `the data is the cause (${ev.data}): no loss scale fixes it. Normalise it first, then start from the ${start.type === "dynamic" ? start.preset : "pytorch"} preset's own scale${forWhat}; this run's gradients are shaped by the data out of range, not evidence of a scale`,
    };
  }
  if (ev.blind) {
    const r = resolveScaler(spec.type === "dynamic" ? spec : { type: "dynamic", preset: "pytorch" });
    const at = run.scales.length ? run.scales[run.statsSteps[run.statsSteps.length - 1]] ?? run.scales[0] : 1;
    if (!(ev.ceiling >= 2)) {
      return { spec: presetStart(spec), reason: `the gradients overflowed on every observed step at every scale this run tried, down to ${fmtPow2(ev.ceiling)}: no loss scale fixes that. Look for Inf or NaN before the backward pass (the loss, the data); start from the preset's own scale${forWhat}` };
    }
    const init = Math.min(r.initScale, pow2Floor(ev.ceiling / 2));
    const out: ScalerSpec = { ...presetStart(spec), ...(init !== r.initScale ? { initScale: init } : {}) } as ScalerSpec;
    const skipped = `${run.skippedSteps} of ${run.steps} steps`;
    return {
      spec: out,
      reason: `${spec.type === "static" ? `static ${fmtPow2(spec.scale)}` : `the scale (${fmtPow2(at)} at the last observed step)`} overflowed on every observed step (${skipped} skipped): the gradients × the scale exceed fp16, and what overflowed cannot say by how much. Dynamic scaling backs off on each overflow until they fit${out.type === "dynamic" && out.initScale !== undefined ? `, here from ${fmtPow2(out.initScale)} (below ${fmtPow2(ev.ceiling)}, which overflowed every time)` : ""}${forWhat}`,
    };
  }
  if (!window) {
    return spec.type === "dynamic" || spec.type === "static"
      ? { spec, reason: "no gradient statistics were observed: keep the scaler as it is" }
      : { spec: { type: "dynamic", preset: "pytorch" }, reason: "no gradient statistics were observed: start from PyTorch's defaults" };
  }
  const r = resolveScaler(spec);
  let scale = window.max;
  if (spec.type === "dynamic") scale = Math.min(Math.max(scale, r.minScale || 0), r.maxScale);
  let capped = "";
  if (scale >= ev.ceiling) {
    scale = pow2Floor(ev.ceiling / 2);
    capped = `; capped below ${fmtPow2(ev.ceiling)}, which overflowed on every step it was used`;
  }
  const because = (!isEmpty(window)
    ? `scales ${fmtPow2(window.min)} to ${fmtPow2(window.max)} keep every gradient inside fp16 with ×${headroom} headroom; the largest keeps the most small values`
    : core && !isEmpty(core)
      ? `scales ${fmtPow2(core.min)} to ${fmtPow2(core.max)} keep all but ${pct(coreShare)} of the smallest gradient values (no scale keeps every one); the largest keeps the most`
      : `no scale keeps the gradients (${fmtPow2((core ?? window).min)} would keep the smallest, ${fmtPow2(window.max)} the largest); this keeps the largest finite`) + capped;
  // a scale below 1 is what large gradients need; where the data is far from unit scale, that is why
  const small = scale < 1 && ev.dataLarge ? "; a scale below 1 because the unnormalised data makes the gradients large (normalising it is the better fix)" : "";
  if (spec.type === "static") return { spec: { type: "static", scale }, reason: `static ${fmtPow2(scale)}${forWhat}: ${because}${small}` };
  if (spec.type === "none") return { spec: { type: "dynamic", preset: "pytorch", initScale: scale }, reason: `dynamic scaling from ${fmtPow2(scale)}${forWhat}: ${because}${small}${scaleUsed === 1 && run.precision !== "fp32" ? " (this run used no scale)" : ""}` };
  // overflows after the first applied step: the scale kept probing beyond the window
  const firstApplied = run.overflowSteps.findIndex((s, i) => s !== i);
  const calibration = firstApplied < 0 ? run.overflowSteps.length : firstApplied;
  const late = run.overflowSteps.length - calibration;
  let growthInterval = r.growthInterval;
  let growthWhy = "";
  if (late > 0) {
    const gap = run.steps / late;
    const longer = Math.ceil((2 * gap) / 100) * 100;
    if (longer > growthInterval) {
      growthInterval = longer;
      growthWhy = `; the scale overflowed ${late} times after calibrating (every ~${Math.round(gap)} steps): a longer growth interval probes less often`;
    }
  }
  const out: ScalerSpec = { type: "dynamic", preset: spec.preset, initScale: scale };
  if (growthInterval !== r.growthInterval || spec.growthInterval !== undefined) out.growthInterval = growthInterval;
  for (const k of ["growthFactor", "backoffFactor", "hysteresis", "minScale", "maxScale", "zeroStage", "consecutiveHysteresis"] as const) if (spec[k] !== undefined) (out as Record<string, unknown>)[k] = spec[k];
  return { spec: out, reason: `${spec.preset} preset from ${fmtPow2(scale)}${forWhat}: ${because}${small}${growthWhy}` };
}

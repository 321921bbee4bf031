// inspect(run): a precision report drawn from a run's statistics.
//
// What the statistics are (engine/train/trainStep.ts): at the observed steps
// (run.statsSteps), per layer, the stored weights and pre-activations z (no loss
// scale), and the gradient at z and the weight gradient as the backward pass
// stored them, i.e. multiplied by that step's loss scale. So gradient magnitudes
// are divided by the scale here; when the scale changed between observed steps
// the unscaled extremes are bounds (largest / smallest scale, smallest / largest
// scale), which keeps the advised window on the safe side.
import type { ScalerSpec } from "../config/schema.js";
import { resolveScaler, scalerLabel } from "../export/scalerDefaults.js";
import { F16_MAX, F16_MIN_SUBNORMAL } from "../numerics/float16.js";
import { TENSOR_ROLES, type RunResult, type TensorRole, type TensorStats } from "../train/runResult.js";
import { fmtPow2, histShare, intersect, isEmpty, pow2Ceil, scaleWindow } from "./fp16Range.js";
import { LOST_SHARE_LIMIT, MASTER_WEIGHTS_HOW, masterWeightsEstimate } from "./masterWeights.js";
import { inspectFp8 } from "./fp8Inspect.js";
import { PRECISION_REPORT_MIME, type PrecisionReport, type ScaleWindow, type ScalerAdvice, type TensorReport } from "./report.js";

export { PRECISION_REPORT_MIME };

export interface InspectOptions {
  /** factor kept free below 65504 when choosing a scale (default 8: gradients may grow as training goes on) */
  headroom?: number;
}

/** Shares below this are not worth a finding. */
export const SIGNIFICANT = 1e-3;
/** The core window keeps all but this share of a gradient's smallest nonzero values. */
export const CORE_SHARE = 1e-3;
/** Weights/activations outside fp16 (no scale can help them) advise bf16 from this share on. */
export const UNSCALED_LIMIT = 1e-2;

const ROLE_WORDS: Record<TensorRole, string> = {
  weights: "weights",
  activations: "activations",
  activationGrads: "activation gradients",
  weightGrads: "weight gradients",
};
const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;
const num = (x: number | null) => (x === null ? "-" : x.toPrecision(3));

export function inspect(run: RunResult, opts: InspectOptions = {}): PrecisionReport {
  if (!run || run.kind !== "mplab.run") throw new Error("inspect(run): run must be a RunResult (what train() returns)");
  const headroom = opts.headroom ?? 8;
  if (!(headroom >= 1) || !Number.isFinite(headroom)) throw new Error(`inspect: headroom must be a finite number >= 1, got ${headroom}`);

  const observed = run.statsSteps.map((s) => run.scales[s]).filter((s) => Number.isFinite(s) && s > 0);
  const sMin = observed.length ? observed.reduce((a, b) => Math.min(a, b)) : 1;
  const sMax = observed.length ? observed.reduce((a, b) => Math.max(a, b)) : 1;

  const tensors: TensorReport[] = [];
  for (const L of run.layers)
    for (const role of TENSOR_ROLES) {
      const ref = run.shadow?.reference?.find((r) => r.layer === L.layer)?.tensors[role];
      tensors.push(tensorReport(L.layer, L.name, role, L.tensors[role], sMin, sMax, headroom, ref));
    }

  // Bias gradients are not in the statistics: each sums the gradient at z over the batch
  // rows, so it can reach batchSize × that gradient's largest magnitude. The weight-gradient
  // window keeps that bound below fp16's top too (else the bias overflows first).
  for (const t of tensors) {
    if (t.role !== "weightGrads" || !t.window || t.smallest === null || t.largest === null) continue;
    const ag = tensors.find((u) => u.layer === t.layer && u.role === "activationGrads");
    const biasBound = ag?.largest != null ? ag.largest * run.config.batchSize : 0;
    if (biasBound > t.largest) {
      t.window.max = Math.min(t.window.max, scaleWindow(t.smallest, biasBound, headroom).max);
      if (t.coreWindow) t.coreWindow.max = t.window.max;
    }
  }
  let window: ScaleWindow | null = null, core: ScaleWindow | null = null;
  for (const t of tensors) if (t.window) window = intersect(window, t.window);
  for (const t of tensors) if (t.coreWindow) core = intersect(core, t.coreWindow);

  const bf16Why: string[] = [];
  for (const t of tensors) {
    const what = `layer ${t.layer} ${ROLE_WORDS[t.role]}`;
    if (!t.scaled && !t.fitsFp16 && t.largest !== null && (t.largest >= F16_MAX || t.overflow > 0))
      bf16Why.push(`${what} reach ${num(t.largest)}, beyond fp16's 65504, and no loss scale applies to them`);
    else if (!t.scaled && t.underflow >= UNSCALED_LIMIT)
      bf16Why.push(`${pct(t.underflow)} of ${what} are below fp16's 2^-24, and no loss scale applies to them`);
    else if (t.coreWindow && isEmpty(t.coreWindow))
      bf16Why.push(`${what} span ${num(t.smallest)} to ${num(t.largest)}: keeping all but ${pct(CORE_SHARE)} of the smallest needs a scale >= ${fmtPow2(t.coreWindow.min)}, the largest <= ${fmtPow2(t.coreWindow.max)}`);
  }
  if (core && isEmpty(core) && !tensors.some((t) => t.coreWindow && isEmpty(t.coreWindow)))
    bf16Why.push(`no single scale covers all gradients: keeping all but ${pct(CORE_SHARE)} of the smallest needs >= ${fmtPow2(core.min)}, the largest <= ${fmtPow2(core.max)}`);

  const mw = masterWeightsEstimate(run.layers, run.config.optimizer, Math.sqrt(sMin * sMax));
  const mwNeeded = mw.some((l) => l.lostShare >= LOST_SHARE_LIMIT);
  const recommendation = recommendScaler(run, window, core, sMin, headroom);

  const report: PrecisionReport = {
    kind: "mplab.report",
    version: 1,
    ...(run.name ? { name: run.name } : {}),
    precision: run.precision,
    scaler: scalerLabel(run.config.scaler),
    steps: run.steps,
    skippedSteps: run.skippedSteps,
    headroom,
    tensors,
    scaleWindow: window && !isEmpty(window) ? window : null,
    coreScaleWindow: core && !isEmpty(core) ? core : null,
    useBf16: { advised: bf16Why.length > 0, why: bf16Why },
    masterWeights: { needed: mwNeeded, layers: mw, how: MASTER_WEIGHTS_HOW },
    recommendation,
    findings: [],
  };
  report.findings = findings(run, report, window, core);
  if (run.fp8) {
    report.fp8 = inspectFp8(run.fp8, run.steps);
    report.findings.unshift(`Matmuls: ${report.fp8.matmul}; fp32 master weights and optimizer.`);
    report.findings.push(...report.fp8.findings);
  }
  return report;
}

/** `ref`: the fp32 shadow's statistics of the same tensor (unscaled), when the run had one. */
function tensorReport(layer: number, layerName: string, role: TensorRole, s: TensorStats, sMin: number, sMax: number, headroom: number, ref?: TensorStats): TensorReport {
  const scaled = role === "activationGrads" || role === "weightGrads";
  const lo = scaled ? sMin : 1, hi = scaled ? sMax : 1;
  let smallest = s.minAbs === null ? null : s.minAbs / hi;
  let largest = s.maxAbs === null ? null : s.maxAbs / lo;
  // f32 tensors were never cast: count what an fp16 cast would lose (|x| < 2^-25 rounds
  // to zero, |x| >= 65520 to Inf); cast tensors report what their cast did
  const underflow = s.dtype === "f32" ? histShare(s, -1000, -26) : s.underflow;
  const overflow = s.dtype === "f32" ? histShare(s, 16, 1000) : s.overflow;
  let smallestUnknown = s.dtype !== "f32" && s.underflow > 0;
  let window: ScaleWindow | null = null, coreWindow: ScaleWindow | null = null;
  if (scaled && smallest !== null && largest !== null) {
    if (smallestUnknown && ref?.minAbs != null) {
      // the fp32 shadow saw the values that underflowed here: its magnitudes are the true ones
      smallest = Math.min(smallest, ref.minAbs);
      largest = Math.max(largest, ref.maxAbs ?? 0);
      smallestUnknown = false;
      window = scaleWindow(smallest, largest, headroom);
      const c = coreMinScale(ref, 1, 0, CORE_SHARE);
      coreWindow = { min: c ?? window.min, max: window.max };
    } else {
      window = scaleWindow(smallest, largest, headroom);
      // values that rounded to zero at scale S were below 2^-25/S: they need at least 2S
      if (smallestUnknown) window.min = Math.max(window.min, 2 * sMin);
      const c = coreMinScale(s, hi, s.dtype === "f32" ? 0 : s.underflow * s.count, CORE_SHARE);
      coreWindow = { min: c ?? window.min, max: window.max };
    }
  }
  const fitsFp16 = !scaled && underflow < UNSCALED_LIMIT && overflow === 0 && (largest === null || largest < F16_MAX);
  return {
    layer, layerName, role, dtype: s.dtype, scaled,
    scaleUsed: { min: lo, max: hi },
    zero: s.zero, subnormal: s.subnormal, underflow, overflow, nonFinite: s.nan + s.inf,
    smallest, largest, smallestUnknown, window, coreWindow, fitsFp16,
  };
}

/**
 * The smallest power-of-two scale that lifts all but a share `q` of the nonzero values
 * (counting `underflowed` ones, known only to be below the rest) to >= 2^-24; the values
 * were stored multiplied by up to `scaleHi`. null when the q-quantile is among the
 * underflowed values (unknown) or nothing was seen.
 */
function coreMinScale(s: TensorStats, scaleHi: number, underflowed: number, q: number): number | null {
  const total = s.histogram.counts.reduce((a, b) => a + b, 0) + underflowed;
  if (!total || underflowed > q * total) return null;
  let acc = underflowed;
  for (let i = 0; i < s.histogram.counts.length; i++) {
    acc += s.histogram.counts[i];
    // the values above the q-quantile are >= 2^e (stored), >= 2^e / scaleHi (unscaled)
    if (acc > q * total) return pow2Ceil(F16_MIN_SUBNORMAL / (2 ** (s.histogram.minExp + i) / scaleHi));
  }
  return null;
}

/** The scaler for the run's preset: start at the top of the window, grow less often if it kept overflowing. */
function recommendScaler(run: RunResult, window: ScaleWindow | null, core: ScaleWindow | null, scaleUsed: number, headroom: number): ScalerAdvice {
  const spec = run.config.scaler;
  if (run.precision === "mixed-fp8" && spec.type === "none")
    return { spec: { type: "none" }, reason: "fp8 runs scale each tensor on its own (the fp8 recipe), gradients included: no loss scaler is needed" };
  if (run.precision === "mixed-bf16")
    return { spec: { type: "none" }, reason: "bf16 has fp32's exponent range: gradients neither underflow nor overflow for want of a scale, so no scaler is needed" };
  const forWhat = run.precision === "fp32" ? " (for a mixed-fp16 run of this model)" : "";
  if (!window) {
    return spec.type === "dynamic" || spec.type === "static"
      ? { spec, reason: "no gradient statistics were observed: keep the scaler as it is" }
      : { spec: { type: "dynamic", preset: "pytorch" }, reason: "no gradient statistics were observed: start from PyTorch's defaults" };
  }
  const r = resolveScaler(spec);
  let scale = window.max;
  if (spec.type === "dynamic") scale = Math.min(Math.max(scale, r.minScale || 0), r.maxScale);
  const because = !isEmpty(window)
    ? `scales ${fmtPow2(window.min)} to ${fmtPow2(window.max)} keep every gradient inside fp16 with ×${headroom} headroom; the largest keeps the most small values`
    : core && !isEmpty(core)
      ? `scales ${fmtPow2(core.min)} to ${fmtPow2(core.max)} keep all but ${pct(CORE_SHARE)} of the smallest gradient values (no scale keeps every one); the largest keeps the most`
      : `no scale keeps the gradients (${fmtPow2((core ?? window).min)} would keep the smallest, ${fmtPow2(window.max)} the largest); this keeps the largest finite`;
  if (spec.type === "static") return { spec: { type: "static", scale }, reason: `static ${fmtPow2(scale)}${forWhat}: ${because}` };
  if (spec.type === "none") return { spec: { type: "dynamic", preset: "pytorch", initScale: scale }, reason: `dynamic scaling from ${fmtPow2(scale)}${forWhat}: ${because}${scaleUsed === 1 && run.precision !== "fp32" ? " (this run used no scale)" : ""}` };
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
  return { spec: out, reason: `${spec.preset} preset from ${fmtPow2(scale)}${forWhat}: ${because}${growthWhy}` };
}

function findings(run: RunResult, rep: PrecisionReport, window: ScaleWindow | null, core: ScaleWindow | null): string[] {
  const out: string[] = [];
  if (!run.statsSteps.length) out.push("No tensor statistics were observed (the run stopped before its first observed step).");
  if (run.skippedSteps > 0) {
    const f = run.firstNonFinite.find((e) => e.step === run.overflowSteps[0]);
    out.push(`${run.skippedSteps} of ${run.steps} steps skipped for non-finite gradients, the first at step ${run.overflowSteps[0]}${f ? ` (layer ${f.layer} ${f.tensor})` : ""}.`);
  }
  for (const t of rep.tensors) {
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
    out.push(`No single loss scale keeps every gradient value inside fp16; scales from ${fmtPow2(core.min)} to ${fmtPow2(core.max)} keep all but ${pct(CORE_SHARE)} of the smallest (with ×${rep.headroom} headroom).`);
  for (const w of rep.useBf16.why) out.push(`${run.precision === "mixed-bf16" || run.precision === "mixed-fp8" ? "bf16 is needed here" : "Use bf16"}: ${w}.`);
  for (const l of rep.masterWeights.layers)
    if (l.lostShare >= LOST_SHARE_LIMIT)
      out.push(`Master weights needed: in layer ${l.layer}, ${pct(l.lostShare)} of the weights are more than 2^11 times their update (~${num(l.typicalUpdate)}): in fp16 they would not change${run.precision === "fp16" ? " (this run has no master copy: those updates were lost)" : ""}.`);
  out.push(`Scaler: ${rep.recommendation.reason}.`);
  return out;
}

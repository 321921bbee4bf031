// inspect(run): a precision report drawn from a run's statistics.
//
// What the statistics are (engine/train/trainStep.ts): at the observed steps
// (run.statsSteps), per layer, the stored weights and pre-activations z (no loss
// scale), and the gradient at z and the weight gradient as the backward pass
// stored them, i.e. multiplied by that step's loss scale. So gradient magnitudes
// are divided by the scale here; when the scale changed between observed steps
// the unscaled extremes are bounds (largest / smallest scale, smallest / largest
// scale), which keeps the advised window on the safe side.
//
// Before any window is drawn, what the gradients are evidence of: the data at its cast
// (dataFindings.ts) and the forward pass come first (no loss scale reaches them), and a
// scale that overflowed on every observed step leaves nothing to measure (causes.ts).
import { F16_MAX, F16_MIN_SUBNORMAL } from "../numerics/float16.js";
import { scalerLabel } from "../export/scalerDefaults.js";
import { TENSOR_ROLES, type RunResult, type TensorRole, type TensorStats } from "../train/runResult.js";
import { everyObservedStepOverflowed, forwardOverflow, overflowCeiling } from "./causes.js";
import { bf16Reasons } from "./bf16Advice.js";
import { dataFindings } from "./dataFindings.js";
import { findings, SIGNIFICANT } from "./findings.js";
import { histShare, intersect, isEmpty, pow2Ceil, scaleWindow } from "./fp16Range.js";
import { LOST_SHARE_LIMIT, MASTER_WEIGHTS_HOW, masterWeightsEstimate } from "./masterWeights.js";
import { inspectFp8 } from "./fp8Inspect.js";
import { recommendScaler } from "./recommend.js";
import { PRECISION_REPORT_MIME, type PrecisionReport, type ScaleWindow, type TensorReport } from "./report.js";

export { PRECISION_REPORT_MIME, SIGNIFICANT };

export interface InspectOptions {
  /** factor kept free below 65504 when choosing a scale (default 8: gradients may grow as training goes on) */
  headroom?: number;
}

/** The core window keeps all but this share of a gradient's smallest nonzero values. */
export const CORE_SHARE = 1e-3;
/** Weights/activations outside fp16 (no scale can help them) advise bf16 from this share on. */
export const UNSCALED_LIMIT = 1e-2;


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

  // what the gradient statistics are evidence of (causes.ts)
  const data = dataFindings(run.data, run.precision);
  const inputsOverflow = data.verdicts.find((v) => v.side === "inputs" && v.problem === "overflow");
  const forward = forwardOverflow(tensors, run.precision, inputsOverflow?.format ?? null);
  const blind = !forward && everyObservedStepOverflowed(run);
  // an fp32 run's gradients are exact whatever fp16 would do to its forward pass; in a run
  // that cast, an overflowing forward pass makes them artefacts. Data beyond the format's
  // range shapes every gradient (an output chasing targets it cannot reach).
  const forwardBreaks = forward !== null && run.precision !== "fp32";
  const evidence = !forwardBreaks && !blind && !data.breaksGradients;
  if (!evidence) for (const t of tensors) if (t.scaled) t.window = t.coreWindow = null;

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

  const bf16Why = bf16Reasons({ tensors, core, coreShare: CORE_SHARE, unscaledLimit: UNSCALED_LIMIT, dataOverflows: data.breaksGradients, dataBf16Holds: data.bf16Holds });

  const mw = masterWeightsEstimate(run.layers, run.config.optimizer, Math.sqrt(sMin * sMax));
  const mwNeeded = mw.some((l) => l.lostShare >= LOST_SHARE_LIMIT);
  const ceiling = overflowCeiling(run);
  const recommendation = recommendScaler(run, window, core, sMin, headroom, { forward: forwardBreaks ? forward!.short : null, data: data.breaksGradients ? data.short : null, blind, ceiling, dataLarge: data.verdicts.length > 0 }, CORE_SHARE);

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
    data: data.verdicts,
    rootCause: null,
    gradientsAreEvidence: evidence,
  };
  const ranked = findings(run, report, window, core, { data, forward, blind, ceiling });
  report.findings = ranked.findings;
  report.rootCause = ranked.rootCause;
  if (run.fp8) {
    report.fp8 = inspectFp8(run.fp8, run.steps);
    // after the root cause (the data), before the rest: what the fp8 matmuls are
    report.findings.splice(data.finding ? 1 : 0, 0, `Matmuls: ${report.fp8.matmul}; fp32 master weights and optimizer.`);
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
  const nonFinite = s.nan + s.inf;
  // Inf/NaN count against fitting fp16 whatever made them: an Inf that came in from the
  // input (the data's cast) was not "overflowed at this op", but it is there all the same
  const fitsFp16 = !scaled && underflow < UNSCALED_LIMIT && overflow === 0 && nonFinite === 0 && (largest === null || largest < F16_MAX);
  return {
    layer, layerName, role, dtype: s.dtype, scaled,
    scaleUsed: { min: lo, max: hi },
    zero: s.zero, subnormal: s.subnormal, underflow, overflow, nonFinite,
    smallest, largest, smallestUnknown, window, coreWindow, fitsFp16,
    nonFiniteFrom: nonFinite > 0 ? (s.overflow > 0 || s.dtype === "f32" ? "cast" : "input") : null,
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


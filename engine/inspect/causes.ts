// Causes that make a run's gradient statistics useless as evidence of a loss scale:
//  - an overflow in the forward pass (weights or activations Inf or beyond fp16): the
//    loss scale multiplies only the backward pass, so no scale reaches it; every step it
//    touches is skipped, a dynamic scaler backs off without end (2^-144 and below), and
//    gradients measured at such scales are artefacts of the unscaling;
//  - a scale too large on every observed step: only the values that did not overflow
//    are measured, so the statistics cannot say how far down the scale must go.
import type { RunResult } from "../train/runResult.js";
import type { TensorReport } from "./report.js";

export interface ForwardOverflow {
  /** the first (lowest-layer) weights or activations that overflow; null when the data does it at its cast */
  tensor: TensorReport | null;
  /** what to say: "layer 2's activations overflow at any scale (...)" */
  where: string;
  /** the same, short: "layer 2's activations overflow at any scale" */
  short: string;
}

const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;

/**
 * The forward pass's first overflow. `dataOverflows`: the format input columns are beyond
 * the range of, or null (then layer 1 reads Inf whatever else happens). For an fp32 run, "overflow" is
 * what a mixed-fp16 run would see (values >= 65520), as in the rest of its report.
 */
export function forwardOverflow(tensors: TensorReport[], precision: RunResult["precision"], dataOverflows: string | null): ForwardOverflow | null {
  const would = precision === "fp32";
  const bad = tensors.find((t) => !t.scaled && (t.nonFinite > 0 || t.overflow > 0));
  if (dataOverflows) {
    const inf = bad && bad.layer === 1 && bad.role === "activations" && bad.nonFinite > 0 ? ` (layer 1's activations are Inf or NaN in ${pct(bad.nonFinite)} of their values)` : "";
    return { tensor: null, where: `the inputs ${would ? "would be" : "are"} Inf from their cast to ${dataOverflows}${inf}, so every activation they reach is too, at any scale`, short: `the inputs ${would ? "would be" : "are"} Inf from their cast to ${dataOverflows}` };
  }
  if (!bad) return null;
  const what = bad.role === "weights" ? "weights" : "activations";
  if (bad.nonFinite > 0 && bad.nonFiniteFrom === "input" && !would)
    return { tensor: bad, where: `layer ${bad.layer}'s ${what} are Inf or NaN in ${pct(bad.nonFinite)} of their values at any scale (from ${bad.layer === 1 ? "the data" : `layer ${bad.layer - 1}`})`, short: `layer ${bad.layer}'s ${what} are Inf or NaN at any scale` };
  const share = Math.max(bad.overflow, bad.nonFinite);
  return {
    tensor: bad,
    where: `layer ${bad.layer}'s ${what} ${would ? "would overflow fp16" : "overflow"} at any scale (${pct(share)} of their values${bad.largest !== null ? `; the largest finite ${bad.largest.toPrecision(3)}` : ""}, fp16's max 65504)`,
    short: `layer ${bad.layer}'s ${what} ${would ? "would overflow fp16" : "overflow"} at any scale`,
  };
}

/** Whether every observed step was skipped (and at least one was observed). */
export function everyObservedStepOverflowed(run: RunResult): boolean {
  const over = new Set(run.overflowSteps);
  const seen = run.statsSteps.filter((s) => s < run.steps);
  return seen.length > 0 && seen.every((s) => over.has(s));
}

/**
 * The smallest loss scale at which every step run at it overflowed (Infinity when there is
 * none): a recommendation must stay below it.
 */
export function overflowCeiling(run: RunResult): number {
  const clean = new Set<number>(), used = new Set<number>();
  const over = new Set(run.overflowSteps);
  run.scales.forEach((s, i) => {
    used.add(s);
    if (!over.has(i)) clean.add(s);
  });
  let ceiling = Infinity;
  for (const s of used) if (!clean.has(s) && s > 0 && s < ceiling) ceiling = s;
  return ceiling;
}

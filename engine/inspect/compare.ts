// compare(...runs): losses, scales and overflow of several runs on one axis, and a
// table of their differences against the fp32 run. Plain data for the renderer.
import { scalerLabel } from "../export/scalerDefaults.js";
import type { RunResult, TensorRole } from "../train/runResult.js";
import { COMPARISON_MIME, type ComparedRun, type Comparison, type RunDifference } from "./comparison.js";

export { COMPARISON_MIME, type ComparedRun, type Comparison, type RunDifference };

export interface CompareOptions {
  /** the run the others are measured against: a run, its index, or (default) the first fp32 run */
  reference?: RunResult | number;
  /** longest series kept per run; longer runs are averaged into this many buckets (default 500) */
  maxPoints?: number;
}

const isRun = (x: unknown): x is RunResult => typeof x === "object" && x !== null && (x as RunResult).kind === "mplab.run";

export function compare(...args: (RunResult | CompareOptions)[]): Comparison {
  const last = args[args.length - 1];
  const opts: CompareOptions = args.length && !isRun(last) ? (args.pop() as CompareOptions) : {};
  const runs = args as RunResult[];
  runs.forEach((r, i) => {
    if (!isRun(r)) throw new Error(`compare: argument ${i + 1} is not a RunResult (what train() returns)`);
  });
  if (!runs.length) throw new Error("compare: give at least one run");
  const maxPoints = opts.maxPoints ?? 500;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new Error(`compare: maxPoints must be an integer >= 2, got ${maxPoints}`);
  let ref: number | null;
  if (typeof opts.reference === "number") {
    if (!Number.isInteger(opts.reference) || opts.reference < 0 || opts.reference >= runs.length) throw new Error(`compare: reference must be an index 0..${runs.length - 1}, got ${opts.reference}`);
    ref = opts.reference;
  } else if (opts.reference) {
    ref = runs.indexOf(opts.reference);
    if (ref < 0) throw new Error("compare: reference must be one of the compared runs");
  } else {
    const i = runs.findIndex((r) => r.precision === "fp32");
    ref = i < 0 ? null : i;
  }
  const labels = uniqueLabels(runs);
  const compared = runs.map((r, i) => summariseRun(r, labels[i], maxPoints));
  const differences: RunDifference[] = [];
  if (ref !== null) {
    const R = compared[ref];
    compared.forEach((c, i) => {
      if (i === ref) return;
      differences.push({
        label: c.label,
        finalLossRatio: c.finalLoss !== null && R.finalLoss !== null && R.finalLoss !== 0 ? c.finalLoss / R.finalLoss : null,
        skippedSteps: c.skippedSteps,
        extraSkippedSteps: c.skippedSteps - R.skippedSteps,
        activationGradUnderflow: c.underflow.activationGrads,
        weightGradUnderflow: c.underflow.weightGrads,
      });
    });
  }
  return { kind: "mplab.compare", version: 1, reference: ref, runs: compared, differences };
}

export function runLabel(r: RunResult): string {
  return r.name ?? `${r.precision}, ${scalerLabel(r.config.scaler)}`;
}

function uniqueLabels(runs: RunResult[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const base = runLabel(r);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

/** Count-weighted underflow share of one role over all layers. */
export function underflowShare(r: RunResult, role: TensorRole): number {
  let n = 0, u = 0;
  for (const L of r.layers) {
    const t = L.tensors[role];
    n += t.count;
    u += t.underflow * t.count;
  }
  return n ? u / n : 0;
}

export function summariseRun(r: RunResult, label: string, maxPoints = 500): ComparedRun {
  const n = r.losses.length;
  const per = Math.max(1, Math.ceil(n / maxPoints));
  const steps: number[] = [], losses: (number | null)[] = [], scales: number[] = [];
  for (let s = 0; s < n; s += per) {
    let sum = 0, k = 0, minScale = Infinity;
    for (let i = s; i < Math.min(n, s + per); i++) {
      if (Number.isFinite(r.losses[i])) { sum += r.losses[i]; k++; }
      minScale = Math.min(minScale, r.scales[i]);
    }
    steps.push(s);
    losses.push(k ? sum / k : null);
    scales.push(minScale);
  }
  const buckets = new Map<number, number>();
  for (const s of r.overflowSteps) {
    const b = Math.floor(s / per) * per;
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
  }
  return {
    label,
    precision: r.precision,
    scaler: scalerLabel(r.config.scaler),
    status: r.status,
    steps: r.steps,
    finalLoss: r.finalLoss,
    skippedSteps: r.skippedSteps,
    underflow: { activationGrads: underflowShare(r, "activationGrads"), weightGrads: underflowShare(r, "weightGrads") },
    series: { steps, losses, scales },
    overflow: [...buckets].map(([step, count]) => ({ step, count })),
    ...(r.fp8 ? { fp8: fp8Summary(r.fp8) } : {}),
  };
}

function fp8Summary(f: NonNullable<RunResult["fp8"]>): NonNullable<ComparedRun["fp8"]> {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const of = (ts: typeof f.tensors, k: "saturated" | "flushed") => mean(ts.map((t) => mean(t[k])));
  return { recipe: f.recipe.recipe, format: f.recipe.format, saturated: of(f.tensors, "saturated"), flushed: of(f.tensors, "flushed"), gradientsFlushed: of(f.tensors.filter((t) => t.role === "grads"), "flushed") };
}

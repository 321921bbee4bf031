// sweep(base, grid, opts): trains every (precision, scaler) pair of the grid,
// ranks them by final loss against fp32, then skipped steps, then underflow, and
// says which to use. Progress per step, cancel between and inside runs.
import type { Backend } from "../backend/backend.js";
import type { BackendChoice } from "../backend/select.js";
import type { Precision, ScalerSpec, ScalerSpecInput, TrainConfigInput } from "../config/schema.js";
import { parseTrainConfig } from "../config/validate.js";
import { scalerLabel } from "../export/scalerDefaults.js";
import { train } from "../train/run.js";
import type { RunProgress, RunResult } from "../train/runResult.js";
import { summariseRun, underflowShare } from "./compare.js";
import { SWEEP_MIME, type SweepEntry, type SweepResult } from "./sweepResult.js";

export { SWEEP_MIME, type SweepEntry, type SweepResult };


export interface SweepGrid {
  /** scalers to try (default: the base config's) */
  scaler?: ScalerSpecInput[];
  /** precisions to try (default: the base config's) */
  precision?: Precision[];
}

export interface SweepProgress {
  /** 0-based index of the configuration running now (the fp32 reference, when added, comes first) */
  index: number;
  total: number;
  label: string;
  step: number;
  totalSteps: number;
}

/** Trains one configuration of the grid. */
export type SweepRunner = (config: TrainConfigInput, o: { signal?: AbortSignal; onProgress?: (p: RunProgress) => void }) => Promise<RunResult>;

export interface SweepOptions {
  backend?: BackendChoice | Backend;
  /** how each configuration trains: train() on `backend` by default; VS Code passes its engine page's session */
  run?: SweepRunner;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** final losses within this fraction of each other rank as equal on loss (default 0.01) */
  tolerance?: number;
  /** a reduced-precision configuration is recommended when its final loss is within this fraction of fp32's (default 0.05) */
  acceptable?: number;
}

/**
 * The grid of `Mixed Precision: Sweep Loss Scale` for a config: its fp16 precision (or
 * mixed-fp16) with no scaler, three static scales and the dynamic presets that differ most.
 */
export function defaultSweepGrid(base: TrainConfigInput): Required<SweepGrid> {
  const p = parseTrainConfig(base).precision;
  return {
    precision: [p === "fp16" ? "fp16" : "mixed-fp16"],
    scaler: [
      { type: "none" },
      { type: "static", scale: 2 ** 8 },
      { type: "static", scale: 2 ** 12 },
      { type: "static", scale: 2 ** 16 },
      { type: "dynamic", preset: "pytorch" },
      { type: "dynamic", preset: "deepspeed" },
    ],
  };
}

interface Job { label: string; config: TrainConfigInput; precision: Precision; scaler: ScalerSpec; grid: boolean }

export async function sweep(base: TrainConfigInput, grid: SweepGrid, opts: SweepOptions = {}): Promise<SweepResult> {
  const baseCfg = parseTrainConfig(base);
  if (typeof grid !== "object" || grid === null || Array.isArray(grid)) {
    throw new Error(`sweep: grid must be an object like { precision: ["fp32", "mixed-fp16"], scaler: [...] }, got ${grid === null ? "null" : Array.isArray(grid) ? "an array" : typeof grid}`);
  }
  const precisions = grid.precision ?? [baseCfg.precision];
  const scalers = grid.scaler ?? [baseCfg.scaler as ScalerSpecInput];
  if (!Array.isArray(precisions) || !precisions.length) throw new Error("sweep: grid.precision must be a non-empty array of precisions");
  if (!Array.isArray(scalers) || !scalers.length) throw new Error("sweep: grid.scaler must be a non-empty array of scaler specs");
  const tolerance = opts.tolerance ?? 0.01, acceptable = opts.acceptable ?? 0.05;
  const jobs: Job[] = [];
  for (const precision of precisions)
    for (const scaler of scalers) {
      const config = { ...base, precision, scaler, name: undefined };
      const parsed = parseTrainConfig(config); // every configuration is checked before the first run
      jobs.push({ label: `${precision}, ${scalerLabel(parsed.scaler)}`, config, precision, scaler: parsed.scaler, grid: true });
    }
  const refInGrid = jobs.findIndex((j) => j.precision === "fp32");
  if (refInGrid < 0) jobs.unshift({ label: "fp32 reference", config: { ...base, precision: "fp32", scaler: { type: "none" }, name: undefined }, precision: "fp32", scaler: { type: "none" }, grid: false });
  const refIndex = refInGrid < 0 ? 0 : refInGrid;

  const results: (RunResult | null)[] = jobs.map(() => null);
  let cancelled = false;
  for (let i = 0; i < jobs.length && !cancelled; i++) {
    if (opts.signal?.aborted) { cancelled = true; break; }
    const job = jobs[i];
    const run: SweepRunner = opts.run ?? ((config, o) => train(config, { ...o, backend: opts.backend ?? "auto" }));
    const r = await run(job.config, {
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.({ index: i, total: jobs.length, label: job.label, step: p.step, totalSteps: p.totalSteps }),
    });
    if (r.status === "cancelled") cancelled = true;
    results[i] = r; // a cancelled run is kept (summarised, not ranked)
  }

  const ref = results[refIndex]?.status === "completed" ? results[refIndex] : null;
  const refLoss = ref?.finalLoss ?? null;
  const entries: SweepEntry[] = [];
  jobs.forEach((job, i) => {
    if (!job.grid) return;
    const r = results[i];
    const finalLoss = r && r.status === "completed" && Number.isFinite(r.finalLoss) ? r.finalLoss : null;
    entries.push({
      rank: null,
      label: job.label,
      precision: job.precision,
      scaler: job.scaler,
      status: r ? r.status : "not run",
      finalLoss: r ? r.finalLoss : null,
      finalLossRatio: finalLoss !== null && refLoss ? finalLoss / refLoss : null,
      skippedSteps: r ? r.skippedSteps : 0,
      underflow: r ? (underflowShare(r, "activationGrads") + underflowShare(r, "weightGrads")) / 2 : 0,
    });
  });
  const ranked = rank(entries, tolerance);
  return {
    kind: "mplab.sweep",
    version: 1,
    status: cancelled ? "cancelled" : "completed",
    reference: ref ? { label: jobs[refIndex].label, finalLoss: refLoss, added: !jobs[refIndex].grid } : null,
    ranked,
    recommendation: recommend(ranked, acceptable, ref !== null),
    runs: results.flatMap((r, i) => (r ? [summariseRun(r, jobs[i].label)] : [])),
  };
}

/** Finished runs first: loss (in buckets of `tolerance` above fp32), skipped steps, underflow; grid order breaks ties. */
function rank(entries: SweepEntry[], tolerance: number): SweepEntry[] {
  const ok = (e: SweepEntry) => e.status === "completed" && e.finalLoss !== null && Number.isFinite(e.finalLoss);
  const bucket = (e: SweepEntry) => (e.finalLossRatio === null ? 0 : Math.floor(Math.max(0, e.finalLossRatio - 1) / tolerance + 1e-9));
  const done = entries.filter(ok).map((e, i) => ({ e, i }));
  done.sort((a, b) => bucket(a.e) - bucket(b.e) || a.e.skippedSteps - b.e.skippedSteps || a.e.underflow - b.e.underflow || a.i - b.i);
  done.forEach(({ e }, k) => (e.rank = k + 1));
  return [...done.map((d) => d.e), ...entries.filter((e) => !ok(e))];
}

function recommend(ranked: SweepEntry[], acceptable: number, haveRef: boolean): SweepResult["recommendation"] {
  const done = ranked.filter((e) => e.rank !== null);
  if (!done.length) return null;
  const pct = (r: number | null) => (r === null ? "?" : `${((r - 1) * 100).toPrecision(2)}%`);
  const why = (e: SweepEntry) => `${e.skippedSteps} skipped steps, ${(100 * e.underflow).toFixed(2)}% of gradient values underflowed`;
  const reduced = done.filter((e) => e.precision !== "fp32");
  const good = reduced.find((e) => e.finalLossRatio !== null && e.finalLossRatio <= 1 + acceptable);
  if (good) return { label: good.label, precision: good.precision, scaler: good.scaler, reason: `final loss ${pct(good.finalLossRatio)} from fp32's, ${why(good)}; the best reduced-precision configuration` };
  if (!haveRef) {
    const e = done[0];
    return { label: e.label, precision: e.precision, scaler: e.scaler, reason: `no fp32 reference finished: ranked by skipped steps and underflow only (${why(e)})` };
  }
  const closest = reduced[0];
  return {
    label: "fp32",
    precision: "fp32",
    scaler: { type: "none" },
    reason: closest
      ? `no reduced-precision configuration came within ${+(acceptable * 100).toPrecision(2)}% of fp32's final loss (closest: ${closest.label}, ${pct(closest.finalLossRatio)})`
      : "only fp32 configurations finished",
  };
}

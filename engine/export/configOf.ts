// The exporters take a config (as typed, or parsed) or a finished run, and validate it
// with the schemas train() and the renderer use before anything is written: a config
// with parseTrainConfig, a RunResult (a run.json from anywhere) with runResultSchema and
// its config again with parseTrainConfig, so no field reaches a script with a type or
// a value train() would refuse.
import type { TrainConfig, TrainConfigInput } from "../config/schema.js";
import { parseTrainConfig } from "../config/validate.js";
import { parsePayload } from "../payload/parse.js";
import { runResultSchema, type RunResult } from "../train/runResult.js";

export interface ExportSource {
  config: TrainConfig;
  /** the run, when a RunResult was given */
  run: RunResult | null;
}

export function exportSourceOf(x: TrainConfigInput | TrainConfig | RunResult, who: string): ExportSource {
  if (!x || typeof x !== "object" || Array.isArray(x)) throw new Error(`${who}: give a train config or a RunResult`);
  if ((x as { kind?: unknown }).kind !== "mplab.run") return { config: parseTrainConfig(x), run: null };
  const run = parsePayload(runResultSchema, x, `${who}: the RunResult`);
  // a run keeps large inline arrays only as a summary (no rows, their count): the rest of
  // its config is checked as train() would, with placeholder rows in their place (as many
  // as a batch needs, up to the count: one row object shared, so a large batch costs little)
  const d = run.config.data;
  const summarised = d.type === "arrays" && !d.xs.length;
  const rows = summarised ? Math.max(1, Math.min((d as { samples: number }).samples, run.config.batchSize)) : 0;
  const { xs: _xs, ys: _ys, samples: _samples, ...rest } = d as { xs: unknown; ys: unknown; samples?: number };
  const placeholder = { ...rest, xs: new Array(rows).fill(new Array(run.config.model.inputs).fill(0)), ys: new Array(rows).fill(new Array(run.config.model.outputs).fill(0)) };
  let config: TrainConfig;
  try {
    config = parseTrainConfig(summarised ? { ...run.config, data: placeholder } : run.config);
  } catch (e) {
    throw new Error(`${who}: the RunResult's config: ${(e as Error).message}`);
  }
  return { config: summarised ? { ...config, data: d } : config, run };
}

export function configOf(x: TrainConfigInput | TrainConfig | RunResult, who: string): TrainConfig {
  return exportSourceOf(x, who).config;
}

// The exporters take a config (as typed, or parsed) or a finished run.
import type { TrainConfig, TrainConfigInput } from "../config/schema.js";
import { parseTrainConfig } from "../config/validate.js";
import type { RunResult } from "../train/runResult.js";

export function configOf(x: TrainConfigInput | TrainConfig | RunResult, who: string): TrainConfig {
  if (!x || typeof x !== "object") throw new Error(`${who}: give a train config or a RunResult`);
  // a run's config is already parsed (and its inline data arrays summarised away)
  return (x as RunResult).kind === "mplab.run" ? (x as RunResult).config : parseTrainConfig(x);
}

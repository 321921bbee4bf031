// What a notebook cell can call: the engine's public API (engine/index.ts), with
// `train` and `predict` running on the notebook's EngineSession (in this process for the
// CLI, in the engine page in VS Code), plus display helpers. `train` is tied to the cell
// that calls it: the cell's interrupt stops the run, its progress feeds the live output.
import * as engine from "../index.js";
import type { TrainConfigInput } from "../config/schema.js";
import type { EngineSession } from "../session/engineSession.js";
import type { RunProgress, RunResult, TrainedModel } from "../train/runResult.js";
import { InterruptedError, type KernelGlobals } from "./kernel.js";

export interface CellApiOptions {
  /** the session to run on; called at each train/predict, so a restarted engine is picked up */
  session: () => EngineSession;
  /** defaults for train() calls that do not set them (from the user's settings) */
  defaults?: () => { precision?: TrainConfigInput["precision"]; chunkSize?: number; memoryBudgetMiB?: number };
}

interface CellTrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
}

export function cellApi(options: CellApiOptions): KernelGlobals {
  return (kernel) => {
    async function train(config: TrainConfigInput, trainOptions: CellTrainOptions = {}): Promise<RunResult> {
      const execution = kernel.current;
      const defaults = options.defaults?.() ?? {};
      const full = defaults.precision && config?.precision === undefined ? { ...config, precision: defaults.precision } : config;
      const signals = [execution?.signal, trainOptions.signal].filter((s): s is AbortSignal => !!s);
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      const result = await options.session().train(full, {
        signal,
        chunkSize: defaults.chunkSize,
        memoryBudgetMiB: defaults.memoryBudgetMiB,
        onProgress: (p) => {
          execution?.progress(p);
          trainOptions.onProgress?.(p);
        },
      });
      // An interrupted cell stops here rather than carrying on with a partial run.
      if (execution?.signal.aborted) {
        throw new InterruptedError(`interrupted: training stopped after ${result.steps} of ${result.config.steps} steps`);
      }
      return result;
    }
    async function predict(model: TrainedModel, inputs: number[][]): Promise<number[][]> {
      return options.session().predict(model, inputs);
    }
    // sweep()'s runs go through the session like train()'s (in VS Code: the engine page);
    // it is tied to the cell's interrupt like train().
    async function sweep(...args: Parameters<typeof engine.sweep>): ReturnType<typeof engine.sweep> {
      const [base, grid, opts = {}] = args;
      const signal = kernel.current?.signal;
      const { chunkSize, memoryBudgetMiB } = options.defaults?.() ?? {};
      return engine.sweep(base, grid, {
        run: (config, o) => options.session().train(config, { ...o, chunkSize, memoryBudgetMiB }),
        ...opts,
        signal: opts.signal && signal ? AbortSignal.any([opts.signal, signal]) : (opts.signal ?? signal),
      });
    }
    return {
      ...engine,
      train,
      predict,
      sweep,
      /** shows a value under the cell now (a RunResult renders as a chart) */
      display: (value: unknown) => kernel.current?.display(value),
      /** the backend the engine runs on */
      backendInfo: () => options.session().backend(),
    };
  };
}

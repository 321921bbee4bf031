// The engine behind one async interface, wherever it runs: in this process (CLI, tests,
// Node scripts: inProcessSession.ts) or in the VS Code engine page (the extension's
// engine client speaks the protocol to the webview). The notebook kernel's cell API is
// written against this interface only.
import type { BackendInfo } from "../backend/backend.js";
import type { TrainConfigInput } from "../config/schema.js";
import type { RunProgress, RunResult, TrainedModel } from "../train/runResult.js";

export interface SessionTrainOptions {
  /** aborting stops the run at its next chunk; train() then resolves with status "cancelled" */
  signal?: AbortSignal;
  /** called after each chunk of steps */
  onProgress?: (progress: RunProgress) => void;
  /** steps between progress reports when the config does not say (config.chunkSize wins) */
  chunkSize?: number;
  /** refuse a run whose estimated memory is above this many MiB (engine/train/memoryEstimate.ts) */
  memoryBudgetMiB?: number;
}

export interface EngineSession {
  /** the backend this session trains on, and why it was chosen */
  backend(): Promise<BackendInfo>;
  train(config: TrainConfigInput, options?: SessionTrainOptions): Promise<RunResult>;
  /** runs a trained model forward; one output row per input row */
  predict(model: TrainedModel, inputs: number[][]): Promise<number[][]>;
  /** frees the backend; a disposed session rejects further calls */
  dispose(): void;
}

/** Thrown by a session whose engine went away (closed panel, reload, restart). */
export class EngineGoneError extends Error {
  override name = "EngineGoneError";
}

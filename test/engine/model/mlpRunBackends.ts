// The backends the recorded MLP runs (mlpRuns.ts) are made and checked on: the CPU
// reference, wasm on one and on two threads (the split never changes a result: both
// are checked against one recording), and WebGPU where an adapter initialised (only
// the adapter the runs were recorded on: another GPU may round its fp32 sums otherwise).
import type { Backend } from "../../../engine/backend/backend.js";
import { createCpuBackend } from "../../../engine/backend/cpu/cpuBackend.js";
import { createWasmBackend } from "../../../engine/backend/wasm/wasmBackend.js";
import "../../../engine/backend/wasm/nodeWorkers.js";
import { predict } from "../../../engine/train/predict.js";
import { train } from "../../../engine/train/run.js";
import type { RunResult } from "../../../engine/train/runResult.js";
import { mulberry32 } from "../../../engine/data/rng.js";
import { digest, PREDICT_ROWS, runConfig, type MlpRunCase, type RunDigest } from "./mlpRuns.js";

export type RecordedBackend = "cpu" | "wasm" | "webgpu";

export interface Recording {
  /** the adapter the webgpu digests were recorded on */
  webgpuAdapter: string | null;
  runs: Record<string, Partial<Record<RecordedBackend, RunDigest>>>;
}

export const makeCpu = async (): Promise<Backend> => createCpuBackend();
export const makeWasm = (threads: 1 | 2) => (): Promise<Backend> => createWasmBackend(undefined, { threads });

/** Trains the case on `backend` and predicts on fixed rows with the trained model. */
export async function runDigest(c: MlpRunCase, backend: Backend): Promise<RunDigest> {
  const config = runConfig(c);
  const r: RunResult = await train(config, { backend });
  const inputs = (config.model as { inputs: number }).inputs;
  const rng = mulberry32(11);
  const rows = Array.from({ length: PREDICT_ROWS }, () => Array.from({ length: inputs }, () => rng() * 4 - 2));
  const predicted = await predict(r.model, rows, { backend });
  return digest(r, predicted);
}

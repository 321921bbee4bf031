// What a training run will allocate, computed from the config alone, so train() can
// refuse a run that does not fit before anything is allocated. Mirrors the buffers of
// net.ts and trainStep.ts (B batch rows, I/O a layer's inputs/outputs, P its parameters
// O*I + O): weights (policy dtype), the fp32 master copy, activations z and a [B,O],
// gradients (da, dz [B,O], dw, db, and their fp32 copies), optimizer slots (fp32, per
// parameter), fp32 scratch for the statistics, and the data: the samples in host memory
// plus their copy on the backend. The CPU and wasm backends keep every dtype in fp32
// storage (4 bytes); WebGPU stores fp16/bf16 in 2 bytes.
import type { TrainConfig } from "../config/schema.js";
import { layerShapes } from "../model/mlp.js";
import { policyFor } from "./policy.js";

export const DEFAULT_MEMORY_BUDGET_MIB = 2048;
export const MAX_MEMORY_BUDGET_MIB = 1024 * 1024;
const MiB = 1024 * 1024;

export interface MemoryEstimate {
  weightsBytes: number;
  masterWeightsBytes: number;
  activationsBytes: number;
  gradientsBytes: number;
  optimizerBytes: number;
  scratchBytes: number;
  dataBytes: number;
  totalBytes: number;
}

/** The bytes a run of `config` allocates on a backend named `backend` ("cpu", "wasm", "webgpu"; the first two store every value as fp32). */
export function estimateTrainingMemory(config: TrainConfig, backend: string): MemoryEstimate {
  const policy = policyFor(config.precision);
  const bytes = (dtype: string) => (backend === "webgpu" && dtype !== "f32" ? 2 : 4);
  const W = bytes(policy.weights), A = bytes(policy.activations), G = bytes(policy.gradients);
  const B = config.batchSize, K = config.accumulationSteps;
  const o = config.optimizer;
  const slots = o.type === "adam" ? 2 : o.momentum > 0 ? 1 : 0;
  const inPlace = policy.gradients === "f32" && K === 1;
  const e = { weightsBytes: 0, masterWeightsBytes: 0, activationsBytes: B * config.model.inputs * A, gradientsBytes: 0, optimizerBytes: 0, scratchBytes: 0, dataBytes: 0 };
  for (const { inputs: I, outputs: O, activation } of layerShapes(config.model)) {
    const P = O * I + O;
    const linear = activation === "linear";
    e.weightsBytes += P * W;
    if (policy.master) e.masterWeightsBytes += P * 4;
    e.activationsBytes += B * O * A * (linear ? 1 : 2);
    e.gradientsBytes += B * O * G * (linear ? 1 : 2) + P * G + (inPlace ? 0 : P * 4);
    e.optimizerBytes += slots * P * 4;
    if (policy.activations !== "f32") e.scratchBytes += (B * O * (linear ? 2 : 3) + P) * 4;
  }
  const d = config.data;
  const samples = d.type === "arrays" ? d.xs.length : d.type === "csv" ? 0 : d.samples;
  const width = config.model.inputs + config.model.outputs;
  // host copy + backend copy + the batch index buffer of one chunk
  e.dataBytes = samples * width * 4 * 2 + Math.min(config.steps, config.chunkSize ?? 50) * K * B * 4;
  let total = Object.values(e).reduce((a, b) => a + b, 0);
  if (config.shadow) total += e.weightsBytes * (4 / W) + e.activationsBytes * (4 / A) + e.gradientsBytes + e.optimizerBytes; // the fp32 shadow
  return { ...e, totalBytes: total };
}

const mib = (b: number) => (b / MiB < 10 ? (b / MiB).toFixed(2) : Math.round(b / MiB).toString());

/** Thrown before anything is allocated when a run would not fit the memory budget. */
export class MemoryBudgetError extends Error {
  override name = "MemoryBudgetError";
}

/** Refuses a config whose estimate is above `budgetMiB`, with the estimate, its parts and the budget. */
export function checkMemoryBudget(config: TrainConfig, backend: string, budgetMiB = DEFAULT_MEMORY_BUDGET_MIB): MemoryEstimate {
  const e = estimateTrainingMemory(config, backend);
  if (e.totalBytes > budgetMiB * MiB) {
    const parts = [
      `weights ${mib(e.weightsBytes)}`,
      `master copy ${mib(e.masterWeightsBytes)}`,
      `activations ${mib(e.activationsBytes)}`,
      `gradients ${mib(e.gradientsBytes)}`,
      `optimizer state ${mib(e.optimizerBytes)}`,
      `statistics scratch ${mib(e.scratchBytes)}`,
      `data ${mib(e.dataBytes)}`,
    ].join(", ");
    throw new MemoryBudgetError(
      `this training needs about ${mib(e.totalBytes)} MiB on the ${backend} backend (${parts} MiB), more than the memory budget of ${mib(budgetMiB * MiB)} MiB. ` +
        `Make the model, batchSize or data smaller, or raise the budget (the mplab.training.memoryBudget setting, or --memory-budget MIB).`,
    );
  }
  return e;
}

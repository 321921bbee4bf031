// MLP runs recorded before the engine was rebuilt from ops and layers (issue 18), and
// compared bit for bit ever since (mlpFixtures.test.ts): a spread of configs over every
// precision policy, both optimizers, micro-batches, each activation, an overflowing
// dynamic scaler and the fp32 shadow. What a run is reduced to (`digest`) is everything
// it reports that the refactor must not change: losses, scales, overflow steps, grad
// norms, the first non-finite events, the scaler state, the statistics, the memory
// ledger, the shadow's and the fp8 report's numbers and the final weights, each as exact
// bits (hashes for the long ones).
//   record:  node --import ./test/setup/register.mjs test/engine/model/recordMlpRuns.ts
import { createHash } from "node:crypto";
import type { RunResult } from "../../../engine/train/runResult.js";

const base = {
  model: { inputs: 6, hidden: [16, 12], outputs: 3, activation: "relu", seed: 3 },
  data: { type: "teacher", inputs: 6, outputs: 3, samples: 192, seed: 4 },
  steps: 16, batchSize: 24, chunkSize: 5, statsInterval: 4,
  optimizer: { type: "sgd", lr: 0.05, momentum: 0.9 },
};
const withModel = (m: Record<string, unknown>) => ({ model: { ...base.model, ...m } });

export interface MlpRunCase {
  name: string;
  config: Record<string, unknown>;
  /** also recorded on WebGPU (SwiftShader is slow: the smaller cases) */
  webgpu?: boolean;
}

export const MLP_RUN_CASES: MlpRunCase[] = [
  { name: "fp32 sgd momentum relu", config: { precision: "fp32", scaler: { type: "none" } }, webgpu: true },
  { name: "fp32 adamw tanh, single layer", config: { precision: "fp32", scaler: { type: "none" }, optimizer: { type: "adam", lr: 0.01, weightDecay: 0.01 }, ...withModel({ hidden: [], activation: "tanh" }) } },
  { name: "fp16 static 1024 adam tanh", config: { precision: "fp16", scaler: { type: "static", scale: 1024 }, optimizer: { type: "adam", lr: 0.01 }, ...withModel({ activation: "tanh" }) }, webgpu: true },
  { name: "fp16 static 2^40 sigmoid (every step overflows)", config: { precision: "fp16", scaler: { type: "static", scale: 2 ** 40 }, ...withModel({ activation: "sigmoid" }) } },
  { name: "mixed-fp16 pytorch adam gelu, 2 micro-batches", config: { precision: "mixed-fp16", scaler: { type: "dynamic", preset: "pytorch" }, optimizer: { type: "adam", lr: 0.01 }, accumulationSteps: 2, ...withModel({ activation: "gelu" }) }, webgpu: true },
  { name: "mixed-fp16 overflowing dynamic scaler (2^24, growth every 3) relu", config: { precision: "mixed-fp16", scaler: { type: "dynamic", preset: "pytorch", initScale: 2 ** 24, growthInterval: 3 } }, webgpu: true },
  { name: "mixed-fp16 deepspeed zeroStage 1 sgd weight decay linear", config: { precision: "mixed-fp16", scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 1, initScale: 2 ** 18, growthInterval: 2 }, optimizer: { type: "sgd", lr: 0.05, weightDecay: 0.01 }, ...withModel({ activation: "linear" }) } },
  { name: "mixed-bf16 sgd sigmoid, 3 micro-batches", config: { precision: "mixed-bf16", scaler: { type: "none" }, accumulationSteps: 3, ...withModel({ activation: "sigmoid" }) }, webgpu: true },
  { name: "mixed-fp16 gelu with the fp32 shadow", config: { precision: "mixed-fp16", shadow: true, ...withModel({ activation: "gelu" }) }, webgpu: true },
  { name: "mixed-fp8 delayed hybrid relu", config: { precision: "mixed-fp8", fp8: { recipe: "delayed", amaxHistoryLen: 4 } }, webgpu: true },
  { name: "mixed-fp8 current e4m3 adam gelu", config: { precision: "mixed-fp8", fp8: { recipe: "current", format: "e4m3" }, optimizer: { type: "adam", lr: 0.01 }, ...withModel({ activation: "gelu" }) } },
  { name: "mixed-fp8 block, 2 micro-batches, shadow", config: { precision: "mixed-fp8", fp8: { recipe: "block" }, accumulationSteps: 2, shadow: true } },
  { name: "mixed-fp8 delayed margin 1 no saturation, static scale", config: { precision: "mixed-fp8", fp8: { recipe: "delayed", margin: 1, saturate: false, amaxComputeAlgo: "most_recent" }, scaler: { type: "static", scale: 8 }, ...withModel({ activation: "tanh" }) } },
  {
    // wide enough that the wasm backend splits its GEMMs over two threads (M·N·K >= 2^20)
    name: "mixed-fp16 wide relu (two-thread GEMMs on wasm)",
    config: { precision: "mixed-fp16", steps: 8, batchSize: 128, chunkSize: 4, statsInterval: 3, data: { ...base.data, inputs: 32, outputs: 4, samples: 512 }, ...withModel({ inputs: 32, hidden: [128, 128], outputs: 4 }), optimizer: { type: "adam", lr: 0.003 } },
  },
];

export const runConfig = (c: MlpRunCase) => ({ ...base, ...c.config });

/** The inputs predict() is checked on, with each trained model. */
export const PREDICT_ROWS = 5;

const sha = (values: ArrayLike<number>) => {
  const f = Float64Array.from(values as ArrayLike<number>);
  return createHash("sha256").update(new Uint8Array(f.buffer)).digest("hex").slice(0, 24);
};
/** exact numbers: JSON keeps every finite double; non-finite ones as strings */
const exact = (xs: readonly number[]) => xs.map((x) => (Number.isFinite(x) ? x : String(x)));

export interface RunDigest {
  status: string;
  steps: number;
  losses: (number | string)[];
  scales: (number | string)[];
  overflowSteps: number[];
  skippedSteps: number;
  gradNorms: (number | string)[];
  firstNonFinite: { step: number; layer: number; tensor: string }[];
  statsSteps: number[];
  scalerState: unknown;
  memory: unknown;
  weights: string;
  stats: string;
  shadow?: string;
  fp8?: string;
  predict?: string;
}

export function digest(r: RunResult, predicted?: number[][]): RunDigest {
  const stats = r.layers.flatMap((L) =>
    (["weights", "activations", "activationGrads", "weightGrads"] as const).flatMap((role) => {
      const t = L.tensors[role];
      return [t.count, t.zero, t.subnormal, t.underflow, t.overflow, t.nan, t.inf, t.minAbs ?? -1, t.maxAbs ?? -1, ...t.histogram.counts];
    }),
  );
  const d: RunDigest = {
    status: r.status,
    steps: r.steps,
    losses: exact(r.losses),
    scales: exact(r.scales),
    overflowSteps: r.overflowSteps,
    skippedSteps: r.skippedSteps,
    gradNorms: exact(r.gradNorms),
    firstNonFinite: r.firstNonFinite.map((e) => ({ step: e.step, layer: e.layer, tensor: e.tensor })),
    statsSteps: r.statsSteps,
    scalerState: r.scalerState,
    memory: r.memory,
    weights: sha(r.model.weights.flatMap((l) => [...l.weight, ...l.bias])),
    stats: sha(stats),
  };
  if (r.shadow) {
    const s = r.shadow;
    d.shadow = sha([...s.steps, ...s.outputError, ...s.layers.flatMap((l) => [l.layer, ...l.activationErrors, ...l.activationGradErrors, ...l.gradientErrors]),
      ...s.reference.flatMap((L) => Object.values(L.tensors).flatMap((t) => [t.count, t.zero, t.underflow, t.minAbs ?? -1, t.maxAbs ?? -1, ...t.histogram.counts]))]);
  }
  if (r.fp8) d.fp8 = sha(r.fp8.tensors.flatMap((t) => [t.layer, ["weights", "inputs", "grads"].indexOf(t.role), ...t.scales, ...t.amax, ...t.saturated, ...t.flushed, ...t.history]));
  if (predicted) d.predict = sha(predicted.flat());
  return d;
}

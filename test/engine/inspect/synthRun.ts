// Hand-built RunResults for the inspect/compare tests: every statistic is chosen
// by the test, so the expected advice can be worked out by hand.
import { HIST_BINS, HIST_MIN_EXP } from "../../../engine/backend/backend.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import type { LayerStats, RunResult, TensorRole, TensorStats } from "../../../engine/train/runResult.js";

export interface StatsSpec {
  count?: number;
  zero?: number;
  underflow?: number;
  overflow?: number;
  minAbs?: number | null;
  maxAbs?: number | null;
  /** exponent bin -> number of values */
  bins?: Record<number, number>;
}

export function stats(dtype: TensorStats["dtype"], s: StatsSpec = {}): TensorStats {
  const counts = new Array(HIST_BINS).fill(0);
  for (const [e, n] of Object.entries(s.bins ?? {})) counts[Number(e) - HIST_MIN_EXP] = n;
  const count = s.count ?? (Object.values(s.bins ?? {}).reduce((a, b) => a + b, 0) || 100);
  return {
    dtype, count, zero: s.zero ?? 0, subnormal: 0, underflow: s.underflow ?? 0, overflow: s.overflow ?? 0, nan: 0, inf: 0,
    minAbs: s.minAbs ?? null, maxAbs: s.maxAbs ?? null, histogram: { minExp: HIST_MIN_EXP, counts },
  };
}

export interface SynthSpec {
  precision?: RunResult["precision"];
  scaler?: unknown;
  optimizer?: unknown;
  name?: string;
  losses?: number[];
  scales?: number[];
  statsSteps?: number[];
  overflowSteps?: number[];
  layers: Partial<Record<TensorRole, TensorStats>>[];
}

export function synthRun(s: SynthSpec): RunResult {
  const precision = s.precision ?? "mixed-fp16";
  const steps = s.losses?.length ?? s.scales?.length ?? 10;
  const config = parseTrainConfig({
    model: { inputs: 2, hidden: [2], outputs: 1 },
    data: { type: "teacher", inputs: 2, outputs: 1, samples: 4 },
    steps, batchSize: 2, precision,
    ...(s.scaler ? { scaler: s.scaler } : {}),
    ...(s.optimizer ? { optimizer: s.optimizer } : {}),
  });
  const dt: TensorStats["dtype"] = precision === "fp32" ? "f32" : precision === "mixed-bf16" ? "bf16" : "f16";
  const layers: LayerStats[] = s.layers.map((t, l) => ({
    layer: l + 1, name: `layer ${l + 1}`, inputs: 2, outputs: 2, activation: "relu",
    tensors: {
      weights: t.weights ?? stats(dt), activations: t.activations ?? stats(dt),
      activationGrads: t.activationGrads ?? stats(dt), weightGrads: t.weightGrads ?? stats(dt),
    },
  }));
  const overflowSteps = s.overflowSteps ?? [];
  const losses = s.losses ?? Array.from({ length: steps }, (_, i) => 1 / (i + 1));
  return {
    kind: "mplab.run", version: 1, ...(s.name ? { name: s.name } : {}), config,
    backend: { name: "cpu", adapter: "test", fp16: "software" },
    precision, status: "completed", steps, losses,
    scales: s.scales ?? new Array(steps).fill(1),
    overflowSteps, skippedSteps: overflowSteps.length, firstNonFinite: overflowSteps.map((step) => ({ step, layer: 1, tensor: "weight gradients" })),
    finalLoss: losses[losses.length - 1], gradNorms: new Array(steps).fill(1),
    statsSteps: s.statsSteps ?? [0, steps - 1], layers,
    memory: { masterWeightsBytes: 0, weightsBytes: 0, activationsBytes: 0, gradientsBytes: 0, optimizerBytes: 0, totalBytes: 0 },
    timings: { totalMs: 0, stepsPerSecond: 0, setupMs: 0 },
    scalerState: { scale: 1, counter: 0, hysteresisLeft: 1, iteration: 0, lastOverflow: -1, halted: 0 },
    model: { ...config.model, weights: [], precision },
  };
}

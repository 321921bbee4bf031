// RunResult: what a training run reports. Plain data (JSON-safe apart from
// Infinity/NaN in a few statistics, which the protocol encodes): it crosses the
// webview boundary, is stored in notebook outputs and rendered by the renderer.
import type { BackendInfo, ScalerState } from "../backend/backend.js";
import type { LayerWeights, MlpSpec, Precision, TrainConfig } from "../config/schema.js";
import type { Fp8Report } from "./fp8Casts.js";

export const RUN_RESULT_MIME = "application/vnd.mplab.run+json";

export type TensorRole = "weights" | "activations" | "activationGrads" | "weightGrads";
export const TENSOR_ROLES: readonly TensorRole[] = ["weights", "activations", "activationGrads", "weightGrads"];

/** Statistics of one tensor over the observed steps. Fractions are of `count`. */
export interface TensorStats {
  /** dtype the tensor is stored in under this run's policy */
  dtype: "f32" | "f16" | "bf16";
  /** number of values observed (over all observed steps) */
  count: number;
  zero: number;
  subnormal: number;
  /** share of values that were nonzero before their cast and zero after */
  underflow: number;
  /** share of values that were finite before their cast and ±Inf after */
  overflow: number;
  nan: number;
  inf: number;
  /** smallest nonzero and largest finite magnitude; null when there was none */
  minAbs: number | null;
  maxAbs: number | null;
  /** counts of floor(log2|x|) for finite nonzero x, from minExp upwards; the end bins are clamped */
  histogram: { minExp: number; counts: number[] };
}

export interface LayerStats {
  /** 1-based, as users count layers: "layer 1" is the first Linear */
  layer: number;
  name: string;
  inputs: number;
  outputs: number;
  activation: string;
  tensors: Record<TensorRole, TensorStats>;
}

export interface NonFiniteEvent {
  step: number;
  /** 1-based layer, 0 for the loss */
  layer: number;
  tensor: string;
}

export interface MemoryLedger {
  masterWeightsBytes: number;
  weightsBytes: number;
  activationsBytes: number;
  gradientsBytes: number;
  optimizerBytes: number;
  totalBytes: number;
}

/** A trained model: plain data, usable by predict() and as `model` of a further train(). */
export interface TrainedModel extends MlpSpec {
  weights: LayerWeights[];
  precision: Precision;
}

/** The fp32 shadow's verdict (see engine/train/shadow.ts for what is compared). */
export interface ShadowReport {
  /** per observed step: relative L2 error of the final output against the fp32 shadow */
  steps: number[];
  outputError: number[];
  /**
   * per layer, mean over observed steps (finite ones) of the relative L2 error of the
   * activations (pre-activation z), the gradient at z (unscaled) and the weight gradients
   * (unscaled fp32); and the same per observed step (Infinity where the mixed tensor was non-finite)
   */
  layers: {
    layer: number;
    activationError: number;
    activationGradError: number;
    gradientError: number;
    activationErrors: number[];
    activationGradErrors: number[];
    gradientErrors: number[];
  }[];
  /** the shadow's own tensor statistics: fp32, unscaled (the true magnitudes the mixed run rounded) */
  reference: LayerStats[];
}

export interface RunResult {
  kind: "mplab.run";
  version: 1;
  name?: string;
  config: TrainConfig;
  backend: BackendInfo;
  precision: Precision;
  status: "completed" | "cancelled" | "error";
  error?: string;
  /** steps run (may be fewer than config.steps when cancelled or stopped by an error) */
  steps: number;
  losses: number[];
  /** the loss scale used at each step */
  scales: number[];
  /** 0-based indices of steps with a non-finite gradient (all skipped) */
  overflowSteps: number[];
  skippedSteps: number;
  firstNonFinite: NonFiniteEvent[];
  finalLoss: number | null;
  gradNorms: number[];
  /** steps at which tensor statistics were observed */
  statsSteps: number[];
  layers: LayerStats[];
  memory: MemoryLedger;
  timings: { totalMs: number; stepsPerSecond: number; setupMs: number };
  scalerState: ScalerState;
  model: TrainedModel;
  shadow?: ShadowReport;
  /** mixed-fp8 only: the recipe and, per fp8 tensor, its scales, amax and saturated / flushed shares */
  fp8?: Fp8Report;
}

/** Progress event sent after each chunk of steps. */
export interface RunProgress {
  /** steps finished so far, of `totalSteps` */
  step: number;
  totalSteps: number;
  /** records of the steps of this chunk only */
  losses: number[];
  scales: number[];
  gradNorms: number[];
  overflowSteps: number[];
  elapsedMs: number;
}

// RunResult: what a training run reports, and RunProgress / LiveRun: what it reports
// while it runs. Plain data: it crosses the webview boundary (engine/protocol.ts), is
// stored in notebook outputs and drawn by the renderer. Each payload is one zod schema,
// its type inferred from it, its MIME type beside it; every side imports these.
// NaN/±Infinity (in a few statistics) travel through engine/payload/nonFinite.ts.
import { z } from "zod";
import type { BackendInfo, ScalerState } from "../backend/backend.js";
import { layerWeightsSchema, mlpSpecSchema, normalizeSpecSchema, precisionSchema, trainConfigSchema } from "../config/schema.js";
import { dataReportSchema } from "../data/dataReport.js";
import { anyNumber, int } from "../payload/nonFinite.js";
import { fp8ReportSchema } from "./fp8Report.js";

export const RUN_RESULT_MIME = "application/vnd.mplab.run+json";
/**
 * A run in progress, as the kernel re-sends it at the live-update interval (a notebook
 * output is replaced whole): the series so far. The renderer appends only the new steps
 * to its charts; the cell's RunResult replaces it when the run ends.
 */
export const LIVE_RUN_MIME = "application/vnd.mplab.live+json";

export const tensorRoleSchema = z.enum(["weights", "activations", "activationGrads", "weightGrads"]);
export type TensorRole = z.infer<typeof tensorRoleSchema>;
export const TENSOR_ROLES: readonly TensorRole[] = tensorRoleSchema.options;

/** Statistics of one tensor over the observed steps. Fractions are of `count`. */
export const tensorStatsSchema = z.object({
  /** dtype the tensor is stored in under this run's policy */
  dtype: z.enum(["f32", "f16", "bf16"]),
  /** number of values observed (over all observed steps) */
  count: anyNumber,
  zero: anyNumber,
  subnormal: anyNumber,
  /** share of values that were nonzero before their cast and zero after */
  underflow: anyNumber,
  /** share of values that were finite before their cast and ±Inf after */
  overflow: anyNumber,
  nan: anyNumber,
  inf: anyNumber,
  /** smallest nonzero and largest finite magnitude; null when there was none */
  minAbs: anyNumber.nullable(),
  maxAbs: anyNumber.nullable(),
  /** counts of floor(log2|x|) for finite nonzero x, from minExp upwards; the end bins are clamped */
  histogram: z.object({ minExp: int, counts: z.array(anyNumber) }),
});
export type TensorStats = z.infer<typeof tensorStatsSchema>;

export const layerStatsSchema = z.object({
  /** 1-based, as users count layers: "layer 1" is the first Linear */
  layer: int,
  name: z.string(),
  inputs: int,
  outputs: int,
  activation: z.string(),
  tensors: z.object({ weights: tensorStatsSchema, activations: tensorStatsSchema, activationGrads: tensorStatsSchema, weightGrads: tensorStatsSchema }),
});
export type LayerStats = z.infer<typeof layerStatsSchema>;

export const nonFiniteEventSchema = z.object({
  step: int,
  /** 1-based layer, 0 for the loss */
  layer: int,
  tensor: z.string(),
});
export type NonFiniteEvent = z.infer<typeof nonFiniteEventSchema>;

export const memoryLedgerSchema = z.object({
  masterWeightsBytes: anyNumber,
  weightsBytes: anyNumber,
  activationsBytes: anyNumber,
  gradientsBytes: anyNumber,
  optimizerBytes: anyNumber,
  totalBytes: anyNumber,
});
export type MemoryLedger = z.infer<typeof memoryLedgerSchema>;

/** A trained model: plain data, usable by predict() and as `model` of a further train(). */
export const trainedModelSchema = mlpSpecSchema.extend({
  weights: z.array(layerWeightsSchema),
  precision: precisionSchema,
});
export type TrainedModel = z.infer<typeof trainedModelSchema>;

export const backendInfoSchema = z.object({
  name: z.enum(["cpu", "webgpu", "wasm"]),
  adapter: z.string(),
  fp16: z.enum(["software", "native", "emulated"]),
  note: z.string().optional(),
  fallbackAdapter: z.boolean().optional(),
});

export const scalerStateSchema = z.object({
  scale: anyNumber, counter: anyNumber, hysteresisLeft: anyNumber, iteration: anyNumber, lastOverflow: anyNumber, halted: anyNumber,
});

/** The fp32 shadow's verdict (see engine/train/shadow.ts for what is compared). */
export const shadowReportSchema = z.object({
  /** per observed step: relative L2 error of the final output against the fp32 shadow */
  steps: z.array(int),
  outputError: z.array(anyNumber),
  /**
   * per layer, mean over observed steps (finite ones) of the relative L2 error of the
   * activations (pre-activation z), the gradient at z (unscaled) and the weight gradients
   * (unscaled fp32); and the same per observed step (Infinity where the mixed tensor was non-finite)
   */
  layers: z.array(
    z.object({
      layer: int,
      activationError: anyNumber,
      activationGradError: anyNumber,
      gradientError: anyNumber,
      activationErrors: z.array(anyNumber),
      activationGradErrors: z.array(anyNumber),
      gradientErrors: z.array(anyNumber),
    }),
  ),
  /** the shadow's own tensor statistics: fp32, unscaled (the true magnitudes the mixed run rounded) */
  reference: z.array(layerStatsSchema),
});
export type ShadowReport = z.infer<typeof shadowReportSchema>;

/**
 * A run's config as RunResult keeps it: inline `arrays` data is summarised (no rows, their
 * count in `samples`: run.ts's summariseData), which the input schema would refuse.
 */
export const runConfigSchema = trainConfigSchema.extend({
  data: z.union([
    z.object({ type: z.literal("arrays"), xs: z.array(z.array(anyNumber)).max(0), ys: z.array(z.array(anyNumber)).max(0), samples: int, normalize: normalizeSpecSchema.optional() }),
    trainConfigSchema.shape.data,
  ]),
});

export const runResultSchema = z.object({
  kind: z.literal("mplab.run"),
  version: z.literal(1),
  name: z.string().optional(),
  config: runConfigSchema,
  backend: backendInfoSchema,
  precision: precisionSchema,
  status: z.enum(["completed", "cancelled", "error"]),
  error: z.string().optional(),
  /** steps run (may be fewer than config.steps when cancelled or stopped by an error) */
  steps: int.min(0),
  losses: z.array(anyNumber),
  /** the loss scale used at each step */
  scales: z.array(anyNumber),
  /** 0-based indices of steps with a non-finite gradient (all skipped) */
  overflowSteps: z.array(int),
  skippedSteps: int.min(0),
  firstNonFinite: z.array(nonFiniteEventSchema),
  finalLoss: anyNumber.nullable(),
  gradNorms: z.array(anyNumber),
  /** steps at which tensor statistics were observed */
  statsSteps: z.array(int),
  layers: z.array(layerStatsSchema),
  memory: memoryLedgerSchema,
  timings: z.object({ totalMs: anyNumber, stepsPerSecond: anyNumber, setupMs: anyNumber }),
  scalerState: scalerStateSchema,
  model: trainedModelSchema,
  /** each input and target column: original units, normalisation, what the policy's cast does to it (absent in results made before it existed) */
  data: dataReportSchema.optional(),
  shadow: shadowReportSchema.optional(),
  /** mixed-fp8 only: the recipe and, per fp8 tensor, its scales, amax and saturated / flushed shares */
  fp8: fp8ReportSchema.optional(),
});
export type RunResult = z.infer<typeof runResultSchema>;

/** Progress event sent after each chunk of steps. */
export const runProgressSchema = z.object({
  /** steps finished so far, of `totalSteps` */
  step: int.min(0),
  totalSteps: int.min(0),
  /** records of the steps of this chunk only */
  losses: z.array(anyNumber),
  scales: z.array(anyNumber),
  gradNorms: z.array(anyNumber),
  /** 0-based indices (in the whole run) of this chunk's overflow steps */
  overflowSteps: z.array(int),
  elapsedMs: anyNumber,
});
export type RunProgress = z.infer<typeof runProgressSchema>;

/** A run in progress as a notebook output: RunProgress's fields, but the series hold every step so far. */
export const liveRunSchema = runProgressSchema.extend({
  kind: z.literal("mplab.live"),
  version: z.literal(1),
  name: z.string(),
});
export type LiveRun = z.infer<typeof liveRunSchema>;

// The backend's own types and these schemas describe the same objects: checked here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameBackend: Same<z.infer<typeof backendInfoSchema>, BackendInfo> = true;
const sameScaler: Same<z.infer<typeof scalerStateSchema>, ScalerState> = true;
void sameBackend, void sameScaler;

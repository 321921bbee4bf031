// PrecisionReport: what inspect(run) says about a run's precision. One zod schema, its
// type inferred, its MIME type beside it: drawn by the notebook renderer, printed by
// formatReport. A tensor row is an object of its own (tensorReportSchema) so more
// per-tensor data (another format's range, say) is one optional field more.
import { z } from "zod";
import { precisionSchema, scalerSpecSchema } from "../config/schema.js";
import { anyNumber, int } from "../payload/nonFinite.js";
import { tensorRoleSchema } from "../train/runResult.js";
import { fp8InspectionSchema } from "./fp8Inspection.js";

export const PRECISION_REPORT_MIME = "application/vnd.mplab.report+json";

/** A range of loss scales, as powers of two (both ends included). */
export const scaleWindowSchema = z.object({
  /** smallest scale that lifts the smallest magnitude to >= 2^-24 */
  min: anyNumber,
  /** largest scale that keeps the largest magnitude × headroom <= 65504 */
  max: anyNumber,
});
export type ScaleWindow = z.infer<typeof scaleWindowSchema>;

export const tensorReportSchema = z.object({
  layer: int,
  layerName: z.string(),
  role: tensorRoleSchema,
  /** dtype the run stored it in */
  dtype: z.enum(["f32", "f16", "bf16"]),
  /** gradients carry the loss scale; weights and activations do not */
  scaled: z.boolean(),
  /** loss scales at the observed steps (1 for unscaled tensors) */
  scaleUsed: z.object({ min: anyNumber, max: anyNumber }),
  /** shares of observed values (0..1) */
  zero: anyNumber,
  subnormal: anyNumber,
  /** outside the fp16 range at the scale used: observed by the cast (f16/bf16), or, for f32
   * tensors, values that would flush to zero (|x| < 2^-25) or overflow (|x| >= 65520) in fp16 */
  underflow: anyNumber,
  overflow: anyNumber,
  nonFinite: anyNumber,
  /** magnitudes without the loss scale; bounds when the scale changed between observed steps */
  smallest: anyNumber.nullable(),
  largest: anyNumber.nullable(),
  /** values underflowed: the true smallest magnitude is below `smallest` */
  smallestUnknown: z.boolean(),
  /** for scaled tensors: the loss scales that keep this tensor inside fp16 (for weight gradients, also
   * the layer's bias gradient, bounded by batchSize × the largest gradient at z); null when nothing observed */
  window: scaleWindowSchema.nullable(),
  /** like `window`, but the bottom keeps all but 0.1% of the nonzero values (from the exponent
   * histogram): one extreme value does not decide it. "use bf16" is advised when this is empty */
  coreWindow: scaleWindowSchema.nullable(),
  /** weights/activations: whether they fit fp16 as they are (no scale applies to them; no Inf/NaN) */
  fitsFp16: z.boolean(),
  /**
   * where its Inf/NaN values came from (null: none): "cast", its own cast overflowed (the
   * value was finite in fp32); "input", what it was computed from was non-finite already
   * (for layer 1's activations: the data, at its cast; else the layer below)
   */
  nonFiniteFrom: z.enum(["cast", "input"]).nullable().optional(),
});
export type TensorReport = z.infer<typeof tensorReportSchema>;

/** A data column the run's cast breaks (engine/inspect/dataFindings.ts). */
export const dataVerdictSchema = z.object({
  side: z.enum(["inputs", "targets"]),
  name: z.string(),
  /** original units */
  min: anyNumber,
  max: anyNumber,
  /** the largest magnitude as the model sees it (after normalisation) */
  largest: anyNumber,
  /** the format it was judged against (an fp32 run: fp16) */
  format: z.enum(["fp16", "bf16", "e4m3"]),
  /** overflow: beyond the format's range; underflow: nonzero values become 0; flush: fp8 E4M3 flushes them
   * beside a larger column; large: fits, but far from unit scale */
  problem: z.enum(["overflow", "underflow", "flush", "large"]),
  /** share of the column's values concerned (0 for "large") */
  share: anyNumber,
});
export type DataVerdict = z.infer<typeof dataVerdictSchema>;

export const masterWeightsLayerSchema = z.object({
  layer: int,
  /** typical |weight| and typical |update| (see masterWeights.ts for the estimate) */
  typicalWeight: anyNumber,
  typicalUpdate: anyNumber,
  /** share of weights more than 2^11 times their update: an fp16 weight would not change */
  lostShare: anyNumber,
});
export type MasterWeightsLayer = z.infer<typeof masterWeightsLayerSchema>;

export const scalerAdviceSchema = z.object({
  /** the scaler spec to use (what a quick fix writes into a config) */
  spec: scalerSpecSchema,
  reason: z.string(),
});
export type ScalerAdvice = z.infer<typeof scalerAdviceSchema>;

export const precisionReportSchema = z.object({
  kind: z.literal("mplab.report"),
  version: z.literal(1),
  name: z.string().optional(),
  precision: precisionSchema,
  scaler: z.string(),
  steps: int,
  skippedSteps: int,
  /** factor kept free below 65504 when choosing a scale */
  headroom: anyNumber,
  tensors: z.array(tensorReportSchema),
  /** scales that keep every gradient tensor inside fp16; null when none does (or nothing observed) */
  scaleWindow: scaleWindowSchema.nullable(),
  /** scales that keep all but 0.1% of each gradient tensor's smallest values and all its largest; null when none */
  coreScaleWindow: scaleWindowSchema.nullable(),
  useBf16: z.object({ advised: z.boolean(), why: z.array(z.string()) }),
  masterWeights: z.object({ needed: z.boolean(), layers: z.array(masterWeightsLayerSchema), how: z.string() }),
  recommendation: scalerAdviceSchema,
  /** ranked: the root cause first; consequences of one cause are folded into it */
  findings: z.array(z.string()),
  /** the data columns the cast breaks, or that are far from unit scale (absent: results without data statistics) */
  data: z.array(dataVerdictSchema).optional(),
  /**
   * what everything else follows from, when one thing does: the data at its cast, an overflow in
   * the forward pass (no loss scale reaches it), or a loss scale too large on every observed step
   */
  rootCause: z.object({ kind: z.enum(["data", "forward", "scale"]), finding: z.string() }).nullable().optional(),
  /** whether the gradient statistics measure this model's gradients (not so when the forward pass
   * overflowed or every observed step overflowed: then no scale window is drawn from them) */
  gradientsAreEvidence: z.boolean().optional(),
  /** mixed-fp8 runs: each fp8 tensor's scales and losses, the one that hurts, what to change (fp8Inspect.ts) */
  fp8: fp8InspectionSchema.optional(),
});
export type PrecisionReport = z.infer<typeof precisionReportSchema>;

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
  /** weights/activations: whether they fit fp16 as they are (no scale applies to them) */
  fitsFp16: z.boolean(),
});
export type TensorReport = z.infer<typeof tensorReportSchema>;

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
  findings: z.array(z.string()),
  /** mixed-fp8 runs: each fp8 tensor's scales and losses, the one that hurts, what to change (fp8Inspect.ts) */
  fp8: fp8InspectionSchema.optional(),
});
export type PrecisionReport = z.infer<typeof precisionReportSchema>;

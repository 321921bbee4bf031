// Comparison: what compare(...runs) returns (engine/inspect/compare.ts makes it). One
// zod schema, its type inferred, its MIME type beside it; the renderer draws it.
import { z } from "zod";
import { precisionSchema } from "../config/schema.js";
import { anyNumber, int } from "../payload/nonFinite.js";
import { runResultSchema } from "../train/runResult.js";

export const COMPARISON_MIME = "application/vnd.mplab.compare+json";

export const comparedRunSchema = z.object({
  label: z.string(),
  precision: precisionSchema,
  scaler: z.string(),
  status: runResultSchema.shape.status,
  steps: int,
  finalLoss: anyNumber.nullable(),
  skippedSteps: int,
  /** count-weighted share over layers of gradient values that underflowed to zero in their cast */
  underflow: z.object({ activationGrads: anyNumber, weightGrads: anyNumber }),
  /** the first step of each bucket (every step when the run is short), its mean loss (null when no
   * finite loss), and its smallest scale (so backoffs stay visible) */
  series: z.object({ steps: z.array(int), losses: z.array(anyNumber.nullable()), scales: z.array(anyNumber) }),
  /** overflowing steps, counted per bucket: the bucket's first step and how many overflowed in it */
  overflow: z.array(z.object({ step: int, count: int })),
  /** mixed-fp8 runs: the fp8 recipe, and the mean shares (over fp8 tensors and observed steps) their casts
   * saturated and flushed to zero, the activation gradients' flushed share apart */
  fp8: z.object({ recipe: z.string(), format: z.string(), saturated: anyNumber, flushed: anyNumber, gradientsFlushed: anyNumber }).optional(),
});
export type ComparedRun = z.infer<typeof comparedRunSchema>;

export const runDifferenceSchema = z.object({
  label: z.string(),
  /** final loss / the reference's final loss (null when either is missing) */
  finalLossRatio: anyNumber.nullable(),
  skippedSteps: int,
  /** skipped steps beyond the reference's */
  extraSkippedSteps: int,
  activationGradUnderflow: anyNumber,
  weightGradUnderflow: anyNumber,
});
export type RunDifference = z.infer<typeof runDifferenceSchema>;

export const comparisonSchema = z.object({
  kind: z.literal("mplab.compare"),
  version: z.literal(1),
  /** index into runs of the reference, null when there is none */
  reference: int.nullable(),
  runs: z.array(comparedRunSchema).min(1),
  /** one row per run other than the reference; empty without a reference */
  differences: z.array(runDifferenceSchema),
});
export type Comparison = z.infer<typeof comparisonSchema>;

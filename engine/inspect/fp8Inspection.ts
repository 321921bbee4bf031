// PrecisionReport.fp8, inspect(run)'s fp8 part (fp8Inspect.ts computes it): one zod
// schema, the types inferred from it (the report's schema in report.ts embeds it).
import { z } from "zod";
import { anyNumber, int } from "../payload/nonFinite.js";
import { fp8FormatSchema, fp8ReportSchema, fp8RoleSchema } from "../train/fp8Report.js";

export const fp8TensorReportSchema = z.object({
  layer: int,
  role: fp8RoleSchema,
  format: fp8FormatSchema,
  scale: z.object({ min: anyNumber, max: anyNumber, last: anyNumber }),
  /** over the observed steps: the largest and the mean share saturated / flushed to zero */
  saturatedMax: anyNumber,
  saturatedMean: anyNumber,
  flushedMax: anyNumber,
  flushedMean: anyNumber,
  /** steps whose cast met an amax beyond what its scale allowed (the first few listed) */
  lateSteps: int,
  lateAt: z.array(int),
  /** largest amax / (what the scale allowed) at a late step: the margin that covers it is ceil(log2) */
  worstJump: anyNumber,
  /** steps with a non-finite amax */
  nonFiniteSteps: int,
  /** how much this tensor hurts: mean saturated + mean flushed share, plus late steps' share of the run */
  hurt: anyNumber,
});
export type Fp8TensorReport = z.infer<typeof fp8TensorReportSchema>;

export const fp8InspectionSchema = z.object({
  recipe: fp8ReportSchema.shape.recipe,
  formats: fp8ReportSchema.shape.formats,
  /** how the matmuls ran (fp8 inputs, fp32 accumulation, bf16 outputs) */
  matmul: z.string(),
  tensors: z.array(fp8TensorReportSchema),
  /** "layer L role" of the tensor that hurts most, or null when none hurts */
  worst: z.string().nullable(),
  /** what to change, each with its reason */
  advice: z.array(z.object({ change: z.record(z.string(), z.unknown()), reason: z.string() })),
  findings: z.array(z.string()),
});
export type Fp8Inspection = z.infer<typeof fp8InspectionSchema>;

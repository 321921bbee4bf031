// RunResult.fp8, the fp8 part of a mixed-fp8 run's result: one zod schema, the types
// inferred from it (the run result's schema in runResult.ts embeds it).
import { z } from "zod";
import { fp8RecipeSchema } from "../config/schema.js";
import { anyNumber, int } from "../payload/nonFinite.js";

export const FP8_ROLES = ["weights", "inputs", "grads"] as const;
export const fp8RoleSchema = z.enum(FP8_ROLES);
export type Fp8Role = z.infer<typeof fp8RoleSchema>;
export const fp8FormatSchema = z.enum(["e4m3", "e5m2"]);

/** What a run reports of one fp8 tensor. */
export const fp8TensorTraceSchema = z.object({
  /** 1-based layer */
  layer: int,
  role: fp8RoleSchema,
  format: fp8FormatSchema,
  /** per step: the scale its cast used, and its amax in that step (NaN / Inf where it had such values) */
  scales: z.array(anyNumber),
  amax: z.array(anyNumber),
  /** per observed step (RunResult.statsSteps): share of its values saturated, and of nonzero values flushed to zero */
  saturated: z.array(anyNumber),
  flushed: z.array(anyNumber),
  /** delayed scaling: the amax history window at the end of the run, oldest first (empty otherwise) */
  history: z.array(anyNumber),
});
export type Fp8TensorTrace = z.infer<typeof fp8TensorTraceSchema>;

/** RunResult.fp8: what a mixed-fp8 run used and saw. */
export const fp8ReportSchema = z.object({
  recipe: fp8RecipeSchema,
  formats: z.object({ forward: fp8FormatSchema, backward: fp8FormatSchema }),
  /** how the matmuls ran: fp8 inputs, fp32 accumulation, outputs stored in bf16 */
  accumulate: z.literal("f32"),
  matmulOutputs: z.literal("bf16"),
  tensors: z.array(fp8TensorTraceSchema),
});
export type Fp8Report = z.infer<typeof fp8ReportSchema>;

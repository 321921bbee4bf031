// RunResult.fp8: what a mixed-fp8 run used and saw (engine/train/fp8Casts.ts fills it).
// One zod schema, its type inferred; amax and scales may be NaN / Inf (the payload codec carries them).
import { z } from "zod";
import { fp8RecipeSchema } from "../config/schema.js";
import { anyNumber, int } from "../payload/nonFinite.js";

export const fp8FormatSchema = z.enum(["e4m3", "e5m2"]);
export const fp8RoleSchema = z.enum(["weights", "inputs", "grads"]);

/** One fp8 tensor of the run: layer l's weights, inputs (activations) or activation gradients. */
export const fp8TensorTraceSchema = z.object({
  /** 1-based layer */
  layer: int,
  role: fp8RoleSchema,
  format: fp8FormatSchema,
  /** per step: the scale its cast used, and its amax in that step (NaN / Inf where it had such values) */
  scales: z.array(anyNumber),
  amax: z.array(anyNumber),
  /** per observed step (RunResult.statsSteps): share of its values saturated, and of its values flushed to zero from nonzero */
  saturated: z.array(anyNumber),
  flushed: z.array(anyNumber),
  /** delayed scaling: the amax history window at the end of the run, oldest first (empty otherwise) */
  history: z.array(anyNumber),
});
export type Fp8TensorTrace = z.infer<typeof fp8TensorTraceSchema>;

export const fp8ReportSchema = z.object({
  recipe: fp8RecipeSchema,
  formats: z.object({ forward: fp8FormatSchema, backward: fp8FormatSchema }),
  /** how the matmuls ran: fp8 inputs, fp32 accumulation, outputs stored in bf16 */
  accumulate: z.literal("f32"),
  matmulOutputs: z.literal("bf16"),
  tensors: z.array(fp8TensorTraceSchema),
});
export type Fp8Report = z.infer<typeof fp8ReportSchema>;

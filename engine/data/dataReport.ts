// RunResult.data: each input and target column, in original units and as the model sees
// it, with what the policy's cast does to it. One zod schema, its type inferred; made by
// prepare.ts, read by inspect() (engine/inspect/dataFindings.ts).
import { z } from "zod";
import { normalizeMethodSchema } from "../config/schema.js";
import { anyNumber, int } from "../payload/nonFinite.js";

/** Shares (0..1) of a column's values that a cast sends to ±Inf, to zero (from nonzero), to a subnormal. */
export const castSharesSchema = z.object({ overflow: anyNumber, underflow: anyNumber, subnormal: anyNumber });

export const dataColumnSchema = z.object({
  /** the CSV header's name, else x[i] / y[i] */
  name: z.string(),
  /** original units: the values as read (fp32), statistics in fp64 */
  min: anyNumber,
  max: anyNumber,
  mean: anyNumber,
  std: anyNumber,
  /** as the model sees them (after normalisation): the smallest nonzero and the largest magnitude */
  smallest: anyNumber.nullable(),
  largest: anyNumber,
  /** what a cast of every value (after normalisation) into each format does */
  fp16: castSharesSchema,
  bf16: castSharesSchema,
  /** fp8 E4M3 with one scale for the whole table (amax -> 448): the share flushed to zero (an upper bound for a batch) */
  e4m3Flushed: anyNumber,
});
export type DataColumn = z.infer<typeof dataColumnSchema>;

export const dataReportSchema = z.object({
  samples: int,
  /**
   * the dtype the run casts its inputs to, which is also the dtype of the output the
   * targets are compared with (f32: no cast; mixed-fp8 casts bf16 inputs to fp8 after)
   */
  dtype: z.enum(["f32", "f16", "bf16"]),
  normalize: z.object({ inputs: normalizeMethodSchema, targets: normalizeMethodSchema }),
  inputs: z.array(dataColumnSchema),
  targets: z.array(dataColumnSchema),
});
export type DataReport = z.infer<typeof dataReportSchema>;

// SweepResult: what sweep(base, grid) returns (engine/inspect/sweep.ts makes it). One
// zod schema, its type inferred, its MIME type beside it; the renderer draws it.
import { z } from "zod";
import { precisionSchema, scalerSpecSchema } from "../config/schema.js";
import { anyNumber, int } from "../payload/nonFinite.js";
import { runResultSchema } from "../train/runResult.js";
import { comparedRunSchema } from "./comparison.js";

export const SWEEP_MIME = "application/vnd.mplab.sweep+json";

export const sweepEntrySchema = z.object({
  /** 1-based; null for configurations that did not finish */
  rank: int.nullable(),
  label: z.string(),
  precision: precisionSchema,
  scaler: scalerSpecSchema,
  status: z.union([runResultSchema.shape.status, z.literal("not run")]),
  finalLoss: anyNumber.nullable(),
  /** final loss / fp32's final loss */
  finalLossRatio: anyNumber.nullable(),
  skippedSteps: int,
  /** count-weighted share of gradient values (activation + weight gradients) that underflowed */
  underflow: anyNumber,
});
export type SweepEntry = z.infer<typeof sweepEntrySchema>;

export const sweepResultSchema = z.object({
  kind: z.literal("mplab.sweep"),
  version: z.literal(1),
  status: z.enum(["completed", "cancelled"]),
  /** the fp32 run the grid is measured against; `added` when it was not part of the grid */
  reference: z.object({ label: z.string(), finalLoss: anyNumber.nullable(), added: z.boolean() }).nullable(),
  ranked: z.array(sweepEntrySchema),
  recommendation: z.object({ label: z.string(), precision: precisionSchema, scaler: scalerSpecSchema, reason: z.string() }).nullable(),
  runs: z.array(comparedRunSchema),
});
export type SweepResult = z.infer<typeof sweepResultSchema>;

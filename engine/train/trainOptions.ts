// train()'s second argument, validated like a config: an unknown key is refused with the
// nearest known one (engine/config/schema.ts's strict objects), each value's kind checked.
import { z } from "zod";
import type { Backend } from "../backend/backend.js";
import { BACKEND_CHOICES, type BackendChoice } from "../backend/choose.js";
import { precisionSchema, strict } from "../config/schema.js";
import { parseSpec } from "../config/validate.js";
import type { RunProgress } from "./runResult.js";

const isBackend = (v: unknown): v is Backend =>
  typeof v === "object" && v !== null && typeof (v as Backend).tensor === "function" && typeof (v as Backend).info === "object";

const BACKEND_WORDS = `backend must be one of ${BACKEND_CHOICES.map((c) => JSON.stringify(c)).join(", ")} or a Backend object`;

const backendSchema = z.union([z.enum(BACKEND_CHOICES as [BackendChoice, ...BackendChoice[]]), z.custom<Backend>(isBackend)], { error: BACKEND_WORDS });

export const trainOptionsSchema = strict({
  backend: backendSchema.optional(),
  signal: z.custom<AbortSignal>((v) => typeof AbortSignal !== "undefined" && v instanceof AbortSignal, { error: "signal must be an AbortSignal" }).optional(),
  onProgress: z.custom<(p: RunProgress) => void>((v) => typeof v === "function", { error: "onProgress must be a function" }).optional(),
  /** refuse a run whose estimated memory is above this many MiB, before allocating (memoryEstimate.ts) */
  memoryBudgetMiB: z.number({ error: "memoryBudgetMiB must be a finite number > 0" })
    .gt(0, { error: "memoryBudgetMiB must be a finite number > 0" })
    .refine(Number.isFinite, { error: "memoryBudgetMiB must be a finite number > 0" })
    .optional(),
});
export type TrainOptions = z.infer<typeof trainOptionsSchema>;

/** Checks train()'s options; throws ConfigError (paths under "options") before any work. */
export function parseTrainOptions(input: unknown): TrainOptions {
  if (input === undefined) return {};
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new Error(`train(config, options): options must be an object, got ${input === null ? "null" : Array.isArray(input) ? "an array" : typeof input}`);
  return parseSpec(trainOptionsSchema, input, "options");
}

/** predict()'s options, as strict. */
export const predictOptionsSchema = strict({
  backend: backendSchema.optional(),
  /** the policy of the forward pass (default: the model's own) */
  precision: precisionSchema.optional(),
});
export type PredictOptions = z.infer<typeof predictOptionsSchema>;

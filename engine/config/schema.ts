// The one source of truth for specs: runtime validation (train(), the CLI, the
// webview protocol) and the JSON Schema of *.mplab.json files (schemas/, made by
// scripts/build.mjs from `trainConfigSchema`) both come from these zod schemas.
import { z } from "zod";
import { SCALER_PRESETS } from "../scaler/presets.js";

// Every zod schema of the engine is built after this line (protocol.ts imports this
// file first). Without jitless, building an object schema probes `navigator` (an error
// logged in VS Code's extension host: "PendingMigrationError: navigator is now a global")
// and `new Function` (a CSP violation report in the webviews); our inputs are small.
z.config({ jitless: true });

// ---- strict objects: an unknown key is refused, naming the nearest known one -----------
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The known key a mistyped one most likely meant, if one is close. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key.toLowerCase(), k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const shown = known.filter((k) => k !== "$schema");
  const each = keys.map((k) => {
    const near = nearestKey(k, shown);
    return `"${k}"${near ? ` (did you mean ${near}?)` : ""}`;
  });
  return `has ${keys.length === 1 ? "an unknown key" : "unknown keys"} ${each.join(", ")}; allowed: ${shown.join(", ")}`;
}

/** z.strictObject whose unknown-key error names the nearest known key and lists the allowed ones. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? unknownKeysMessage(iss.keys, known) : undefined),
  });
}

/** An integer in [1, max]; the message states the range. */
const posInt = (what: string, max?: number) => {
  const msg = max === undefined ? `${what} must be a positive integer` : `${what} must be an integer from 1 to ${max}`;
  const n = z.number({ error: msg }).int({ error: msg }).min(1, { error: msg });
  return max === undefined ? n : n.max(max, { error: msg });
};
const nonNegNumber = (what: string) =>
  z.number({ error: `${what} must be a number >= 0` }).min(0, { error: `${what} must be a number >= 0` }).refine(Number.isFinite, { error: `${what} must be finite` });

export const activationSchema = z.enum(["relu", "gelu", "tanh", "sigmoid", "linear"], {
  error: 'activation must be one of "relu", "gelu", "tanh", "sigmoid", "linear"',
});

export const layerWeightsSchema = strict({
  weight: z.array(z.number()).describe("row-major [outputs, inputs], fp32 master values"),
  bias: z.array(z.number()),
});

// ---- data normalisation (engine/data/normalize.ts) ---------------------------------------
export const normalizeMethodSchema = z.enum(["standard", "minmax", "none"], {
  error: 'a normalisation must be one of "standard", "minmax", "none"',
});

/** `normalize` of a data spec: one method for inputs and targets, or one each. */
export const normalizeSpecSchema = z
  .union([normalizeMethodSchema, strict({ inputs: normalizeMethodSchema.optional(), targets: normalizeMethodSchema.optional() })], {
    error: 'normalize must be "standard", "minmax" or "none" (inputs and targets alike), or { "inputs": ..., "targets": ... } with one of those each',
  })
  .describe(
    'per column, what the model sees: "standard" (x - mean) / std, "minmax" (x - min) / (max - min), into [0, 1], "none" the values as they are (the default). ' +
      "The statistics come from the whole data set and stay with the run (its model's normalization): predict() takes and returns original units. " +
      'A string applies to inputs and targets; { "inputs": "standard", "targets": "none" } sets each.',
  );

const finiteNumber = (what: string) => z.number({ error: `${what} must be a finite number` }).refine(Number.isFinite, { error: `${what} must be finite` });

/** One side's normalisation: the model sees (x - shift[c]) / scale[c] in column c. */
export const columnScalingSchema = strict({
  method: normalizeMethodSchema,
  shift: z.array(finiteNumber("shift[i]")),
  scale: z.array(z.number({ error: "scale[i] must be a finite number > 0" }).gt(0, { error: "scale[i] must be > 0" }).refine(Number.isFinite, { error: "scale[i] must be finite" })),
});

export const normalizationSchema = strict({ inputs: columnScalingSchema, targets: columnScalingSchema }).describe(
  "the data normalisation the weights were trained with (a previous run's model): predict() normalises its inputs and de-normalises its outputs with it; train() reuses it (data.normalize must name the same methods)",
);

export const mlpSpecSchema = strict({
    type: z.literal("mlp").default("mlp"),
    inputs: posInt("inputs", 65536),
    hidden: z.array(posInt("hidden[i]", 65536), { error: "hidden must be an array of positive integers" }).max(32, { error: "hidden may have at most 32 layers" }).default([]),
    outputs: posInt("outputs", 65536),
    activation: activationSchema.default("relu"),
    seed: z.number({ error: "seed must be an integer" }).int({ error: "seed must be an integer" }).default(1),
    /** trained weights (a previous run's `model`): training continues from them */
    weights: z.array(layerWeightsSchema).optional(),
    /** the policy a previous run's `model` was trained in (informational) */
    precision: z.enum(["fp32", "fp16", "mixed-fp16", "mixed-bf16", "mixed-fp8"]).optional(),
    /** the data normalisation of a previous run's `model` */
    normalization: normalizationSchema.optional(),
  })
  .describe("A multi-layer perceptron: Linear layers with an activation between them (none after the last).");

export const lossSpecSchema = strict({ type: z.literal("mse") }).describe("Mean squared error over all elements of the batch, in fp32.");

export const scalerPresetSchema = z.enum(["pytorch", "deepspeed", "apex", "keras", "jmp"], {
  error: 'preset must be one of "pytorch", "deepspeed", "apex", "keras", "jmp"',
});

const factorGt1 = (what: string) => z.number({ error: `${what} must be a number > 1` }).gt(1, { error: `${what} must be > 1` }).refine(Number.isFinite, { error: `${what} must be finite` });

export const scalerSpecSchema = z.discriminatedUnion(
  "type",
  [
    strict({ type: z.literal("none") }),
    strict({
      type: z.literal("static"),
      scale: z.number({ error: "scale must be a finite number > 0" }).gt(0, { error: "scale must be a finite number > 0" }).refine(Number.isFinite, { error: "scale must be a finite number > 0" }),
    }),
    strict({
      type: z.literal("dynamic"),
      preset: scalerPresetSchema.default("pytorch")
        .describe("whose rule and defaults: pytorch (torch.amp.GradScaler, 2^16, x2 every 2000 clean steps, no floor), deepspeed (DeepSpeed fp16 0.19: 2^16, window 1000, floor 1; see zeroStage), apex (2^16, window 2000, ceiling 2^24), keras (LossScaleOptimizer: 2^15, 2000, no floor), jmp (DynamicLossScale: 2^15, period 2000, floor 1)"),
      initScale: z.number().gt(0, { error: "initScale must be > 0" }).refine(Number.isFinite, { error: "initScale must be finite" }).optional()
        .describe("the scale of the first step (default: the preset's)"),
      growthFactor: factorGt1("growthFactor").optional().describe("the scale is multiplied by this when it grows (default 2)"),
      backoffFactor: z
        .number({ error: "backoffFactor must be a number in (0, 1)" })
        .gt(0, { error: "backoffFactor must be in (0, 1)" })
        .lt(1, { error: "backoffFactor must be in (0, 1)" })
        .optional()
        .describe("the scale is multiplied by this on an overflow (default 0.5)"),
      growthInterval: posInt("growthInterval").optional()
        .describe("clean steps before the scale grows (pytorch growth_interval, deepspeed loss_scale_window: it grows after W+1 clean steps since the last overflow, keras dynamic_growth_steps, jmp period)"),
      hysteresis: posInt("hysteresis").optional()
        .describe("deepspeed with zeroStage 1-3: overflows absorbed (step skipped, scale kept) before the scale backs off; default 2"),
      minScale: nonNegNumber("minScale").optional()
        .describe("floor of the scale; 0 = none (default: 1 for deepspeed and jmp, none for the others)"),
      maxScale: z.number({ error: "maxScale must be a number > 0" }).gt(0, { error: "maxScale must be > 0" }).optional()
        .describe("ceiling of the scale (default: 2^24 for apex, none for the others)"),
      zeroStage: z.number({ error: "zeroStage must be 0, 1, 2 or 3" }).int({ error: "zeroStage must be 0, 1, 2 or 3" })
        .min(0, { error: "zeroStage must be 0, 1, 2 or 3" }).max(3, { error: "zeroStage must be 0, 1, 2 or 3" }).optional()
        .describe("deepspeed only: the ZeRO stage, which picks DeepSpeed's rule. 0 (default, a ds_config without zero_optimization): FP16_Optimizer, no hysteresis, the scale stops at minScale without error. 1-3: DynamicLossScaler, with hysteresis; an overflow at minScale stops the run with DeepSpeed's error"),
      consecutiveHysteresis: z.boolean({ error: "consecutiveHysteresis must be true or false" }).optional()
        .describe("deepspeed with zeroStage 1-3: true = every clean step restores the hysteresis (only consecutive overflows back off); false (default) = only a growth restores it"),
    }).superRefine((spec, ctx) => {
      // cross-field rules, with the preset's defaults for what the spec leaves out
      const base = SCALER_PRESETS[spec.preset];
      const min = spec.minScale ?? base.minScale, max = spec.maxScale ?? base.maxScale;
      if (min > max) ctx.addIssue({ code: "custom", path: ["minScale"], input: min, message: `minScale must be <= maxScale (${max}${spec.maxScale === undefined ? ` from preset "${spec.preset}"` : ""})` });
      for (const k of ["hysteresis", "zeroStage", "consecutiveHysteresis"] as const) {
        if (spec[k] !== undefined && spec.preset !== "deepspeed") ctx.addIssue({ code: "custom", path: [k], input: spec.preset, message: `${k} applies only to preset "deepspeed"; this scaler's preset is` });
      }
      if (spec.preset === "deepspeed" && (spec.zeroStage ?? base.zeroStage ?? 0) === 0) {
        for (const k of ["hysteresis", "consecutiveHysteresis"] as const) {
          if (spec[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], input: 0, message: `${k} applies only with zeroStage 1-3 (DeepSpeed's stage 0 rule, FP16_Optimizer, has no hysteresis); zeroStage is` });
        }
      }
    }),
  ],
  { error: 'scaler.type must be one of "none", "static", "dynamic"' },
);

export const optimizerSpecSchema = z.discriminatedUnion(
  "type",
  [
    strict({
      type: z.literal("sgd"),
      lr: nonNegNumber("lr"),
      momentum: z.number().min(0, { error: "momentum must be in [0, 1)" }).lt(1, { error: "momentum must be in [0, 1)" }).default(0),
      weightDecay: nonNegNumber("weightDecay").default(0),
    }),
    strict({
      type: z.literal("adam"),
      lr: nonNegNumber("lr").default(1e-3),
      beta1: z.number().min(0, { error: "beta1 must be in [0, 1)" }).lt(1, { error: "beta1 must be in [0, 1)" }).default(0.9),
      beta2: z.number().min(0, { error: "beta2 must be in [0, 1)" }).lt(1, { error: "beta2 must be in [0, 1)" }).default(0.999),
      eps: z.number().gt(0, { error: "eps must be > 0" }).default(1e-8),
      weightDecay: nonNegNumber("weightDecay").default(0),
    }),
  ],
  { error: 'optimizer.type must be one of "sgd", "adam"' },
);

const samples = posInt("samples", 10_000_000);
const normalize = normalizeSpecSchema.optional();
/** A data value: finite, and finite in fp32 (the engine stores data in fp32: 1e39 would be Inf). */
const dataValue = z
  .number({ error: "is not a finite number: data must be finite" })
  .refine((v) => Number.isFinite(Math.fround(v)), { error: "is beyond fp32's range (±3.4028e38): data is stored in fp32, where it would be Inf" });
export const dataSpecSchema = z.discriminatedUnion(
  "type",
  [
    strict({
      type: z.literal("teacher"),
      inputs: posInt("inputs", 65536),
      outputs: posInt("outputs", 65536),
      samples,
      seed: z.number().int().default(2),
      noise: nonNegNumber("noise").default(0),
      /** targets are multiplied by this: small values make fp16 gradients underflow */
      targetScale: z.number().gt(0, { error: "targetScale must be > 0" }).refine(Number.isFinite, { error: "targetScale must be finite" }).default(1),
      hidden: posInt("hidden", 4096).default(32),
      normalize,
    }),
    strict({
      type: z.literal("sine"),
      inputs: posInt("inputs", 65536).default(1),
      outputs: posInt("outputs", 65536).default(1),
      samples,
      seed: z.number().int().default(2),
      noise: nonNegNumber("noise").default(0),
      amplitude: z.number().gt(0, { error: "amplitude must be > 0" }).default(1),
      frequency: z.number().gt(0, { error: "frequency must be > 0" }).default(1),
      normalize,
    }),
    strict({
      type: z.literal("arrays"),
      xs: z.array(z.array(dataValue)).min(1, { error: "xs must have at least one row" }),
      ys: z.array(z.array(dataValue)).min(1, { error: "ys must have at least one row" }),
      normalize,
    }),
    strict({
      type: z.literal("csv"),
      path: z.string().min(1),
      inputs: z.array(z.union([z.string(), z.number().int().min(0)])).min(1),
      targets: z.array(z.union([z.string(), z.number().int().min(0)])).min(1),
      normalize,
    }),
  ],
  { error: 'data.type must be one of "teacher", "sine", "arrays", "csv"' },
);

export const precisionSchema = z.enum(["fp32", "fp16", "mixed-fp16", "mixed-bf16", "mixed-fp8"], {
  error: 'precision must be one of "fp32", "fp16", "mixed-fp16", "mixed-bf16", "mixed-fp8"',
});

/** The fp8 recipe of precision "mixed-fp8" (engine/numerics/fp8Scaling.ts); defaults are Transformer Engine's DelayedScaling. */
export const fp8RecipeSchema = strict({
    recipe: z.enum(["delayed", "current", "block"], { error: 'fp8.recipe must be one of "delayed", "current", "block"' }).default("delayed")
      .describe("delayed: scale from the amax history (TE DelayedScaling); current: from the tensor's own amax; block: MX, a power-of-two scale per 32 values"),
    format: z.enum(["hybrid", "e4m3"], { error: 'fp8.format must be one of "hybrid", "e4m3"' }).default("hybrid")
      .describe("hybrid: E4M3 forward, E5M2 gradients (TE Format.HYBRID); e4m3: E4M3 everywhere (TE Format.E4M3)"),
    margin: z.number({ error: "margin must be an integer in 0..32" }).int({ error: "margin must be an integer in 0..32" }).min(0, { error: "margin must be an integer in 0..32" }).max(32, { error: "margin must be an integer in 0..32" }).default(0),
    amaxHistoryLen: posInt("amaxHistoryLen", 100_000).default(1024),
    amaxComputeAlgo: z.enum(["max", "most_recent"], { error: 'amaxComputeAlgo must be one of "max", "most_recent"' }).default("max"),
    saturate: z.boolean({ error: "saturate must be true or false" }).default(true).describe("out-of-range values become ±max (true, as TE casts) or NaN / Inf (false)"),
  })
  .describe("fp8 scaling: used when precision is mixed-fp8");

export const trainConfigSchema = strict({
    $schema: z.string().optional(),
    name: z.string().optional().describe("a label for this run"),
    model: mlpSpecSchema,
    loss: lossSpecSchema.default({ type: "mse" }),
    scaler: scalerSpecSchema.default({ type: "dynamic", preset: "pytorch" }),
    data: dataSpecSchema,
    precision: precisionSchema.default("mixed-fp16"),
    fp8: fp8RecipeSchema.optional().describe("the fp8 recipe of precision mixed-fp8 (default: delayed scaling, hybrid formats, as Transformer Engine)"),
    optimizer: optimizerSpecSchema.default({ type: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }),
    steps: posInt("steps", 10_000_000),
    batchSize: posInt("batchSize", 1_000_000),
    accumulationSteps: posInt("accumulationSteps", 1024).default(1),
    seed: z.number().int().default(0).describe("seed of the data shuffle"),
    statsInterval: posInt("statsInterval").optional().describe("collect tensor statistics every N steps, and at the last step (default: every max(5, ceil(steps / 50))-th step, so at most about 50 observed steps and never every step of a short run)"),
    chunkSize: posInt("chunkSize", 100_000).optional().describe("steps run between progress reports"),
    shadow: z.boolean().default(false).describe("run an fp32 copy in lockstep and report the relative error"),
    scalerState: strict({
      scale: z.number({ error: "scale must be a finite number > 0" }).gt(0, { error: "scale must be a finite number > 0" }).refine(Number.isFinite, { error: "scale must be a finite number > 0" }),
      counter: z.number({ error: "counter must be an integer >= 0" }).int({ error: "counter must be an integer >= 0" }).min(0, { error: "counter must be an integer >= 0" }),
      hysteresisLeft: z.number({ error: "hysteresisLeft must be an integer >= 0" }).int({ error: "hysteresisLeft must be an integer >= 0" }).min(0, { error: "hysteresisLeft must be an integer >= 0" }),
      iteration: z.number({ error: "iteration must be an integer >= 0" }).int({ error: "iteration must be an integer >= 0" }).min(0, { error: "iteration must be an integer >= 0" }),
      lastOverflow: z.number({ error: "lastOverflow must be an integer >= -1" }).int({ error: "lastOverflow must be an integer >= -1" }).min(-1, { error: "lastOverflow must be an integer >= -1" }),
      halted: z.union([z.literal(0), z.literal(1)], { error: "halted must be 0 or 1" }),
    })
      .optional()
      .describe("resume a scaler (a previous run's scalerState)"),
  })
  .describe("A Mixed Precision Lab training run (the argument of train()).");

export type MlpSpec = z.infer<typeof mlpSpecSchema>;
export type MlpSpecInput = z.input<typeof mlpSpecSchema>;
export type LayerWeights = z.infer<typeof layerWeightsSchema>;
export type LossSpec = z.infer<typeof lossSpecSchema>;
export type ScalerSpec = z.infer<typeof scalerSpecSchema>;
export type ScalerSpecInput = z.input<typeof scalerSpecSchema>;
export type OptimizerSpec = z.infer<typeof optimizerSpecSchema>;
export type DataSpec = z.infer<typeof dataSpecSchema>;
export type NormalizeMethod = z.infer<typeof normalizeMethodSchema>;
export type NormalizeSpec = z.infer<typeof normalizeSpecSchema>;
export type ColumnScaling = z.infer<typeof columnScalingSchema>;
export type Normalization = z.infer<typeof normalizationSchema>;
export type DataSpecInput = z.input<typeof dataSpecSchema>;
export type Precision = z.infer<typeof precisionSchema>;
export type Fp8Recipe = z.infer<typeof fp8RecipeSchema>;
export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

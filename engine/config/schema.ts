// The one source of truth for specs: runtime validation (train(), the CLI, the
// webview protocol) and the JSON Schema of *.mplab.json files (schemas/, made by
// scripts/build.mjs from `trainConfigSchema`) both come from these zod schemas.
import { z } from "zod";

// Every zod schema of the engine is built after this line (protocol.ts imports this
// file first). Without jitless, building an object schema probes `navigator` (an error
// logged in VS Code's extension host: "PendingMigrationError: navigator is now a global")
// and `new Function` (a CSP violation report in the webviews); our inputs are small.
z.config({ jitless: true });

const posInt = (what: string) =>
  z.number({ error: `${what} must be a positive integer` }).int({ error: `${what} must be a positive integer` }).min(1, { error: `${what} must be a positive integer` });
const nonNegNumber = (what: string) =>
  z.number({ error: `${what} must be a number >= 0` }).min(0, { error: `${what} must be a number >= 0` }).refine(Number.isFinite, { error: `${what} must be finite` });

export const activationSchema = z.enum(["relu", "gelu", "tanh", "sigmoid", "linear"], {
  error: 'activation must be one of "relu", "gelu", "tanh", "sigmoid", "linear"',
});

export const layerWeightsSchema = z.object({
  weight: z.array(z.number()).describe("row-major [outputs, inputs], fp32 master values"),
  bias: z.array(z.number()),
});

export const mlpSpecSchema = z
  .object({
    type: z.literal("mlp").default("mlp"),
    inputs: posInt("inputs").max(65536),
    hidden: z.array(posInt("hidden[i]").max(65536), { error: "hidden must be an array of positive integers" }).max(32).default([]),
    outputs: posInt("outputs").max(65536),
    activation: activationSchema.default("relu"),
    seed: z.number({ error: "seed must be an integer" }).int({ error: "seed must be an integer" }).default(1),
    /** trained weights (a previous run's `model`): training continues from them */
    weights: z.array(layerWeightsSchema).optional(),
  })
  .describe("A multi-layer perceptron: Linear layers with an activation between them (none after the last).");

export const lossSpecSchema = z.object({ type: z.literal("mse") }).describe("Mean squared error over all elements of the batch, in fp32.");

export const scalerPresetSchema = z.enum(["pytorch", "deepspeed", "apex", "keras", "jmp"], {
  error: 'preset must be one of "pytorch", "deepspeed", "apex", "keras", "jmp"',
});

const factorGt1 = (what: string) => z.number({ error: `${what} must be a number > 1` }).gt(1, { error: `${what} must be > 1` }).refine(Number.isFinite, { error: `${what} must be finite` });

export const scalerSpecSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("none") }),
    z.object({
      type: z.literal("static"),
      scale: z.number({ error: "scale must be a positive number" }).gt(0, { error: "scale must be > 0" }).refine(Number.isFinite, { error: "scale must be finite" }),
    }),
    z.object({
      type: z.literal("dynamic"),
      preset: scalerPresetSchema.default("pytorch"),
      initScale: z.number().gt(0, { error: "initScale must be > 0" }).refine(Number.isFinite, { error: "initScale must be finite" }).optional(),
      growthFactor: factorGt1("growthFactor").optional(),
      backoffFactor: z
        .number({ error: "backoffFactor must be a number in (0, 1)" })
        .gt(0, { error: "backoffFactor must be in (0, 1)" })
        .lt(1, { error: "backoffFactor must be in (0, 1)" })
        .optional(),
      growthInterval: posInt("growthInterval").optional(),
      hysteresis: posInt("hysteresis").optional(),
      minScale: nonNegNumber("minScale").optional(),
      maxScale: z.number().gt(0, { error: "maxScale must be > 0" }).optional(),
    }),
  ],
  { error: 'scaler.type must be one of "none", "static", "dynamic"' },
);

export const optimizerSpecSchema = z.discriminatedUnion(
  "type",
  [
    z.object({
      type: z.literal("sgd"),
      lr: nonNegNumber("lr"),
      momentum: z.number().min(0, { error: "momentum must be in [0, 1)" }).lt(1, { error: "momentum must be in [0, 1)" }).default(0),
      weightDecay: nonNegNumber("weightDecay").default(0),
    }),
    z.object({
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

const samples = posInt("samples").max(10_000_000);
export const dataSpecSchema = z.discriminatedUnion(
  "type",
  [
    z.object({
      type: z.literal("teacher"),
      inputs: posInt("inputs").max(65536),
      outputs: posInt("outputs").max(65536),
      samples,
      seed: z.number().int().default(2),
      noise: nonNegNumber("noise").default(0),
      /** targets are multiplied by this: small values make fp16 gradients underflow */
      targetScale: z.number().gt(0, { error: "targetScale must be > 0" }).refine(Number.isFinite, { error: "targetScale must be finite" }).default(1),
      hidden: posInt("hidden").max(4096).default(32),
    }),
    z.object({
      type: z.literal("sine"),
      inputs: posInt("inputs").max(65536).default(1),
      outputs: posInt("outputs").max(65536).default(1),
      samples,
      seed: z.number().int().default(2),
      noise: nonNegNumber("noise").default(0),
      amplitude: z.number().gt(0, { error: "amplitude must be > 0" }).default(1),
      frequency: z.number().gt(0, { error: "frequency must be > 0" }).default(1),
    }),
    z.object({
      type: z.literal("arrays"),
      xs: z.array(z.array(z.number({ error: "is not a finite number: data must be finite" }))).min(1, { error: "xs must have at least one row" }),
      ys: z.array(z.array(z.number({ error: "is not a finite number: data must be finite" }))).min(1, { error: "ys must have at least one row" }),
    }),
    z.object({
      type: z.literal("csv"),
      path: z.string().min(1),
      inputs: z.array(z.union([z.string(), z.number().int().min(0)])).min(1),
      targets: z.array(z.union([z.string(), z.number().int().min(0)])).min(1),
    }),
  ],
  { error: 'data.type must be one of "teacher", "sine", "arrays", "csv"' },
);

export const precisionSchema = z.enum(["fp32", "fp16", "mixed-fp16", "mixed-bf16", "mixed-fp8"], {
  error: 'precision must be one of "fp32", "fp16", "mixed-fp16", "mixed-bf16", "mixed-fp8"',
});

/** The fp8 recipe of precision "mixed-fp8" (engine/numerics/fp8Scaling.ts); defaults are Transformer Engine's DelayedScaling. */
export const fp8RecipeSchema = z
  .object({
    recipe: z.enum(["delayed", "current", "block"], { error: 'fp8.recipe must be one of "delayed", "current", "block"' }).default("delayed")
      .describe("delayed: scale from the amax history (TE DelayedScaling); current: from the tensor's own amax; block: MX, a power-of-two scale per 32 values"),
    format: z.enum(["hybrid", "e4m3"], { error: 'fp8.format must be one of "hybrid", "e4m3"' }).default("hybrid")
      .describe("hybrid: E4M3 forward, E5M2 gradients (TE Format.HYBRID); e4m3: E4M3 everywhere (TE Format.E4M3)"),
    margin: z.number({ error: "margin must be an integer in 0..32" }).int({ error: "margin must be an integer in 0..32" }).min(0, { error: "margin must be an integer in 0..32" }).max(32, { error: "margin must be an integer in 0..32" }).default(0),
    amaxHistoryLen: posInt("amaxHistoryLen").max(100_000).default(1024),
    amaxComputeAlgo: z.enum(["max", "most_recent"], { error: 'amaxComputeAlgo must be one of "max", "most_recent"' }).default("max"),
    saturate: z.boolean({ error: "saturate must be true or false" }).default(true).describe("out-of-range values become ±max (true, as TE casts) or NaN / Inf (false)"),
  })
  .strict()
  .describe("fp8 scaling: used when precision is mixed-fp8");

export const trainConfigSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().optional().describe("a label for this run"),
    model: mlpSpecSchema,
    loss: lossSpecSchema.default({ type: "mse" }),
    scaler: scalerSpecSchema.default({ type: "dynamic", preset: "pytorch" }),
    data: dataSpecSchema,
    precision: precisionSchema.default("mixed-fp16"),
    fp8: fp8RecipeSchema.optional().describe("the fp8 recipe of precision mixed-fp8 (default: delayed scaling, hybrid formats, as Transformer Engine)"),
    optimizer: optimizerSpecSchema.default({ type: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }),
    steps: posInt("steps").max(10_000_000),
    batchSize: posInt("batchSize").max(1_000_000),
    accumulationSteps: posInt("accumulationSteps").max(1024).default(1),
    seed: z.number().int().default(0).describe("seed of the data shuffle"),
    statsInterval: posInt("statsInterval").optional().describe("collect tensor statistics every N steps, and at the last step (default: every max(5, ceil(steps / 50))-th step, so at most about 50 observed steps and never every step of a short run)"),
    chunkSize: posInt("chunkSize").max(100_000).optional().describe("steps run between progress reports"),
    shadow: z.boolean().default(false).describe("run an fp32 copy in lockstep and report the relative error"),
    scalerState: z
      .object({ scale: z.number(), counter: z.number(), hysteresisLeft: z.number(), iteration: z.number(), lastOverflow: z.number(), halted: z.number() })
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
export type DataSpecInput = z.input<typeof dataSpecSchema>;
export type Precision = z.infer<typeof precisionSchema>;
export type Fp8Recipe = z.infer<typeof fp8RecipeSchema>;
export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

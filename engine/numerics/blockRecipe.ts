// Block-scaled recipes as plain data (beside the per-tensor fp8 recipes delayed,
// current and block of engine/config/schema.ts), and the block geometry each gives a
// tensor by its role. The arithmetic of each recipe's scales is in blockScales.ts.
//
//   mxfp8 / mxfp6 / mxfp4   OCP MX v1.0: 32 consecutive values share an E8M0 scale 2^X;
//                           elements E4M3|E5M2, E2M3|E3M2, E2M1. scaleRule "floor" is the
//                           spec's X = floor(log2 amax) - emax_elem (§6.3); "rceil" rounds
//                           amax / max_elem up to a power of two (cuBLAS / Transformer
//                           Engine's MXFP8, torchao's ScaleCalculationMode.RCEIL), which never
//                           pushes the block's largest value past the element maximum.
//   nvfp4                   arXiv 2509.25149 (NVIDIA, "Pretraining LLMs with NVFP4"): 16
//                           values share an E4M3 scale under an fp32 tensor scale
//                           amax/(448·6); weights in 16x16 blocks (the same quantised values
//                           forward and transposed), a 16-point random Hadamard transform on
//                           the weight-gradient GEMM's inputs (the columnwise activations and
//                           gradients), stochastic rounding on gradients.
//   blockwise               DeepSeek-V3 (arXiv 2412.19437 §3.3) / TE Float8BlockScaling:
//                           1x128 tiles for activations and gradients, 128x128 blocks for
//                           weights, an fp32 scale each (max_fp8 / amax), and the GEMM's
//                           accumulation promoted to fp32 every `promoteEvery` products.
// Rowwise blocks run along a tensor's last dimension; the columnwise copy (what the
// backward GEMMs read: the transpose) is quantised separately from the unquantised values.
import { z } from "zod";
import type { ElementFormat } from "./formats.js";
import { roundingSchema, type Rounding } from "./round.js";

z.config({ jitless: true }); // see engine/config/schema.ts

function strict<T extends z.ZodRawShape>(name: string, shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `${name} recipe has unknown key ${iss.keys.map((k) => `"${k}"`).join(", ")}; allowed: ${known.join(", ")}` : undefined),
  });
}

const scaleRuleSchema = z.enum(["floor", "rceil"], { error: 'scaleRule must be "floor" (OCP MX) or "rceil" (rounded up, as TE and torchao)' })
  .default("floor").describe("floor: X = floor(log2 amax) - emax (OCP MX v1.0); rceil: amax / max_elem rounded up to a power of two");
const gradientRounding = (dflt: Rounding) => roundingSchema.default(dflt).describe("rounding of gradient elements (activations and weights always round to nearest)");

export const mxfp8RecipeSchema = strict("mxfp8", {
  recipe: z.literal("mxfp8"),
  element: z.enum(["e4m3", "e5m2"], { error: 'mxfp8 element must be "e4m3" or "e5m2"' }).default("e4m3"),
  scaleRule: scaleRuleSchema,
  gradientRounding: gradientRounding("nearest"),
});

export const mxfp6RecipeSchema = strict("mxfp6", {
  recipe: z.literal("mxfp6"),
  element: z.enum(["e2m3", "e3m2"], { error: 'mxfp6 element must be "e2m3" or "e3m2"' }).default("e2m3"),
  scaleRule: scaleRuleSchema,
  gradientRounding: gradientRounding("nearest"),
});

export const mxfp4RecipeSchema = strict("mxfp4", {
  recipe: z.literal("mxfp4"),
  element: z.literal("e2m1", { error: 'mxfp4 element is "e2m1"' }).default("e2m1"),
  scaleRule: scaleRuleSchema,
  gradientRounding: gradientRounding("nearest"),
});

export const nvfp4RecipeSchema = strict("nvfp4", {
  recipe: z.literal("nvfp4"),
  weightBlocks: z.enum(["16x16", "1x16"], { error: 'nvfp4 weightBlocks must be "16x16" or "1x16"' }).default("16x16")
    .describe("16x16: 2D blocks for weights (the paper's recipe); 1x16: as activations"),
  hadamard: z.boolean({ error: "nvfp4 hadamard must be true or false" }).default(true)
    .describe("16-point random Hadamard transform of the columnwise activations and gradients (the weight-gradient GEMM's inputs)"),
  gradientRounding: gradientRounding("stochastic"),
});

const promoteEvery = z.number({ error: "promoteEvery must be an integer from 1 to 65536" }).int({ error: "promoteEvery must be an integer from 1 to 65536" })
  .min(1, { error: "promoteEvery must be an integer from 1 to 65536" }).max(65536, { error: "promoteEvery must be an integer from 1 to 65536" });
const blockSize = z.number({ error: "blockSize must be an integer from 1 to 1024" }).int({ error: "blockSize must be an integer from 1 to 1024" })
  .min(1, { error: "blockSize must be an integer from 1 to 1024" }).max(1024, { error: "blockSize must be an integer from 1 to 1024" });

export const blockwiseRecipeSchema = strict("blockwise", {
  recipe: z.literal("blockwise"),
  element: z.enum(["e4m3", "e5m2"], { error: 'blockwise element must be "e4m3" or "e5m2"' }).default("e4m3"),
  blockSize: blockSize.default(128).describe("activations and gradients in 1 x blockSize tiles, weights in blockSize x blockSize blocks"),
  powerOfTwoScales: z.boolean({ error: "powerOfTwoScales must be true or false" }).default(false)
    .describe("round each fp32 scale down to a power of two (TE's default; DeepSeek-V3 keeps plain fp32)"),
  promoteEvery: promoteEvery.default(128).describe("the GEMM adds its partial sums into fp32 every this many products (read by the matmul, not by quantize)"),
  gradientRounding: gradientRounding("nearest"),
});

export const blockRecipeSchema = z.discriminatedUnion("recipe", [mxfp8RecipeSchema, mxfp6RecipeSchema, mxfp4RecipeSchema, nvfp4RecipeSchema, blockwiseRecipeSchema], {
  error: 'recipe must be one of "mxfp8", "mxfp6", "mxfp4", "nvfp4", "blockwise"',
});

export type BlockRecipe = z.output<typeof blockRecipeSchema>;
export type BlockRecipeInput = z.input<typeof blockRecipeSchema>;
export const BLOCK_RECIPES = ["mxfp8", "mxfp6", "mxfp4", "nvfp4", "blockwise"] as const;

/**
 * What a tensor is to the GEMM that reads it: decides 2D blocks (weights), stochastic
 * rounding and the Hadamard transform (gradients). In a run's statistics (TensorRole of
 * engine/train/runResult.ts) these are "activations", "weights" and "activationGrads".
 */
export const OPERAND_ROLES = ["activation", "weight", "gradient"] as const;
export type OperandRole = (typeof OPERAND_ROLES)[number];

/** The element format of a recipe. */
export function elementOf(r: BlockRecipe): ElementFormat {
  return r.recipe === "nvfp4" ? "e2m1" : r.element;
}

/** Rows x columns of one block of the rowwise layout. */
export function blockShape(r: BlockRecipe, role: OperandRole): [number, number] {
  switch (r.recipe) {
    case "mxfp8": case "mxfp6": case "mxfp4": return [1, 32];
    case "nvfp4": return role === "weight" && r.weightBlocks === "16x16" ? [16, 16] : [1, 16];
    case "blockwise": return role === "weight" ? [r.blockSize, r.blockSize] : [1, r.blockSize];
  }
}

export function roundingOf(r: BlockRecipe, role: OperandRole): Rounding {
  return role === "gradient" ? r.gradientRounding : "nearest";
}

/** Does the columnwise copy go through the random Hadamard transform first? */
export function hadamardOf(r: BlockRecipe, role: OperandRole): boolean {
  return r.recipe === "nvfp4" && r.hadamard && role !== "weight";
}

// Per-block forensics of a quantised tensor (what no other tool shows): how the block
// scales are spread, how many blocks saturated, were all zero, lost values to zero or
// held a NaN/Inf, how far each block's largest value sits from the top of the element
// range, the error against the unquantised values, and the same tensor's error under
// every other recipe ("what if"). Pure functions of quantize()'s output; the payload
// schema is the contract with the renderer (it crosses the webview boundary).
//
// Definitions (per block b of a layout, effective scale S_b = blockDecode · tensorDecode):
//   spread_b    = log2(amax_b / (S_b · max_elem)) binades: 0 when the block's largest value
//                 lands on the element maximum, < 0 when the top of the range goes unused
//                 (MX "floor" leaves up to one binade), > 0 when it saturates; only for
//                 blocks with a finite, nonzero amax and scale.
//   saturated   a block with at least one finite value rounded past the element maximum
//   flushed     a block with at least one nonzero finite value quantised to zero
//   allZero     amax 0;  nonFinite: amax NaN or Inf
//   MSE         mean of (x̂ - x)² over the values whose x and x̂ are both finite (in fp64);
//   SNR         10·log10(Σx² / Σ(x̂ - x)²) dB over the same values (Infinity when exact).
// For a columnwise layout under the Hadamard transform, x is the transformed transpose:
// the values the weight-gradient GEMM reads before quantisation.
import { z } from "zod";
import { anyNumber, int } from "../payload/nonFinite.js";
import { blockRecipeSchema, OPERAND_ROLES, type BlockRecipeInput } from "./blockRecipe.js";
import { quantize, type QuantizedLayout, type QuantizedTensor } from "./blockQuantize.js";
import { ELEMENT_FORMATS, FORMATS } from "./formats.js";

z.config({ jitless: true }); // see engine/config/schema.ts

const share = z.object({ count: int, share: anyNumber });
const errorSchema = z.object({ mse: anyNumber, snrDb: anyNumber, compared: int, nonFiniteOutputs: int });

export const layoutForensicsSchema = z.object({
  direction: z.enum(["rowwise", "columnwise"]),
  element: z.enum(ELEMENT_FORMATS),
  scaleFormat: z.enum(["e8m0", "e4m3", "f32"]),
  block: z.tuple([int, int]),
  hadamard: z.boolean(),
  blocks: int,
  /** floor(log2 S_b) of the blocks with a finite nonzero scale, ascending */
  scaleHistogram: z.array(z.object({ exponent: int, count: int })),
  zeroScaleBlocks: int,
  nanScaleBlocks: int,
  saturated: share,
  allZero: share,
  flushed: share,
  nonFinite: share,
  saturatedValues: int,
  flushedValues: int,
  spread: z.object({
    blocks: int,
    min: anyNumber,
    mean: anyNumber,
    max: anyNumber,
    /** quarter-binade bins: `from` is the bin's lower edge */
    histogram: z.array(z.object({ from: anyNumber, count: int })),
  }),
  error: errorSchema,
});

export const whatIfSchema = z.object({
  recipe: blockRecipeSchema,
  label: z.string(),
  saturated: share,
  flushed: share,
  error: errorSchema,
});

export const blockForensicsSchema = z.object({
  recipe: blockRecipeSchema,
  label: z.string(),
  role: z.enum(OPERAND_ROLES),
  shape: z.array(int),
  rowwise: layoutForensicsSchema,
  columnwise: layoutForensicsSchema.nullable(),
  whatIf: z.array(whatIfSchema),
});

export type LayoutForensics = z.infer<typeof layoutForensicsSchema>;
export type BlockForensics = z.infer<typeof blockForensicsSchema>;

/** The recipes "what if" compares by default: each block recipe with its defaults, and the other scale rule and element of MX. */
export const WHAT_IF_RECIPES: BlockRecipeInput[] = [
  { recipe: "mxfp8" }, { recipe: "mxfp8", scaleRule: "rceil" }, { recipe: "mxfp8", element: "e5m2" },
  { recipe: "mxfp6" }, { recipe: "mxfp6", element: "e3m2" }, { recipe: "mxfp4" }, { recipe: "mxfp4", scaleRule: "rceil" },
  { recipe: "nvfp4" }, { recipe: "nvfp4", hadamard: false }, { recipe: "blockwise" },
];

/** A short name of a recipe: "mxfp8 e4m3 floor", "nvfp4 16x16 hadamard", "blockwise e4m3 128". */
export function recipeLabel(input: BlockRecipeInput): string {
  const r = blockRecipeSchema.parse(input);
  switch (r.recipe) {
    case "nvfp4": return `nvfp4 ${r.weightBlocks}${r.hadamard ? " hadamard" : ""}${r.gradientRounding === "stochastic" ? " sr" : ""}`;
    case "blockwise": return `blockwise ${r.element} ${r.blockSize}${r.powerOfTwoScales ? " pow2" : ""}`;
    default: return `${r.recipe} ${r.element} ${r.scaleRule}${r.gradientRounding === "stochastic" ? " sr" : ""}`;
  }
}

function shareOf(count: number, total: number) {
  return { count, share: total ? count / total : 0 };
}

/** MSE and SNR of a layout's dequantised values against what it quantised. */
export function quantizationError(l: QuantizedLayout): z.infer<typeof errorSchema> {
  let se = 0, signal = 0, compared = 0, nonFiniteOutputs = 0;
  for (let i = 0; i < l.values.length; i++) {
    const x = l.input[i]!, y = l.values[i]!;
    if (!Number.isFinite(x)) continue;
    if (!Number.isFinite(y)) { nonFiniteOutputs++; continue; }
    se += (y - x) ** 2;
    signal += x * x;
    compared++;
  }
  const mse = compared ? se / compared : NaN;
  const snrDb = se === 0 ? (signal > 0 ? Infinity : NaN) : 10 * Math.log10(signal / se);
  return { mse, snrDb, compared, nonFiniteOutputs };
}

export function layoutForensics(l: QuantizedLayout, direction: "rowwise" | "columnwise"): LayoutForensics {
  const e = FORMATS[l.plan.element];
  const nb = l.amax.length;
  const hist = new Map<number, number>();
  const spreadBins = new Map<number, number>();
  let zeroScale = 0, nanScale = 0, saturated = 0, allZero = 0, flushed = 0, nonFinite = 0, satValues = 0, flushValues = 0;
  let spreadN = 0, spreadSum = 0, spreadMin = Infinity, spreadMax = -Infinity;
  for (let b = 0; b < nb; b++) {
    const amax = l.amax[b]!, s = l.scales[b]! * l.tensorScale;
    if (Number.isNaN(s)) nanScale++;
    else if (s === 0) zeroScale++;
    else if (Number.isFinite(s)) hist.set(Math.floor(Math.log2(s)), (hist.get(Math.floor(Math.log2(s))) ?? 0) + 1);
    if (l.saturated[b]! > 0) saturated++;
    if (l.flushed[b]! > 0) flushed++;
    satValues += l.saturated[b]!;
    flushValues += l.flushed[b]!;
    if (amax === 0) allZero++;
    if (!Number.isFinite(amax)) nonFinite++;
    if (Number.isFinite(amax) && amax > 0 && Number.isFinite(s) && s > 0) {
      const spread = Math.log2(amax / (s * e.max));
      spreadN++; spreadSum += spread;
      spreadMin = Math.min(spreadMin, spread); spreadMax = Math.max(spreadMax, spread);
      const bin = Math.floor(spread * 4) / 4;
      spreadBins.set(bin, (spreadBins.get(bin) ?? 0) + 1);
    }
  }
  const sorted = <T>(m: Map<number, T>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
  return {
    direction, element: l.plan.element,
    scaleFormat: l.plan.kind === "mx" ? "e8m0" : l.plan.kind === "nvfp4" ? "e4m3" : "f32",
    block: [l.plan.block[0], l.plan.block[1]], hadamard: l.hadamard, blocks: nb,
    scaleHistogram: sorted(hist).map(([exponent, count]) => ({ exponent, count })),
    zeroScaleBlocks: zeroScale, nanScaleBlocks: nanScale,
    saturated: shareOf(saturated, nb), allZero: shareOf(allZero, nb), flushed: shareOf(flushed, nb), nonFinite: shareOf(nonFinite, nb),
    saturatedValues: satValues, flushedValues: flushValues,
    spread: {
      blocks: spreadN, min: spreadN ? spreadMin : NaN, mean: spreadN ? spreadSum / spreadN : NaN, max: spreadN ? spreadMax : NaN,
      histogram: sorted(spreadBins).map(([from, count]) => ({ from, count })),
    },
    error: quantizationError(l),
  };
}

export interface ForensicsOptions {
  /** recipes to compare the same tensor under (default WHAT_IF_RECIPES without the tensor's own) */
  whatIf?: BlockRecipeInput[];
  /** the stochastic-rounding seed of the what-if quantisations (default 0) */
  seed?: number;
}

/** The forensics of a quantised tensor (quantize()'s output) and its what-if table. */
export function blockForensics(q: QuantizedTensor, opts: ForensicsOptions = {}): BlockForensics {
  const own = recipeLabel(q.recipe);
  const candidates = (opts.whatIf ?? WHAT_IF_RECIPES).filter((r) => recipeLabel(r) !== own);
  const original = q.rowwise.input;
  const whatIf = candidates.map((recipe) => {
    const other = quantize(original, [q.rowwise.rows, q.rowwise.cols], recipe, { role: q.role, seed: opts.seed ?? 0, columnwise: false }).rowwise;
    const nb = other.amax.length;
    let saturated = 0, flushed = 0;
    for (let b = 0; b < nb; b++) { if (other.saturated[b]! > 0) saturated++; if (other.flushed[b]! > 0) flushed++; }
    return { recipe: blockRecipeSchema.parse(recipe), label: recipeLabel(recipe), saturated: shareOf(saturated, nb), flushed: shareOf(flushed, nb), error: quantizationError(other) };
  });
  return {
    recipe: q.recipe, label: own, role: q.role, shape: q.shape,
    rowwise: layoutForensics(q.rowwise, "rowwise"),
    columnwise: q.columnwise ? layoutForensics(q.columnwise, "columnwise") : null,
    whatIf,
  };
}


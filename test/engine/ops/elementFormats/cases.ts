// The inputs every backend's quantize kernels are checked on against the CPU reference:
// every code of every element format (NaN codes with both signs) and the edge, tie and
// random inputs of test/engine/numerics; the block traces of blockQuantize.test.ts and
// random tensors under every recipe, direction and role (wide exponents, tiny tensors
// whose scales are fp32 subnormals, zeros, NaN and Inf); Hadamard inputs with subnormals.
import { decodeBits, ELEMENT_FORMATS, FORMATS, type ElementFormat } from "../../../../engine/numerics/formats.js";
import { blockRecipeSchema, OPERAND_ROLES, type BlockRecipeInput } from "../../../../engine/numerics/blockRecipe.js";
import { planOf, type LayoutPlan } from "../../../../engine/numerics/blockQuantize.js";
import { edgeInputs } from "../../numerics/formatInputs.js";
import { mulberry32 } from "../../numerics/reference.js";

/** fp32 bit patterns of every code's value (a NaN code as a NaN of its sign), then the edge inputs. */
export function castInputs(format: ElementFormat): Float32Array {
  const f = FORMATS[format];
  const out: number[] = [];
  const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
  for (let c = 0; c < 2 ** f.bits; c++) {
    const v = decodeBits(c, f);
    if (Number.isNaN(v)) out.push(c & f.signBit ? 0xffc00000 : 0x7fc00000);
    else { f32[0] = v; out.push(u32[0]!); }
  }
  const edges = edgeInputs(format, 20_000, 77);
  const all = new Uint32Array(out.length + edges.length);
  all.set(out);
  all.set(edges, out.length);
  return new Float32Array(all.buffer);
}

export const CAST_FORMATS = ELEMENT_FORMATS;

const RECIPES: BlockRecipeInput[] = [
  { recipe: "mxfp8" }, { recipe: "mxfp8", element: "e5m2", scaleRule: "rceil" }, { recipe: "mxfp6", scaleRule: "rceil" }, { recipe: "mxfp6", element: "e3m2" },
  { recipe: "mxfp4" }, { recipe: "mxfp4", scaleRule: "rceil", gradientRounding: "stochastic" }, { recipe: "nvfp4" }, { recipe: "nvfp4", weightBlocks: "1x16", gradientRounding: "nearest" },
  { recipe: "blockwise", blockSize: 32 }, { recipe: "blockwise", element: "e5m2", powerOfTwoScales: true, blockSize: 16, gradientRounding: "stochastic" },
];

export interface BlockCase {
  name: string;
  x: Float32Array;
  rows: number;
  cols: number;
  plan: LayoutPlan;
}

const pad = (xs: number[], n: number) => [...xs, ...Array<number>(n - xs.length).fill(0)];

/** A [rows, cols] tensor of random signs and mantissas with exponents spread over `span` binades around 2^center. */
function spread(rows: number, cols: number, seed: number, center: number, span: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: rows * cols }, () => (r() & 1 ? -1 : 1) * (1 + (r() % 4096) / 4096) * 2 ** (center + (r() % span) - span / 2));
}

export function blockCases(): BlockCase[] {
  const cases: BlockCase[] = [];
  const tensors: [string, Float32Array, number, number][] = [
    ["traces", Float32Array.from([...pad([470, 1, -0.5, 3], 32), ...pad([7.5, 1, 0.3, -2.6], 32), ...pad([10.5, 5.25, -1, 0.1], 32), ...pad([2.5, 0.75, 5, -2.5], 32)]), 2, 64],
    ["wide", spread(40, 72, 1, 0, 24), 40, 72],
    ["tiny (scales and values near fp32 subnormals)", spread(16, 48, 2, -120, 16), 16, 48],
    ["huge", spread(16, 32, 3, 120, 12), 16, 32],
    // fl(amax · fl(1/max)) lands exactly on 2^-127 (an fp32 subnormal): rceil keeps it (E8M0 code 0); just above goes up
    ["rceil at 2^-127", Float32Array.from({ length: 2 * 64 }, (_, i) => (i % 32 === 0 ? [6, 7.5, 28, 448][(i >> 5) % 4]! * 2 ** -127 * (i >= 64 ? 1.25 : 1) : 0)), 2, 64],
    ["zeros, NaN and Inf", Float32Array.from({ length: 32 * 34 }, (_, i) => (i < 96 ? 0 : i === 200 ? NaN : i === 300 ? Infinity : i === 301 ? -Infinity : i % 7 === 0 ? -0 : (i % 13) - 6)), 32, 34],
  ];
  for (const recipe of RECIPES) {
    const r = blockRecipeSchema.parse(recipe);
    for (const role of OPERAND_ROLES) {
      for (const direction of ["rowwise", "columnwise"] as const) {
        const plan = planOf(r, role, direction, 4242);
        for (const [name, x, rows, cols] of tensors) cases.push({ name: `${JSON.stringify(recipe)} ${role} ${direction}: ${name}`, x, rows, cols, plan });
      }
    }
  }
  // NVFP4 with a NaN in the tensor: the tensor scale becomes the fp32 max (TE's fminf) and S_dec an fp32 subnormal
  const nan = spread(16, 32, 5, 0, 8);
  new Uint32Array(nan.buffer)[17] = 0xffc00123; // a negative quiet NaN with a payload: amax keeps its bits (a signalling one
  // would not reach the kernels alike: the CPU backend's write quiets it, the others store it as given)
  cases.push({ name: "nvfp4 with a NaN amax", x: nan, rows: 16, cols: 32, plan: planOf(blockRecipeSchema.parse({ recipe: "nvfp4" }), "activation", "rowwise", 1) });
  return cases;
}

/** Hadamard inputs: random values, fp32 subnormals, zeros of both signs, NaN and Inf; a trailing partial chunk. */
export function hadamardInputs(): [Float32Array, number, number][] {
  const a = spread(9, 40, 6, 0, 30);
  const b = spread(4, 32, 7, -130, 10); // subnormal sums
  const c = Float32Array.from({ length: 3 * 16 }, (_, i) => [0, -0, NaN, Infinity, -Infinity, 1, -1, 3.4e38][i % 8]!);
  return [[a, 9, 40], [b, 4, 32], [c, 3, 16]];
}

export { FORMATS };

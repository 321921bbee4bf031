// quantize(values, shape, recipe): a tensor through a block recipe, as the CPU reference
// every backend's kernels are tested against. A tensor of shape [..., cols] is a
// [rows, cols] matrix (row-major). The rowwise layout is cut into blocks along cols; the
// columnwise layout is the transpose ([cols, rows], what the backward GEMMs read)
// quantised on its own from the unquantised values (after NVFP4's Hadamard transform
// where the recipe asks for it). Per block (blockScales.ts):
//   amax = max |x| (fp32 bit order: NaN > Inf > finite)     -> the block's scale
//   y    = fl(x · blockEncode)
//   q    = element(y)   saturating: ±Inf -> ±max (CUDA's satfinite), NaN stays NaN where
//                      the element has one; nearest, or stochastic with randomBits(seed, i)
//                      for element i of the layout (row-major index)
//   x̂    = fl(fl(q · blockDecode) · tensorDecode)
// A NaN that arithmetic makes is the positive quiet NaN (formats.ts QUIET_NAN_BITS) here
// and in every kernel: the sign of NaN of a value y decides its E2M1 code (-NaN -> +0).
// and per block the counts the forensics read: saturated (a finite value that rounded
// past the element maximum, in a block whose scale is not zero) and flushed (a nonzero
// finite value that became zero, in a block whose scale is not NaN).
import { blockRecipeSchema, blockShape, elementOf, hadamardOf, roundingOf, OPERAND_ROLES, type BlockRecipe, type BlockRecipeInput, type OperandRole } from "./blockRecipe.js";
import { blockwiseScale, mxScale, nvfp4BlockScale, nvfp4TensorScale, type BlockScale, type Nvfp4TensorScale } from "./blockScales.js";
import { canonicalBits, decodeBits, encodeBits, FORMATS, overflows, type ElementFormat, type FormatSpec } from "./formats.js";
import { hadamard16 } from "./hadamard.js";
import { randomBits } from "./randomBits.js";
import type { Rounding } from "./round.js";
import { describeIssues } from "../payload/parse.js";

/** How one layout is quantised: the part of a recipe the kernels see. */
export interface LayoutPlan {
  kind: "mx" | "nvfp4" | "blockwise";
  element: ElementFormat;
  /** MX only */
  scaleRule: "floor" | "rceil";
  /** blockwise only */
  powerOfTwoScales: boolean;
  /** rows x cols of a block of this layout */
  block: [number, number];
  rounding: Rounding;
  seed: number;
}

export interface QuantizedLayout {
  rows: number;
  cols: number;
  plan: LayoutPlan;
  /** what was quantised: the values (transposed for columnwise, after the Hadamard transform if `hadamard`) */
  input: Float32Array;
  hadamard: boolean;
  /** dequantised values x̂ and the element codes, [rows, cols] */
  values: Float32Array;
  codes: Uint8Array;
  /** per block, row-major over the [blockRows, blockCols] grid */
  blockRows: number;
  blockCols: number;
  amax: Float32Array;
  /** blockDecode of each block (MX: 2^X; NVFP4: the E4M3 scale; blockwise: fl(1/s)) */
  scales: Float32Array;
  /** E8M0 (MX) or E4M3 (NVFP4) codes of the scales; null for fp32 scales */
  scaleCodes: Uint8Array | null;
  saturated: Uint32Array;
  flushed: Uint32Array;
  /** tensorDecode (NVFP4's S_dec; 1 otherwise) and the amax of the whole layout */
  tensorScale: number;
  tensorAmax: number;
}

export interface QuantizedTensor {
  recipe: BlockRecipe;
  role: OperandRole;
  shape: number[];
  rowwise: QuantizedLayout;
  columnwise: QuantizedLayout | null;
}

export interface QuantizeOptions {
  /** default "activation" */
  role?: OperandRole;
  /** the stream of stochastic rounding (default 0); the columnwise layout draws from seed + 0x9e3779b9 */
  seed?: number;
  /** quantise the transpose too (default: for tensors of rank >= 2) */
  columnwise?: boolean;
}

const bitsOfArray = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const fromBits = (b: number) => ((u32[0] = b >>> 0), f32[0]);

/** max |x| over a [r0, r1) x [c0, c1) region, as fp32 bits (NaN > Inf > finite). */
function amaxBits(bits: Uint32Array, cols: number, r0: number, r1: number, c0: number, c1: number): number {
  let m = 0;
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) {
    const a = bits[r * cols + c]! & 0x7fffffff;
    if (a > m) m = a;
  }
  return m;
}

/** The element cast inside a block: saturating, ±Inf -> ±max (satfinite). */
function castElement(yb: number, e: FormatSpec, r: number | undefined): number {
  if ((yb & 0x7fffffff) === 0x7f800000) return (yb >>> 31 ? e.signBit : 0) | e.maxBits;
  return encodeBits(yb, e, true, r);
}

/** One layout through a plan: the CPU reference of the block-quantise kernels. */
export function quantizeLayout(input: Float32Array, rows: number, cols: number, plan: LayoutPlan, hadamard = false): QuantizedLayout {
  const e = FORMATS[plan.element];
  const [bh, bw] = plan.block;
  const blockRows = Math.ceil(rows / bh), blockCols = Math.ceil(cols / bw), nb = blockRows * blockCols;
  const bits = bitsOfArray(input);
  const tensorAmaxBits = amaxBits(bits, cols, 0, rows, 0, cols);
  const t: Nvfp4TensorScale | null = plan.kind === "nvfp4" ? nvfp4TensorScale(fromBits(tensorAmaxBits)) : null;
  const tensorScale = t ? t.decode : 1;
  const out: QuantizedLayout = {
    rows, cols, plan, input, hadamard, values: new Float32Array(rows * cols), codes: new Uint8Array(rows * cols),
    blockRows, blockCols, amax: new Float32Array(nb), scales: new Float32Array(nb), scaleCodes: plan.kind === "blockwise" ? null : new Uint8Array(nb),
    saturated: new Uint32Array(nb), flushed: new Uint32Array(nb), tensorScale, tensorAmax: fromBits(tensorAmaxBits),
  };
  const valueBits = bitsOfArray(out.values), amaxOut = bitsOfArray(out.amax), scaleOut = bitsOfArray(out.scales);
  for (let br = 0; br < blockRows; br++) for (let bc = 0; bc < blockCols; bc++) {
    const blk = br * blockCols + bc;
    const r0 = br * bh, r1 = Math.min(rows, r0 + bh), c0 = bc * bw, c1 = Math.min(cols, c0 + bw);
    const am = amaxBits(bits, cols, r0, r1, c0, c1);
    const s: BlockScale = plan.kind === "mx" ? mxScale(am, e, plan.scaleRule) : plan.kind === "nvfp4" ? nvfp4BlockScale(am, t!) : blockwiseScale(am, plan.element as "e4m3" | "e5m2", plan.powerOfTwoScales);
    amaxOut[blk] = am; // the bits as read (a NaN keeps its payload, as in the kernels)
    scaleOut[blk] = canonicalBits(s.decode);
    if (out.scaleCodes) out.scaleCodes[blk] = s.code;
    let saturated = 0, flushed = 0;
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) {
      const i = r * cols + c, x = input[i]!;
      const yb = canonicalBits(Math.fround(x * s.encode));
      const rnd = plan.rounding === "stochastic" ? randomBits(plan.seed, i) : undefined;
      const code = castElement(yb, e, rnd);
      const q = decodeBits(code, e);
      out.codes[i] = code;
      valueBits[i] = canonicalBits(Math.fround(Math.fround(q * s.decode) * tensorScale));
      if (Number.isFinite(x)) {
        if (s.decode > 0 && ((yb & 0x7fffffff) >= 0x7f800000 || overflows(yb, e, rnd))) saturated++;
        if (x !== 0 && q === 0 && s.decode === s.decode) flushed++; // not in a NaN-scale block: its codes mean nothing
      }
    }
    out.saturated[blk] = saturated;
    out.flushed[blk] = flushed;
  }
  return out;
}

export function planOf(recipe: BlockRecipe, role: OperandRole, direction: "rowwise" | "columnwise", seed: number): LayoutPlan {
  const [bh, bw] = blockShape(recipe, role);
  const kind = recipe.recipe === "nvfp4" ? "nvfp4" : recipe.recipe === "blockwise" ? "blockwise" : "mx";
  return {
    kind, element: elementOf(recipe),
    scaleRule: "scaleRule" in recipe ? recipe.scaleRule : "floor",
    powerOfTwoScales: recipe.recipe === "blockwise" ? recipe.powerOfTwoScales : false,
    block: direction === "rowwise" ? [bh, bw] : bh === 1 ? [1, bw] : [bw, bh],
    rounding: roundingOf(recipe, role),
    seed: direction === "rowwise" ? seed >>> 0 : (seed + 0x9e3779b9) >>> 0,
  };
}

/** [rows, cols] of a tensor shape: the last dimension is cols, the rest multiply into rows. */
export function matrixOf(shape: readonly number[]): [number, number] {
  const cols = shape[shape.length - 1]!;
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), cols];
}

export function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c]!;
  return t;
}

/** Quantises `values` (of `shape`) with a block recipe: dequantised values, codes and scales. */
export function quantize(values: Float32Array | ArrayLike<number>, shape: readonly number[], recipe: BlockRecipeInput, opts: QuantizeOptions = {}): QuantizedTensor {
  const parsed = blockRecipeSchema.safeParse(recipe);
  if (!parsed.success) throw new Error(`quantize: ${describeIssues(parsed.error)}`);
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`quantize: shape must be a non-empty array of positive integers (got ${JSON.stringify(shape)})`);
  const n = shape.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new Error(`quantize: shape ${JSON.stringify(shape)} holds ${n} values, values has ${values.length}`);
  const role = opts.role ?? "activation";
  if (!OPERAND_ROLES.includes(role)) throw new Error(`quantize: role must be one of ${OPERAND_ROLES.map((r) => `"${r}"`).join(", ")} (got ${JSON.stringify(role)})`);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`quantize: seed must be an integer from 0 to 4294967295 (got ${seed})`);
  const r = parsed.data;
  const x = values instanceof Float32Array ? values : Float32Array.from(values);
  const [rows, cols] = matrixOf(shape);
  const rowwise = quantizeLayout(x, rows, cols, planOf(r, role, "rowwise", seed));
  if (!(opts.columnwise ?? shape.length >= 2)) return { recipe: r, role, shape: [...shape], rowwise, columnwise: null };
  const h = hadamardOf(r, role);
  const xt = transpose(x, rows, cols);
  const columnwise = quantizeLayout(h ? hadamard16(xt, cols, rows) : xt, cols, rows, planOf(r, role, "columnwise", seed), h);
  return { recipe: r, role, shape: [...shape], rowwise, columnwise };
}

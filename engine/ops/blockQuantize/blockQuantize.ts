// blockQuantize: one layout of a tensor through a block recipe (MX, NVFP4, blockwise),
// the values a GEMM reads and a record of every block. The one definition is
// engine/numerics/blockQuantize.ts quantizeLayout (the scale rules: blockScales.ts):
//
//   per block: amax = max |x|; its scale by the plan's rule; per value
//   y = fl(x · blockEncode); q = element(y) (saturating, nearest or stochastic with
//   randomBits(seed, i)); out = fl(fl(q · blockDecode) · tensorDecode)
//
// x is the [rows, cols] matrix of one layout (rowwise: the tensor; columnwise: its
// transpose, after the Hadamard op where the recipe asks). record (f32):
//   [0] tensor amax, [1] tensorDecode (NVFP4's S_dec, else 1), then per block, row-major
//   over the block grid, BLOCK_WORDS words: amax, blockDecode, the scale's code (E8M0 or
//   E4M3; -1 for blockwise's fp32 scales), saturated values, flushed values.
// amax keeps the bits it was read with (a NaN's payload too); counts are exact below 2^24.
// No gradient: the forward half of a straight-through quantiser.
import type { Backend, Tensor } from "../../backend/backend.js";
import type { LayoutPlan } from "../../numerics/blockQuantize.js";
import { FORMATS } from "../../numerics/formats.js";
import { check, type OpContext } from "../op.js";

export interface BlockQuantizeArgs {
  out: Tensor;
  x: Tensor;
  rows: number;
  cols: number;
  plan: LayoutPlan;
  record: Tensor;
  codes?: Tensor;
}

export const RECORD_HEADER = 2;
export const BLOCK_WORDS = 5;

/** Blocks of a [rows, cols] layout under `plan` (row-major grid). */
export function blockGrid(plan: LayoutPlan, rows: number, cols: number): [number, number] {
  return [Math.ceil(rows / plan.block[0]), Math.ceil(cols / plan.block[1])];
}

/** Words of the record of a [rows, cols] layout. */
export function recordWords(plan: LayoutPlan, rows: number, cols: number): number {
  const [br, bc] = blockGrid(plan, rows, cols);
  return RECORD_HEADER + BLOCK_WORDS * br * bc;
}

/**
 * The 16 parameter words of the kernels (wasm: in the heap's scratch; WebGPU: the
 * uniform): rows, cols, block rows and cols, the block grid's cols and rows, kind
 * (0 MX, 1 NVFP4, 2 blockwise), scale rule (0 floor, 1 rceil), power-of-two scales,
 * stochastic, seed, fl(1/max_elem) and max_elem as fp32 bits, emax_elem.
 */
export function blockParams(plan: LayoutPlan, rows: number, cols: number): Uint32Array {
  const e = FORMATS[plan.element];
  const [bh, bw] = plan.block;
  const [gr, gc] = blockGrid(plan, rows, cols);
  const bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0]!;
  return Uint32Array.of(
    rows, cols, bh, bw, gc, gr,
    { mx: 0, nvfp4: 1, blockwise: 2 }[plan.kind], plan.scaleRule === "rceil" ? 1 : 0, plan.powerOfTwoScales ? 1 : 0, plan.rounding === "stochastic" ? 1 : 0,
    plan.seed >>> 0, bits(Math.fround(1 / e.max)), bits(e.max), Math.floor(Math.log2(e.max)), 0, 0,
  );
}

export function blockQuantize(be: Backend, args: BlockQuantizeArgs, ctx?: OpContext): void {
  const { out, x, rows, cols, plan, record, codes } = args;
  const op = "blockQuantize";
  check(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0 && rows * cols === x.size, op, `rows x cols must be x's ${x.size} values`);
  check(out.dtype === "f32" && out.size === x.size, op, "out must be an f32 tensor of x's size");
  check(!codes || (codes.dtype === "f32" && codes.size === x.size), op, "codes must be an f32 tensor of x's size");
  check(record.dtype === "f32" && record.size >= recordWords(plan, rows, cols), op, `record must be an f32 tensor of at least ${recordWords(plan, rows, cols)} words`);
  check(plan.block.every((d) => Number.isInteger(d) && d >= 1), op, "block dimensions must be positive integers");
  check(plan.kind !== "nvfp4" || plan.element === "e2m1", op, "NVFP4's elements are e2m1");
  check(plan.kind !== "blockwise" || plan.element === "e4m3" || plan.element === "e5m2", op, "blockwise elements are e4m3 or e5m2");
  be.run(op, args, ctx);
}

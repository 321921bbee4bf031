// hadamard16: NVFP4's 16-point random Hadamard transform along the rows of x[rows, cols],
// applied to the weight-gradient GEMM's inputs before they are quantised (the definition,
// its order of operations and why: engine/numerics/hadamard.ts):
//   out_j = 0.25 · Σ_{i=0..15} s_i · H_ij · x_i  per chunk of 16 (i ascending, fp32 adds);
//   a trailing chunk shorter than 16 is copied.
// out is f32; x is f32, f16 or bf16. Linear and orthogonal: its backward is the
// transform by the transpose (not needed: the GEMM's product is unchanged).
import type { Backend, Tensor } from "../../backend/backend.js";
import { HADAMARD_SIGNS } from "../../numerics/hadamard.js";
import { check, type OpContext } from "../op.js";

export interface HadamardArgs {
  out: Tensor;
  x: Tensor;
  rows: number;
  cols: number;
}

/** Bit i set where the sign s_i is -1: the kernels' SIGNS, from hadamard.ts. */
export const HADAMARD_SIGN_MASK = HADAMARD_SIGNS.reduce((m, s, i) => (s < 0 ? m | (1 << i) : m), 0) >>> 0;

export function hadamard16(be: Backend, args: HadamardArgs, ctx?: OpContext): void {
  const { out, x, rows, cols } = args;
  check(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0 && rows * cols === x.size, "hadamard16", `rows x cols must be x's ${x.size} values`);
  check(out.dtype === "f32" && out.size === x.size && out !== x, "hadamard16", "out must be an f32 tensor of x's size, not x itself");
  be.run("hadamard16", args, ctx);
}

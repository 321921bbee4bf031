// The 16-point random Hadamard transform of NVFP4's weight-gradient inputs (arXiv
// 2509.25149: it spreads a block's outlier over the 16 values so the E4M3 block scale
// fits the rest better). Along the last dimension, in chunks of 16:
//   out_j = 0.25 · Σ_{i=0..15} s_i · H_ij · v_i      H_ij = (-1)^popcount(i & j) (Sylvester)
// M = diag(s)·H/4 is orthogonal (M·Mᵀ = I), and the weight-gradient GEMM contracts
// over this dimension with both operands transformed, (dYᵀM)(XᵀM)ᵀ = dYᵀX, so the
// product is unchanged in exact arithmetic. The signs s are Transformer Engine's fixed wgrad sign vector
// (custom_recipes/quantization_nvfp4.py `get_wgrad_sign_vector`). The sum runs over i
// in ascending order in fp32 (each term ±v_i is exact), then one multiply by 0.25:
// the order every backend's kernel follows, so the results are bit-identical. A
// trailing chunk shorter than 16 is left as it is (TE refuses such shapes; leaving it
// keeps the GEMM identity, as both operands leave it alike).
import { canonicalBits } from "./formats.js";

export const HADAMARD_SIZE = 16;
export const HADAMARD_SIGNS: readonly number[] = [1, 1, 1, -1, 1, -1, -1, -1, -1, -1, -1, 1, -1, 1, -1, -1];

/** H_ij · s_i, the sign of v_i's term in out_j. */
export function hadamardSign(i: number, j: number): number {
  let p = i & j, parity = 0;
  while (p) { parity ^= p & 1; p >>>= 1; }
  return (parity ? -1 : 1) * HADAMARD_SIGNS[i]!;
}

/** The transform of each row of a [rows, cols] tensor (row-major), in chunks of 16 along cols. */
export function hadamard16(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = Float32Array.from(x);
  const outBits = new Uint32Array(out.buffer);
  const full = cols - (cols % HADAMARD_SIZE);
  for (let r = 0; r < rows; r++) {
    for (let c0 = 0; c0 < full; c0 += HADAMARD_SIZE) {
      const base = r * cols + c0;
      for (let j = 0; j < HADAMARD_SIZE; j++) {
        let acc = 0;
        for (let i = 0; i < HADAMARD_SIZE; i++) acc = Math.fround(acc + hadamardSign(i, j) * x[base + i]!);
        outBits[base + j] = canonicalBits(Math.fround(acc * 0.25));
      }
    }
  }
  return out;
}

// The scale of one block under each recipe, from the block's amax (max |x| in fp32 bit
// order: NaN > Inf > finite). Every recipe dequantises the same way,
//   x̂ = fl(fl(q · blockDecode) · tensorDecode)        q = element(fl(x · blockEncode))
// with tensorDecode 1 except under NVFP4 (and q · blockDecode exact for MX and NVFP4).
// All arithmetic is fp32, each operation rounded once (JS computes in fp64 and rounds to
// fp32: exact for a product, and for a quotient of two fp32 numbers).
import { canonicalBits, decodeBits, encodeBits, f32Bits, FORMATS, type FormatSpec } from "./formats.js";
import { currentScale, FP32_MAX, floorLog2 } from "./fp8Scaling.js";

export interface BlockScale {
  /** the scale's code: E8M0 (MX), E4M3 (NVFP4), or -1 for a plain fp32 scale (blockwise) */
  code: number;
  /** what the element codes are multiplied by to dequantise (before tensorDecode) */
  decode: number;
  /** what the values are multiplied by before the element cast */
  encode: number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const fromBits = (b: number) => ((u32[0] = b >>> 0), f32[0]);

/** emax_elem of OCP MX v1.0 (Table 1): the exponent of the element format's largest power of two. */
export function emaxOf(f: FormatSpec): number {
  return Math.floor(Math.log2(f.max));
}

/**
 * MX (OCP MX v1.0 §6.3, torchao mx_formats `to_mx`):
 *  floor: X = floor(log2 amax) - emax_elem, clamped to E8M0's [-127, 127]. An all-zero
 *         block gets X = -127 (torchao reads the exponent field of 0; Microsoft's
 *         microxcaling takes log2 of FP32_MIN_NORMAL: both clamp to -127). The largest
 *         value then lies in [2^emax, 2^(emax+1)): above max_elem it saturates (E4M3:
 *         amax/2^X > 464 goes to 448), the overflow torchao #2035 describes.
 *  rceil: X = ceil(log2(fl(amax · fl(1/max_elem)))), the product's E8M0 rounded up
 *         (torchao `_f32_to_e8m0_rceil`, the cuBLAS / TE rule: an fp32 subnormal rounds
 *         up only when above 2^-127; zero gives X = -127).
 * A NaN or Inf in the block gives the NaN scale (0xFF) and every value of the block
 * dequantises to NaN (the spec: a NaN scale makes the whole block NaN).
 */
export function mxScale(amaxBits: number, element: FormatSpec, rule: "floor" | "rceil"): BlockScale {
  const a = amaxBits & 0x7fffffff;
  let code: number;
  if (a >= 0x7f800000) code = 0xff;
  else if (rule === "floor") code = a === 0 ? 0 : Math.max(-127, Math.min(127, floorLog2(fromBits(a)) - emaxOf(element))) + 127;
  else {
    const d = f32Bits(Math.fround(fromBits(a) * Math.fround(1 / element.max)));
    const e = d >>> 23, m = d & 0x7fffff;
    code = e + (e === 0 ? (m > 0x400000 ? 1 : 0) : m !== 0 ? 1 : 0);
  }
  if (code === 0xff) return { code, decode: NaN, encode: NaN };
  return { code, decode: 2 ** (code - 127), encode: 2 ** (127 - code) };
}

export interface Nvfp4TensorScale {
  /** S_enc = 448·6 / amax of the tensor */
  encode: number;
  /** S_dec = fl(1 / S_enc): the tensorDecode of every block */
  decode: number;
  /** fl(S_enc · fl(1/6)): what a block amax is multiplied by to give its E4M3 scale */
  blockMultiplier: number;
}

/**
 * NVFP4's fp32 tensor scale (arXiv 2509.25149, Appendix: the global encode scale
 * 6·448/amax; Transformer Engine core_nvfp4.cuh `compute_global_encode_scaling_factor_FP4`):
 * fl(2688 / amax), the fp32 max where that overflows, 1 where amax is 0 or Inf; a NaN
 * amax gives the fp32 max (CUDA's fminf(NaN, max) returns max).
 */
export function nvfp4TensorScale(amax: number): Nvfp4TensorScale {
  let encode = Math.fround(2688 / Math.fround(amax));
  if (!(encode <= FP32_MAX)) encode = FP32_MAX;
  if (amax === 0 || encode === 0) encode = 1;
  return { encode, decode: Math.fround(1 / encode), blockMultiplier: Math.fround(encode * Math.fround(1 / 6)) };
}

/**
 * NVFP4 block scale (TE core_nvfp4.cuh `compute_decoding_scaling_factor` and
 * `compute_scaling_coefficient`, the rules its reference quantizer matches exactly):
 *   s_b = e4m3(fl(amax_b · blockMultiplier))     saturating: an Inf amax gives 448; NaN stays NaN
 *   blockEncode = min(fl(1 / fl(s_b · S_dec)), fp32 max)     (s_b = 0: the fp32 max)
 */
export function nvfp4BlockScale(amaxBits: number, t: Nvfp4TensorScale): BlockScale {
  let d = Math.fround(fromBits(amaxBits & 0x7fffffff) * t.blockMultiplier);
  if (d > FP32_MAX) d = FP32_MAX; // fminf before the cast: Inf saturates to 448
  const code = encodeBits(canonicalBits(d), FORMATS.e4m3, true);
  const decode = decodeBits(code, FORMATS.e4m3);
  let encode = Math.fround(1 / Math.fround(decode * t.decode));
  if (!(encode <= FP32_MAX)) encode = FP32_MAX; // fminf: Inf (s_b = 0) and NaN give the fp32 max
  return { code, decode, encode };
}

/**
 * Blockwise fp8 (DeepSeek-V3; TE recipe_common.cuh `compute_scale_from_amax` with
 * epsilon 0): s = fl(max_fp8 / amax), 1 where amax is 0, Inf or NaN, the fp32 max where
 * the quotient overflows; with powerOfTwoScales the mantissa bits are cleared (rounded
 * down to a power of two). Dequantised with fl(1/s), as TE's scale_inv.
 */
export function blockwiseScale(amaxBits: number, element: "e4m3" | "e5m2", powerOfTwo: boolean): BlockScale {
  let s = currentScale(element, fromBits(amaxBits & 0x7fffffff));
  if (powerOfTwo) s = fromBits(f32Bits(s) & 0xff800000);
  return { code: -1, decode: Math.fround(1 / s), encode: s };
}

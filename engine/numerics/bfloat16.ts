// bfloat16: the top 16 bits of an fp32. fp32 -> bf16 rounds to nearest, ties to
// even on the dropped 16 bits; subnormals are kept; a carry out of the largest
// finite value gives ±Inf; NaN stays a (quiet) NaN.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export const BF16_MAX = 3.3895313892515355e38; // 0x7F7F
export const BF16_MIN_NORMAL = 2 ** -126;
export const BF16_MIN_SUBNORMAL = 2 ** -133;

/** fp32 value -> bf16 bit pattern (0..65535). */
export function bf16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7fffffff) > 0x7f800000) return ((bits >>> 16) | 0x0040) & 0xffff; // NaN: keep sign, force quiet
  const lsb = (bits >>> 16) & 1;
  return ((bits + 0x7fff + lsb) >>> 16) & 0xffff;
}

/** bf16 bit pattern -> its value. */
export function fromBf16Bits(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/** Rounds to the nearest bf16 value. */
export function roundBf16(x: number): number {
  return fromBf16Bits(bf16Bits(x));
}

export function roundBf16Array(src: Float32Array, dst: Float32Array = src): Float32Array {
  for (let i = 0; i < src.length; i++) dst[i] = roundBf16(src[i]);
  return dst;
}

// IEEE binary16 (fp16): max 65504, min normal 2^-14, min subnormal 2^-24.
// fp32 -> fp16 rounds to nearest, ties to even, keeps subnormals and turns
// values beyond the finite range into ±Inf; NaN stays NaN. The CPU uses
// @petamoriken/float16 (a well-tested implementation of exactly that rule);
// the WebGPU backend's emulated path is tested bit for bit against it.
import { f16round, getFloat16, setFloat16 } from "@petamoriken/float16";

export const F16_MAX = 65504;
export const F16_MIN_NORMAL = 2 ** -14;
export const F16_MIN_SUBNORMAL = 2 ** -24;
export const F16_EPSILON = 2 ** -10;

/**
 * Rounds to the nearest fp16 value. The input is first rounded to fp32 (the
 * contract converts fp32 values; a JS double would otherwise round only once).
 */
export function roundF16(x: number): number {
  return f16round(Math.fround(x));
}

const view = new DataView(new ArrayBuffer(4));

/** fp32 value -> fp16 bit pattern (0..65535). */
export function f16Bits(x: number): number {
  setFloat16(view, 0, Math.fround(x));
  return view.getUint16(0);
}

/** fp16 bit pattern -> its value. */
export function fromF16Bits(bits: number): number {
  view.setUint16(0, bits & 0xffff);
  return getFloat16(view, 0);
}

/** Rounds every element of `src` to fp16, into `dst` (may be the same array). */
export function roundF16Array(src: Float32Array, dst: Float32Array = src): Float32Array {
  for (let i = 0; i < src.length; i++) dst[i] = f16round(src[i]);
  return dst;
}

// Element formats: one encoder for every small float the lab knows, on the fp32 bit
// pattern (integers only, so engine/ops/quantize/formats.wgsl and quantize.wat are
// its bit-identical twins). The reference is ml_dtypes 0.6 (float8_e4m3fn, float8_e5m2,
// float6_e2m3fn, float6_e3m2fn, float4_e2m1fn, float8_e8m0fnu, bfloat16; numpy's
// float16), tested over every pattern and edge and tie inputs (test/engine/numerics).
//
//   format  bits  exp.man  bias  max       Inf  NaN             (OCP FP8 spec; OCP MX v1.0 §5.3, §5.4.1)
//   e4m3      8   4.3       7    448       -    S.1111.111
//   e5m2      8   5.2      15    57344     yes  IEEE
//   e2m3      6   2.3       1    7.5       -    -
//   e3m2      6   3.2       3    28        -    -
//   e2m1      4   2.1       1    6         -    -
//   e8m0      8   8.0     127    2^127     -    0xFF            unsigned, no zero: 2^(code-127)
//   f16      16   5.10     15    65504     yes  IEEE
//   bf16     16   8.7     127    ~3.39e38  yes  IEEE
//
// Rounding "nearest": to nearest, ties to even (IEEE roundTiesToEven), except e8m0 (below).
// Rounding "stochastic": up with probability (x - down)/(up - down), decided by 32
// random bits r of (seed, index) (randomBits.ts): up iff r < floor(frac · 2^32), so the
// bias is below 2^-32 of a step. Values beyond the range (after rounding):
//   saturate:  finite values become ±max;
//   otherwise: e4m3 -> NaN, e5m2/f16/bf16 -> ±Inf (what ml_dtypes' astype does).
// Inf and NaN inputs stay non-finite where the format can say so, in both modes.
// Where ml_dtypes and the OCP MX spec leave room, this follows ml_dtypes:
//   - e2m1/e2m3/e3m2 have no Inf or NaN (OCP MX §5.3.2/5.3.3): overflow and ±Inf always
//     saturate to ±max. A NaN becomes a zero of the opposite sign (+NaN -> -0, -NaN -> +0):
//     ml_dtypes' quiet_NaN() of these types is the code of -0 (its mxfloat.h: "conversion
//     from NaNs is implementation-defined (by MX specification)"), negated for a -NaN.
//   - e8m0 (OCP MX §5.4.1 defines the encoding, not a conversion): ml_dtypes rounds a
//     normal fp32 half up (mantissa >= 0.5 goes to the next power of two: 1.5 -> 2,
//     3 -> 4, not ties-to-even); an fp32 subnormal above 2^-127 goes up to 2^-126 and
//     one at or below it to 2^-127 (the smallest code: there is no zero); zero, negative
//     values (-0 included), Inf and NaN give NaN (0xFF), and so does a value rounding
//     past 2^127 (saturating: 2^127).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export const ELEMENT_FORMATS = ["e4m3", "e5m2", "e2m3", "e3m2", "e2m1", "e8m0", "f16", "bf16"] as const;
export type ElementFormat = (typeof ELEMENT_FORMATS)[number];

export interface FormatSpec {
  name: ElementFormat;
  /** storage width in bits; the sign is the top bit (none for e8m0) */
  bits: number;
  ebits: number;
  mbits: number;
  bias: number;
  /** the sign bit in a code (0 for the unsigned e8m0) */
  signBit: number;
  /** magnitude code of the largest finite value */
  maxBits: number;
  /** magnitude code of Inf, and of the NaN an encoder writes; null where the format has none */
  infBits: number | null;
  nanBits: number | null;
  max: number;
  /** smallest positive normal and subnormal (e8m0: both 2^-127) */
  minNormal: number;
  minSubnormal: number;
  /** the ml_dtypes (or numpy) dtype name: the reference this format is tested against */
  reference: string;
}

function spec(name: ElementFormat, ebits: number, mbits: number, bias: number, maxBits: number, infBits: number | null, nanBits: number | null, reference: string): FormatSpec {
  const bits = 1 + ebits + mbits;
  const minNormal = 2 ** (1 - bias);
  const value = (mag: number) => decodeMagnitude(mag, ebits, mbits, bias);
  return { name, bits, ebits, mbits, bias, signBit: 1 << (ebits + mbits), maxBits, infBits, nanBits, max: value(maxBits), minNormal, minSubnormal: minNormal * 2 ** -mbits, reference };
}

export const FORMATS: Record<ElementFormat, FormatSpec> = {
  e4m3: spec("e4m3", 4, 3, 7, 0x7e, null, 0x7f, "ml_dtypes.float8_e4m3fn"),
  e5m2: spec("e5m2", 5, 2, 15, 0x7b, 0x7c, 0x7e, "ml_dtypes.float8_e5m2"),
  e2m3: spec("e2m3", 2, 3, 1, 0x1f, null, null, "ml_dtypes.float6_e2m3fn"),
  e3m2: spec("e3m2", 3, 2, 3, 0x1f, null, null, "ml_dtypes.float6_e3m2fn"),
  e2m1: spec("e2m1", 2, 1, 1, 0x7, null, null, "ml_dtypes.float4_e2m1fn"),
  e8m0: { name: "e8m0", bits: 8, ebits: 8, mbits: 0, bias: 127, signBit: 0, maxBits: 0xfe, infBits: null, nanBits: 0xff, max: 2 ** 127, minNormal: 2 ** -127, minSubnormal: 2 ** -127, reference: "ml_dtypes.float8_e8m0fnu" },
  f16: spec("f16", 5, 10, 15, 0x7bff, 0x7c00, 0x7e00, "numpy.float16"),
  bf16: spec("bf16", 8, 7, 127, 0x7f7f, 0x7f80, 0x7fc0, "ml_dtypes.bfloat16"),
};

/** fp32 bit pattern -> code of `f`. `r`: the 32 random bits of stochastic rounding; undefined: nearest. */
export function encodeBits(b: number, f: FormatSpec, saturate: boolean, r?: number): number {
  if (f.name === "e8m0") return encodeE8m0(b >>> 0, saturate, r);
  const s = b >>> 31 ? f.signBit : 0;
  const a = b & 0x7fffffff;
  if (a > 0x7f800000) return f.nanBits === null ? s ^ f.signBit : s | f.nanBits; // no NaN: ml_dtypes' "quiet NaN" -0, negated for a negative NaN
  if (a === 0x7f800000) return s | (f.infBits ?? f.nanBits ?? f.maxBits);
  const q = roundedMagnitude(a, f, r);
  if (q > f.maxBits) return s | (saturate ? f.maxBits : (f.infBits ?? f.nanBits ?? f.maxBits));
  return s | q;
}

/**
 * The rounded magnitude code of a finite |x| (fp32 bits `a`, sign cleared), before any
 * clamping: above f.maxBits when it rounds past the largest value.
 */
function roundedMagnitude(a: number, f: FormatSpec, r: number | undefined): number {
  const e = a >>> 23;
  let q: number;
  if (e >= 128 - f.bias) {
    // normal in the target: rebias the exponent, drop `sh` mantissa bits (a carry may bump the exponent)
    const sh = 23 - f.mbits;
    const rb = a - ((127 - f.bias) << 23);
    if (r === undefined) q = (rb + (1 << (sh - 1)) - 1 + ((rb >>> sh) & 1)) >>> sh;
    else q = (rb >>> sh) + ((rb << (32 - sh)) >>> 0 > r ? 1 : 0);
  } else {
    // subnormal in the target: the value is m · 2^(max(e,1) - 150), the target's unit 2^(1-bias-mbits)
    const m = (a & 0x7fffff) | (e ? 0x800000 : 0);
    const k = 150 + 1 - f.bias - f.mbits - Math.max(e, 1);
    if (r === undefined) {
      if (k >= 25) return 0; // below half the smallest subnormal (m < 2^24)
      q = m >>> k;
      const rem = m & ((1 << k) - 1), half = 1 << (k - 1);
      if (rem > half || (rem === half && (q & 1) === 1)) q++;
    } else {
      q = k >= 32 ? 0 : m >>> k;
      const frac = k >= 56 ? 0 : k >= 32 ? m >>> (k - 32) : (m << (32 - k)) >>> 0; // the dropped bits, as a 32-bit fraction
      if (frac > r) q++;
    }
  }
  return q;
}

/** Does the finite fp32 input `b` round (with `r`, as encodeBits) past the format's largest value? */
export function overflows(b: number, f: FormatSpec, r?: number): boolean {
  const a = b & 0x7fffffff;
  if (a >= 0x7f800000) return false;
  if (f.name === "e8m0") return b >>> 31 === 0 && a !== 0 && encodeE8m0(a, false, r) === 0xff;
  return roundedMagnitude(a, f, r) > f.maxBits;
}

/** e8m0 as ml_dtypes' float8_e8m0fnu (see the header); stochastic: up with probability frac. */
function encodeE8m0(b: number, saturate: boolean, r?: number): number {
  if (b === 0 || b >= 0x7f800000) return 0xff; // zero, NaN, Inf, and every negative (sign bit set)
  const e = b >>> 23, m = b & 0x7fffff;
  let q: number;
  if (e === 0) {
    // fp32 subnormal: (0, 2^-127] -> code 0; (2^-127, 2^-126) -> code 1 (nearest), or up with probability (v - 2^-127) / 2^-127
    if (m <= 0x400000) q = 0;
    else q = r === undefined || ((m - 0x400000) << 10) >>> 0 > r ? 1 : 0;
  } else {
    q = e + (r === undefined ? (m >= 0x400000 ? 1 : 0) : (m << 9) >>> 0 > r ? 1 : 0);
  }
  if (q > 0xfe) return saturate ? 0xfe : 0xff;
  return q;
}

function decodeMagnitude(mag: number, ebits: number, mbits: number, bias: number): number {
  const e = mag >>> mbits, m = mag & ((1 << mbits) - 1);
  if (e === 0) return m * 2 ** (1 - bias - mbits);
  return (1 + m / 2 ** mbits) * 2 ** (e - bias);
}

/** code of `f` -> its value (exact in fp32). */
export function decodeBits(code: number, f: FormatSpec): number {
  if (f.name === "e8m0") return code === 0xff ? NaN : 2 ** (code - 127);
  const mag = code & (f.signBit - 1);
  const sign = code & f.signBit ? -1 : 1;
  if (f.infBits !== null && mag >>> f.mbits === (1 << f.ebits) - 1) return mag === f.infBits ? sign * Infinity : NaN;
  if (f.infBits === null && f.nanBits !== null && mag === f.nanBits) return NaN;
  return sign * decodeMagnitude(mag, f.ebits, f.mbits, f.bias);
}

/** The fp32 bit pattern of x (x rounded to fp32 first). */
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

/**
 * The quiet NaN every backend writes for a NaN value that arithmetic or a decode
 * produced. IEEE leaves such a NaN's sign and payload open (x86 gives the negative one,
 * WebAssembly either): fixing it makes values bit-identical across backends. Codes keep
 * the sign of a NaN input where the format says so (ml_dtypes' e2m1 maps -NaN to +0).
 */
export const QUIET_NAN_BITS = 0x7fc00000;

/** f32Bits, with any NaN as QUIET_NAN_BITS. */
export function canonicalBits(x: number): number {
  return x !== x ? QUIET_NAN_BITS : f32Bits(x);
}

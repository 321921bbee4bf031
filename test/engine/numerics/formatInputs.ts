// Inputs that probe an element format's rounding: every value of the format, every
// midpoint between neighbours (the ties) and the fp32 numbers just either side of it,
// the edges past the largest value, zeros, fp32 subnormals, Inf and NaN of both signs,
// and seeded random fp32 patterns (fully random, and with exponents near the format's).
import { decodeBits, FORMATS, type ElementFormat } from "../../../engine/numerics/formats.js";
import { mulberry32 } from "./reference.js";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number) => ((f32[0] = x), u32[0]);
const valueOf = (b: number) => ((u32[0] = b >>> 0), f32[0]);

/** The positive finite values of `format`, ascending (zero included, e8m0 has none). */
export function positiveValues(format: ElementFormat): number[] {
  const f = FORMATS[format];
  const out = new Set<number>();
  const top = f.signBit ? f.signBit : 2 ** f.bits;
  for (let c = 0; c < top; c++) {
    const v = decodeBits(c, f);
    if (Number.isFinite(v) && !Object.is(v, -0)) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** fp32 bit patterns of the edge, tie and random inputs of `format`. */
export function edgeInputs(format: ElementFormat, randomCount = 50_000, seed = 1): Uint32Array {
  const f = FORMATS[format];
  const vals = positiveValues(format);
  const out: number[] = [];
  const push = (x: number) => {
    const b = bitsOf(x);
    out.push(b, (b ^ 0x80000000) >>> 0); // both signs
  };
  const around = (x: number) => {
    const b = bitsOf(x);
    out.push(b, (b ^ 0x80000000) >>> 0);
    if ((b & 0x7fffffff) > 0) out.push(b - 1, ((b - 1) ^ 0x80000000) >>> 0);
    if ((b & 0x7fffffff) < 0x7f800000) out.push(b + 1, ((b + 1) ^ 0x80000000) >>> 0);
  };
  for (const v of vals) around(v);
  for (let i = 0; i + 1 < vals.length; i++) {
    const mid = (vals[i]! + vals[i + 1]!) / 2;
    if (Math.fround(mid) !== mid) throw new Error(`midpoint ${mid} of ${format} is not an fp32 number`);
    around(mid);
  }
  // past the largest value: half a step above (the tie with the next binade's first step), one and two steps
  const max = f.max, step = format === "e8m0" ? max : 2 ** (Math.floor(Math.log2(max)) - f.mbits);
  for (const x of [max + step / 2, max + step, max * 2, max * 1.25]) if (Math.fround(x) === x && Number.isFinite(x)) around(x);
  for (const x of [3.4028234663852886e38, Infinity, NaN, 0, 2 ** -126, 2 ** -127, 2 ** -149, 1e-30, 1e30]) push(x);
  for (const b of [0x1, 0x3fffff, 0x400000, 0x400001, 0x5fffff, 0x600000, 0x600001, 0x7fffff, 0x7fc00001, 0x7f800001, 0x7fffffff]) out.push(b, (b | 0x80000000) >>> 0);
  // seeded random patterns: half anywhere, half with an exponent within 4 binades of the format's range
  const r = mulberry32(seed);
  const lo = Math.max(1, 127 + Math.floor(Math.log2(f.minSubnormal)) - 4);
  const hi = Math.min(254, 127 + Math.floor(Math.log2(f.max)) + 4);
  for (let i = 0; i < randomCount; i++) {
    const raw = r();
    out.push(i % 2 ? raw : ((raw & 0x807fffff) | ((lo + (r() % (hi - lo + 1))) << 23)) >>> 0);
  }
  return Uint32Array.from(out);
}

export { bitsOf as f32BitsOf, valueOf as f32OfBits };

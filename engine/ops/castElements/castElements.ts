// castElements: a tensor rounded to an element format, value by value (the formats and
// their rounding: engine/numerics/formats.ts, the one definition; its API: round.ts).
//
//   code_i = element(x_i)        saturating or not; nearest, or stochastic with the
//                                 random bits randomBits(seed, indexBase + i)
//   out_i  = the code's value     (f32; a NaN is the one quiet NaN, formats.ts QUIET_NAN_BITS)
//   codes_i = the code            (f32 holding the integer, when `codes` is given)
// No gradient: the cast is the forward half of a straight-through quantiser.
import type { Backend, Tensor } from "../../backend/backend.js";
import { ELEMENT_FORMATS, type ElementFormat } from "../../numerics/formats.js";
import type { Rounding } from "../../numerics/round.js";
import { check, type OpContext } from "../op.js";

export interface CastElementsParams {
  format: ElementFormat;
  saturate: boolean;
  rounding: Rounding;
  /** the random stream (uint32); element i draws randomBits(seed, indexBase + i) */
  seed: number;
  indexBase: number;
}

export interface CastElementsArgs {
  out: Tensor;
  x: Tensor;
  codes?: Tensor;
  p: CastElementsParams;
}

export const isUint32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

export function castElements(be: Backend, args: CastElementsArgs, ctx?: OpContext): void {
  const { out, x, codes, p } = args;
  check(out.dtype === "f32" && out.size === x.size, "castElements", "out must be an f32 tensor of x's size");
  check(!codes || (codes.dtype === "f32" && codes.size === x.size), "castElements", "codes must be an f32 tensor of x's size");
  check(ELEMENT_FORMATS.includes(p.format), "castElements", `format must be one of ${ELEMENT_FORMATS.join(", ")}`);
  check(p.rounding === "nearest" || p.rounding === "stochastic", "castElements", 'rounding must be "nearest" or "stochastic"');
  check(isUint32(p.seed) && isUint32(p.indexBase), "castElements", "seed and indexBase must be integers from 0 to 4294967295");
  be.run("castElements", args, ctx);
}

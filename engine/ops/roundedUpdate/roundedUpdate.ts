// roundedUpdate: w <- element(fl(w + u)), the weight update of 16-bit (or smaller) weights
// kept without an fp32 master copy. Rounded to nearest, small updates are lost (w + u
// rounds back to w: stagnation); rounded stochastically, each is kept with probability
// |u| / step, so the expected weight follows the fp32 one (randomBits(seed, indexBase + i)
// for element i: the same draws on every backend). Not saturating (an overflow gives Inf,
// as a torch bf16 add does). Counts the nonzero updates lost to rounding: record[slot]
// (f32), when record is given. The sum fl(w + u) is fp32, so the stochastic rounding
// of it is unbiased up to fp32's own rounding of the sum (2^-24 relative).
//   w: f32 (any element format's values), f16 (format "f16") or bf16 ("bf16"), in place;
//   u: f32, w's size.
import type { Backend, Tensor } from "../../backend/backend.js";
import { ELEMENT_FORMATS, type ElementFormat } from "../../numerics/formats.js";
import type { Rounding } from "../../numerics/round.js";
import { isUint32 } from "../castElements/castElements.js";
import { check, type OpContext } from "../op.js";

export interface RoundedUpdateParams {
  format: ElementFormat;
  rounding: Rounding;
  seed: number;
  indexBase: number;
}

export interface RoundedUpdateArgs {
  w: Tensor;
  u: Tensor;
  p: RoundedUpdateParams;
  record?: Tensor;
  slot?: number;
}

export function roundedUpdate(be: Backend, args: RoundedUpdateArgs, ctx?: OpContext): void {
  const { w, u, p, record, slot = 0 } = args;
  const op = "roundedUpdate";
  check(u.dtype === "f32" && u.size === w.size, op, "u must be an f32 tensor of w's size");
  check(ELEMENT_FORMATS.includes(p.format), op, `format must be one of ${ELEMENT_FORMATS.join(", ")}`);
  check(w.dtype === "f32" || w.dtype === p.format, op, `a ${w.dtype} tensor holds ${w.dtype} values: format must be "${w.dtype}" (or w an f32 tensor)`);
  check(p.rounding === "nearest" || p.rounding === "stochastic", op, 'rounding must be "nearest" or "stochastic"');
  check(isUint32(p.seed) && isUint32(p.indexBase), op, "seed and indexBase must be integers from 0 to 4294967295");
  check(!record || (record.dtype === "f32" && Number.isInteger(slot) && slot >= 0 && slot < record.size), op, `slot ${slot} outside the record tensor`);
  be.run(op, args, ctx);
}

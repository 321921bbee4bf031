// quantizeFp8: the fp8 cast of a matmul input, with a per-tensor (or per-block) scale
// (engine/numerics/fp8Quantize.ts is the one definition):
//
//   s  = cast.scale (given: delayed scaling), fp8_max / amax(x) (current), or a power of
//        two per block of 32 values (block, MX)
//   q  = fp8(fl(x · s))          round to nearest even, saturating or not
//   out = fl(q · fl(1/s))        f32, what the matmul reads
// and record[4·slot ..] = amax(x), s, the count of finite values that saturated and of
// nonzero values flushed to zero (FP8_RECORD_WORDS a slot; record is f32). The backward
// pass has no gradient through the cast (straight-through: the matmul's gradients go to x).
import type { Backend, Tensor } from "../../backend/backend.js";
import { FP8_RECORD_WORDS, type Fp8Cast } from "../../numerics/fp8Quantize.js";
import { check, type OpContext } from "../op.js";

export type { Fp8Cast } from "../../numerics/fp8Quantize.js";

export interface QuantizeFp8Args {
  out: Tensor;
  x: Tensor;
  cast: Fp8Cast;
  record: Tensor;
  slot: number;
}

export function quantizeFp8(be: Backend, args: QuantizeFp8Args, ctx?: OpContext): void {
  const { out, x, record, slot } = args;
  check(out.dtype === "f32" && out.size === x.size, "quantizeFp8", "out must be an f32 tensor of x's size");
  check(record.dtype === "f32" && Number.isInteger(slot) && slot >= 0 && (slot + 1) * FP8_RECORD_WORDS <= record.size, "quantizeFp8", `slot ${slot} outside the record tensor`);
  be.run("quantizeFp8", args, ctx);
}

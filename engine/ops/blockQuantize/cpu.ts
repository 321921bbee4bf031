// blockQuantize on the CPU: engine/numerics/blockQuantize.ts quantizeLayout, the one
// definition, written into the op's tensors.
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import { quantizeLayout, type QuantizedLayout } from "../../numerics/blockQuantize.js";
import { canonicalBits, f32Bits } from "../../numerics/formats.js";
import type { Kernel } from "../op.js";
import { BLOCK_WORDS, RECORD_HEADER, type BlockQuantizeArgs } from "./blockQuantize.js";

/** A layout's record as the op writes it (blockQuantize.ts), as fp32 bit patterns. */
export function recordOf(l: QuantizedLayout): Uint32Array {
  const nb = l.amax.length;
  const out = new Uint32Array(RECORD_HEADER + BLOCK_WORDS * nb);
  const amax = new Uint32Array(l.amax.buffer), scales = new Uint32Array(l.scales.buffer);
  let tensorAmax = 0; // the largest block amax, as bits: the tensor's amax with a NaN's payload kept
  for (let b = 0; b < nb; b++) tensorAmax = Math.max(tensorAmax, amax[b]!);
  out[0] = tensorAmax;
  out[1] = canonicalBits(l.tensorScale);
  for (let b = 0; b < nb; b++) {
    out.set([amax[b]!, scales[b]!, f32Bits(l.scaleCodes ? l.scaleCodes[b]! : -1), f32Bits(l.saturated[b]!), f32Bits(l.flushed[b]!)], RECORD_HEADER + BLOCK_WORDS * b);
  }
  return out;
}

export const blockQuantizeCpu: Kernel<CpuKernelContext, BlockQuantizeArgs> = (c, { out, x, rows, cols, plan, record, codes }) => {
  const l = quantizeLayout(c.data(x), rows, cols, plan);
  c.data(out).set(l.values);
  if (codes) c.data(codes).set(l.codes);
  const r = c.data(record);
  new Uint32Array(r.buffer, r.byteOffset, r.length).set(recordOf(l));
};

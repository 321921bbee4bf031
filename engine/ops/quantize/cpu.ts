// quantizeFp8 on the CPU: the one definition (engine/numerics/fp8Quantize.ts).
import { FP8_RECORD_WORDS, quantizeFp8 } from "../../numerics/fp8Quantize.js";
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import type { Kernel } from "../op.js";
import type { QuantizeFp8Args } from "./quantize.js";

export const quantizeFp8Cpu: Kernel<CpuKernelContext, QuantizeFp8Args> = (c, p) => {
  const r = quantizeFp8(c.data(p.out), c.data(p.x), p.cast);
  c.data(p.record).set([r.amax, r.scale, r.saturated, r.flushed], p.slot * FP8_RECORD_WORDS);
};

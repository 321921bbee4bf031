// castElements on the CPU: the reference (formats.ts's encoder and decoder, element by element).
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import { canonicalBits, decodeBits, encodeBits, FORMATS } from "../../numerics/formats.js";
import { randomBits } from "../../numerics/randomBits.js";
import type { Kernel } from "../op.js";
import type { CastElementsArgs, CastElementsParams } from "./castElements.js";

/** x[n] -> the codes and their values (fp32 bits in `values`), as every backend computes them. */
export function castArray(x: Float32Array, p: CastElementsParams, values: Float32Array, codes?: Float32Array): void {
  const f = FORMATS[p.format];
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const valueBits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < x.length; i++) {
    const r = p.rounding === "stochastic" ? randomBits(p.seed, (p.indexBase + i) >>> 0) : undefined;
    const code = encodeBits(bits[i]!, f, p.saturate, r);
    valueBits[i] = canonicalBits(decodeBits(code, f));
    if (codes) codes[i] = code;
  }
}

export const castElementsCpu: Kernel<CpuKernelContext, CastElementsArgs> = (c, { out, x, codes, p }) => {
  castArray(c.data(x), p, c.data(out), codes ? c.data(codes) : undefined);
};

// roundedUpdate on the CPU: the reference (formats.ts's encoder on the fp32 sum).
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import { canonicalBits, decodeBits, encodeBits, FORMATS } from "../../numerics/formats.js";
import { randomBits } from "../../numerics/randomBits.js";
import type { Kernel } from "../op.js";
import type { RoundedUpdateArgs, RoundedUpdateParams } from "./roundedUpdate.js";

/** w[n] <- element(fl(w + u)) in place; returns how many nonzero updates left their weight's value unchanged. */
export function roundedUpdateArray(w: Float32Array, u: Float32Array, p: RoundedUpdateParams): number {
  const f = FORMATS[p.format];
  const wBits = new Uint32Array(w.buffer, w.byteOffset, w.length);
  let lost = 0;
  for (let i = 0; i < w.length; i++) {
    const r = p.rounding === "stochastic" ? randomBits(p.seed, (p.indexBase + i) >>> 0) : undefined;
    const next = decodeBits(encodeBits(canonicalBits(Math.fround(w[i]! + u[i]!)), f, false, r), f);
    if (u[i] !== 0 && next === w[i]) lost++; // +0 and -0 alike; a NaN never equals
    wBits[i] = canonicalBits(next);
  }
  return lost;
}

export const roundedUpdateCpu: Kernel<CpuKernelContext, RoundedUpdateArgs> = (c, { w, u, p, record, slot = 0 }) => {
  const lost = roundedUpdateArray(c.data(w), c.data(u), p);
  if (record) c.data(record)[slot] = lost;
};

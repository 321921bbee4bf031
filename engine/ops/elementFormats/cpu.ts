// The CPU reference of the quantize ops (contract.ts): plain loops over the numerics of
// engine/numerics, the definition the wasm and WGSL kernels are tested against.
import { canonicalBits, decodeBits, encodeBits, FORMATS, type ElementFormat } from "../../numerics/formats.js";
import { quantizeLayout, type LayoutPlan, type QuantizedLayout } from "../../numerics/blockQuantize.js";
import { hadamard16 } from "../../numerics/hadamard.js";
import { randomBits } from "../../numerics/randomBits.js";
import type { Rounding } from "../../numerics/round.js";

export interface CastParams {
  format: ElementFormat;
  saturate: boolean;
  rounding: Rounding;
  seed: number;
  /** element i draws randomBits(seed, indexBase + i) */
  indexBase: number;
}

export interface CastResult {
  codes: Uint32Array;
  values: Float32Array;
}

// x[n] -> codes[n], values[n]
export function castElements(x: Float32Array, p: CastParams): CastResult {
  const f = FORMATS[p.format];
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const codes = new Uint32Array(x.length), values = new Float32Array(x.length), valueBits = new Uint32Array(values.buffer);
  for (let i = 0; i < x.length; i++) {
    const r = p.rounding === "stochastic" ? randomBits(p.seed, (p.indexBase + i) >>> 0) : undefined;
    codes[i] = encodeBits(bits[i]!, f, p.saturate, r);
    valueBits[i] = canonicalBits(decodeBits(codes[i]!, f));
  }
  return { codes, values };
}

// x[rows, cols] -> values, codes [rows, cols] and the per-block record
export function blockQuantize(x: Float32Array, rows: number, cols: number, plan: LayoutPlan): QuantizedLayout {
  return quantizeLayout(x, rows, cols, plan);
}

// x[rows, cols] -> x[rows, cols] transformed along cols in chunks of 16
export { hadamard16 };

export interface UpdateParams {
  /** the weights' storage format (bf16 without an fp32 master; any element format works) */
  format: ElementFormat;
  rounding: Rounding;
  seed: number;
  indexBase: number;
}

/**
 * w[n] <- element(fl(w + u)) in place, not saturating (an overflow gives Inf, as a torch
 * bf16 add). Returns how many nonzero updates left their weight unchanged (lost to
 * rounding: the stagnation stochastic rounding avoids in expectation).
 */
export function roundedUpdate(w: Float32Array, u: Float32Array, p: UpdateParams): number {
  const f = FORMATS[p.format];
  const wBits = new Uint32Array(w.buffer, w.byteOffset, w.length);
  let lost = 0;
  for (let i = 0; i < w.length; i++) {
    const r = p.rounding === "stochastic" ? randomBits(p.seed, (p.indexBase + i) >>> 0) : undefined;
    const next = decodeBits(encodeBits(canonicalBits(Math.fround(w[i]! + u[i]!)), f, false, r), f);
    if (u[i] !== 0 && next === w[i]) lost++; // a nonzero update, the same weight value (+0 and -0 alike)
    wBits[i] = canonicalBits(next);
  }
  return lost;
}

// An element format as the kernels see it (formats.wgsl, formats.wat): one definition,
// engine/numerics/formats.ts, packed for wasm (8 words in memory) and WGSL (override
// constants). Also where the wasm kernels find their descriptors and parameters.
import { FORMATS, type ElementFormat, type FormatSpec } from "../../numerics/formats.js";

/** "No such code" in a descriptor (a format without Inf or without NaN). */
export const NONE = 0xffffffff;

export interface FormatDescriptor {
  mbits: number;
  bias: number;
  maxBits: number;
  infBits: number;
  nanBits: number;
  signBit: number;
  ebits: number;
  /** 1 for e8m0 (its own rounding), 0 for the sign-exponent-mantissa formats */
  e8m0: number;
}

export function descriptorOf(f: FormatSpec): FormatDescriptor {
  return { mbits: f.mbits, bias: f.bias, maxBits: f.maxBits, infBits: f.infBits ?? NONE, nanBits: f.nanBits ?? NONE, signBit: f.signBit, ebits: f.ebits, e8m0: f.name === "e8m0" ? 1 : 0 };
}

/** The descriptor as 8 uint32 words, in the order formats.wat reads them. */
export function descriptorWords(format: ElementFormat): Uint32Array {
  const d = descriptorOf(FORMATS[format]);
  return Uint32Array.of(d.mbits, d.bias, d.maxBits, d.infBits, d.nanBits, d.signBit, d.ebits, d.e8m0);
}

/** The descriptor as WGSL override constants: `prefix` + the field in capitals (E_MBITS, ...). */
export function descriptorConstants(prefix: string, format: ElementFormat): Record<string, number> {
  const d = descriptorOf(FORMATS[format]);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) out[`${prefix}${k.toUpperCase()}`] = v;
  return out;
}

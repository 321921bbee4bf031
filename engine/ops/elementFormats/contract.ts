// The quantize op family: its contract, shared by the CPU reference (cpu.ts), the wasm
// kernels (quantize.wat, host wasm.ts) and the WGSL kernels (*.wgsl, host webgpu.ts).
//
//   castElements   x[n] f32 -> codes[n], values[n]       code = element(x) (formats.ts),
//                  saturating or not, nearest or stochastic with randomBits(seed, indexBase + i)
//   blockQuantize  x[rows, cols] f32 -> values, codes [rows, cols]; per block amax, scale,
//                  scale code, saturated, flushed       (engine/numerics/blockQuantize.ts:
//                  quantizeLayout is the reference; NVFP4 reads the tensor amax first)
//   hadamard16     x[rows, cols] -> the 16-point random Hadamard transform along cols
//   roundedUpdate  w[n] <- element(fl(w + u)) in w's storage format (bf16 weights without
//                  an fp32 master), nearest or stochastic; returns how many nonzero u were
//                  lost to rounding (w unchanged)
//
// Every kernel reads and writes fp32 as bit patterns and computes on integers (WGSL) or
// IEEE f32 (wasm), so all three backends give the same bits. NaN outputs compare as NaN:
// the CPU reference holds values in JS numbers, which keep no NaN sign or payload.
import { FORMATS, type ElementFormat, type FormatSpec } from "../../numerics/formats.js";
import type { LayoutPlan } from "../../numerics/blockQuantize.js";
import { HADAMARD_SIGNS } from "../../numerics/hadamard.js";

/** "No such code" in a format descriptor (a format without Inf or without NaN). */
export const NONE = 0xffffffff;

/** A format as the kernels see it: one definition (formats.ts), packed for wasm and WGSL. */
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

export const DESCRIPTOR_WORDS = 8;

export function descriptorOf(f: FormatSpec): FormatDescriptor {
  return { mbits: f.mbits, bias: f.bias, maxBits: f.maxBits, infBits: f.infBits ?? NONE, nanBits: f.nanBits ?? NONE, signBit: f.signBit, ebits: f.ebits, e8m0: f.name === "e8m0" ? 1 : 0 };
}

/** The descriptor as 8 uint32 words, in the order the wasm kernels read it. */
export function descriptorWords(format: ElementFormat): Uint32Array {
  const d = descriptorOf(FORMATS[format]);
  return Uint32Array.of(d.mbits, d.bias, d.maxBits, d.infBits, d.nanBits, d.signBit, d.ebits, d.e8m0);
}

/** The descriptor as WGSL override constants, prefixed (E_ for the element, S_ for NVFP4's E4M3 scale). */
export function descriptorConstants(prefix: string, format: ElementFormat): Record<string, number> {
  const d = descriptorOf(FORMATS[format]);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) out[`${prefix}${k.toUpperCase()}`] = v;
  return out;
}

export const KIND = { mx: 0, nvfp4: 1, blockwise: 2 } as const;
export const SCALE_RULE = { floor: 0, rceil: 1 } as const;

/** Per-block words of blockQuantize's output: amax bits, scale (blockDecode) bits, scale code, saturated, flushed. */
export const BLOCK_WORDS = 5;

/** What a backend's blockQuantize returns (the CPU reference: a QuantizedLayout). */
export interface BlockQuantizeOutput {
  values: Float32Array;
  codes: Uint32Array;
  /** BLOCK_WORDS words per block; the scale code is NONE for blockwise's fp32 scales */
  blocks: Uint32Array;
}

/** Bit i set where the Hadamard sign s_i is -1: the kernels' SIGNS, from hadamard.ts. */
export const HADAMARD_SIGN_MASK = HADAMARD_SIGNS.reduce((m, s, i) => (s < 0 ? m | (1 << i) : m), 0) >>> 0;

/**
 * The scalar parameters of one blockQuantize dispatch, as uint32 words (wasm: at the
 * params pointer; WebGPU: the uniform). `rcpMax` is fl(1/max_elem) (rceil), `elemMax`
 * the element maximum (blockwise), both as fp32 bits: computed once here.
 */
export function blockParams(plan: LayoutPlan, rows: number, cols: number): Uint32Array {
  const e = FORMATS[plan.element];
  const [bh, bw] = plan.block;
  const bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0]!;
  return Uint32Array.of(
    rows, cols, bh, bw, Math.ceil(cols / bw), Math.ceil(rows / bh),
    KIND[plan.kind], SCALE_RULE[plan.scaleRule], plan.powerOfTwoScales ? 1 : 0, plan.rounding === "stochastic" ? 1 : 0,
    plan.seed >>> 0, bits(Math.fround(1 / e.max)), bits(e.max), Math.floor(Math.log2(e.max)), 0, 0,
  );
}
export const BLOCK_PARAM_WORDS = 16;

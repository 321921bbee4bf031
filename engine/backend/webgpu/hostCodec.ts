// Host-side packing of tensor data into the GPU layout (numerics.wgsl): f32 one value
// a u32 word; f16/bf16 two values a word, element 2k in the low half. Rounding uses
// engine/numerics, the same conversion as the CPU backend.
import type { DType } from "../backend.js";
import { bf16Bits, fromBf16Bits } from "../../numerics/bfloat16.js";
import { f16Bits, fromF16Bits } from "../../numerics/float16.js";

export function wordCount(dtype: DType, n: number): number {
  return dtype === "f32" ? n : Math.ceil(n / 2);
}

/** fp32 values -> words of `dtype` (rounded to nearest even). */
export function encodeWords(dtype: DType, data: Float32Array): Uint32Array {
  if (dtype === "f32") return new Uint32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const bits = dtype === "f16" ? f16Bits : bf16Bits;
  const out = new Uint32Array(wordCount(dtype, data.length));
  for (let i = 0; i < data.length; i++) out[i >> 1] |= bits(data[i]) << (16 * (i & 1));
  return out;
}

let f16Table: Float32Array | null = null;
let bf16Table: Float32Array | null = null;

function table(dtype: "f16" | "bf16"): Float32Array {
  if (dtype === "f16") {
    if (!f16Table) {
      f16Table = new Float32Array(65536);
      for (let h = 0; h < 65536; h++) f16Table[h] = fromF16Bits(h);
    }
    return f16Table;
  }
  if (!bf16Table) {
    bf16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) bf16Table[h] = fromBf16Bits(h);
  }
  return bf16Table;
}

/** Words of `dtype` -> `n` fp32 values (exact). */
export function decodeWords(dtype: DType, words: Uint32Array, n: number): Float32Array {
  if (dtype === "f32") return new Float32Array(words.buffer.slice(words.byteOffset, words.byteOffset + n * 4));
  const t = table(dtype);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = t[(words[i >> 1] >>> (16 * (i & 1))) & 0xffff];
  return out;
}

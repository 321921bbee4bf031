// Exact conversions of the WebGPU backend, bit for bit against engine/numerics (the
// CPU's @petamoriken/float16 rounding): every fp16 and bf16 pattern, and random fp32
// inputs concentrated around the formats' edges, through a tiny cast-kernel round trip.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { bf16Bits, fromBf16Bits } from "../../../../engine/numerics/bfloat16.js";
import { f16Bits, fromF16Bits } from "../../../../engine/numerics/float16.js";
import { releaseWebGpu, rng, webgpuOrReason } from "../backends.js";
import { linearForward } from "../linearOps.js";

after(releaseWebGpu);
const gpu = await webgpuOrReason();
const skip = typeof gpu === "string" ? gpu : undefined;
const f32Bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

const codecs = {
  f16: { bits: f16Bits, value: fromF16Bits, isNaN: (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0, quietNaN: 0x7e00 },
  bf16: { bits: bf16Bits, value: fromBf16Bits, isNaN: (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0, quietNaN: 0x7fc0 },
} as const;

/** Packs 16-bit patterns two per word, element 2k low. */
function pack(halves: Uint16Array): Uint32Array {
  const w = new Uint32Array(Math.ceil(halves.length / 2));
  for (let i = 0; i < halves.length; i++) w[i >> 1] |= halves[i] << (16 * (i & 1));
  return w;
}
function unpack(words: Uint32Array, n: number): Uint16Array {
  return Uint16Array.from({ length: n }, (_, i) => (words[i >> 1] >>> (16 * (i & 1))) & 0xffff);
}

/** fp32 inputs: random bit patterns, plus values near every rounding edge of the 16-bit format. */
function edgeInputs(dt: "f16" | "bf16", n: number, seed: number): Float32Array {
  const r = rng(seed);
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) bits[i] = Math.floor(r() * 2 ** 32); // anything, NaN and subnormals included
    else {
      // an exponent near the format's range and low bits near the rounding boundary
      const e = dt === "f16" ? 100 + Math.floor(r() * 48) : Math.floor(r() * 256);
      // bits dropped by the rounding: 13 for normal fp16, more for fp16 subnormals, 16 for bf16
      const lowBits = dt === "bf16" ? 16 : e >= 113 ? 13 : Math.min(23, 126 - e);
      const half = 1 << (lowBits - 1);
      const low = kind === 1 ? half : kind === 2 ? half + (r() < 0.5 ? -1 : 1) : Math.floor(r() * (1 << lowBits));
      const high = lowBits >= 23 ? 0 : Math.floor(r() * (1 << (23 - lowBits))) << lowBits;
      bits[i] = ((r() < 0.5 ? 1 : 0) << 31) | (e << 23) | ((high | low) & 0x7fffff);
    }
  }
  return new Float32Array(bits.buffer);
}

for (const dt of ["f16", "bf16"] as const) {
  const c = codecs[dt];

  test(`webgpu ${dt} -> f32 decodes all 65,536 patterns exactly`, { skip }, async () => {
    if (typeof gpu === "string") return;
    const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
    const src = gpu.tensor([65536], dt), wide = gpu.tensor([65536], "f32");
    gpu.writeWords(src, pack(all));
    gpu.cast(wide, src);
    const got = new Float32Array((await gpu.readWords(wide)).buffer);
    let bad = 0;
    for (let h = 0; h < 65536; h++) {
      const want = c.value(h);
      const ok = c.isNaN(h) ? Number.isNaN(got[h]) : f32Bits(got[h]) === f32Bits(want);
      if (!ok && bad++ < 5) assert.fail(`pattern 0x${h.toString(16)}: got ${got[h]}, expected ${want}`);
    }
    gpu.dispose(src);
    gpu.dispose(wide);
  });

  test(`webgpu f32 -> ${dt} -> f32 -> ${dt} round trip keeps all 65,536 patterns (NaN -> quiet NaN)`, { skip }, async () => {
    if (typeof gpu === "string") return;
    const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
    const src = gpu.tensor([65536], dt), wide = gpu.tensor([65536], "f32"), back = gpu.tensor([65536], dt);
    gpu.writeWords(src, pack(all));
    gpu.cast(wide, src);
    gpu.cast(back, wide);
    const got = unpack(await gpu.readWords(back), 65536);
    for (let h = 0; h < 65536; h++) {
      const want = c.isNaN(h) ? (h & 0x8000) | c.quietNaN | (dt === "bf16" ? h & 0x7f : 0) : h;
      if (got[h] !== want) assert.fail(`pattern 0x${h.toString(16)}: got 0x${got[h].toString(16)}, expected 0x${want.toString(16)}`);
    }
    for (const t of [src, wide, back]) gpu.dispose(t);
  });

  test(`webgpu f32 -> ${dt} rounds 200,000 random and edge fp32 inputs bit-identically to engine/numerics`, { skip }, async () => {
    if (typeof gpu === "string") return;
    const n = 200_000;
    const xs = edgeInputs(dt, n, dt === "f16" ? 41 : 42);
    const src = gpu.tensor([n], "f32"), out = gpu.tensor([n], dt);
    gpu.writeWords(src, new Uint32Array(xs.buffer));
    gpu.cast(out, src);
    const got = unpack(await gpu.readWords(out), n);
    const xb = new Uint32Array(xs.buffer);
    let failures = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      // NaN inputs: a quiet NaN of the same sign (JS numbers do not keep NaN payloads).
      const want = Number.isNaN(x) ? ((xb[i] >>> 16) & 0x8000) | (dt === "bf16" ? ((xb[i] >>> 16) & 0x7fff) | 0x40 : c.quietNaN) : c.bits(x);
      if (got[i] !== want && failures++ < 5) assert.fail(`input 0x${xb[i].toString(16)} (${x}): got 0x${got[i].toString(16)}, expected 0x${want.toString(16)}`);
    }
    gpu.dispose(src);
    gpu.dispose(out);
  });
}

test("webgpu matmul reads every finite fp16 pattern exactly", { skip }, async () => {
  if (typeof gpu === "string") return;
  // x [8192, 8] holds all patterns (non-finite ones replaced by 0); w = I: out = x exactly.
  const halves = Uint16Array.from({ length: 65536 }, (_, h) => ((h & 0x7c00) === 0x7c00 ? 0 : h));
  const x = gpu.tensor([8192, 8], "f16"), w = gpu.tensor([8, 8], "f32"), b = gpu.tensor([8], "f32"), out = gpu.tensor([8192, 8], "f32");
  gpu.writeWords(x, pack(halves));
  gpu.write(w, Float32Array.from({ length: 64 }, (_, i) => (i % 9 === 0 ? 1 : 0)));
  linearForward(gpu, out, x, w, b);
  const got = await gpu.read(out);
  for (let i = 0; i < 65536; i++) {
    const want = fromF16Bits(halves[i]);
    if (got[i] !== want) assert.fail(`pattern 0x${halves[i].toString(16)}: got ${got[i]}, expected ${want}`);
  }
  for (const t of [x, w, b, out]) gpu.dispose(t);
});

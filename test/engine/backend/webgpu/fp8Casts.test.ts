// The WebGPU fp8 cast (engine/ops/quantize/fp8*.wgsl) bit for bit against the CPU reference
// (engine/numerics/fp8.ts, fp8Quantize.ts): every E4M3 and E5M2 pattern, and fp32 /
// bf16 inputs concentrated around the formats' rounding edges, for each scaling
// recipe and both saturation modes: codes, dequantized values and the record.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { fp8Bits, fromFp8Bits, FP8, type Fp8Format } from "../../../../engine/numerics/fp8.js";
import { quantizeFp8, type Fp8Cast } from "../../../../engine/numerics/fp8Quantize.js";
import { roundBf16 } from "../../../../engine/numerics/bfloat16.js";
import { releaseWebGpu, rng, webgpuOrReason } from "../backends.js";
import { quantizeFp8 as quantizeFp8Op } from "../../../../engine/ops/quantize/quantize.js";

after(releaseWebGpu);
const gpu = await webgpuOrReason();
const skip = typeof gpu === "string" ? gpu : undefined;
const bitsOf = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);
const codeAt = (words: Uint32Array, i: number) => (words[i >> 2] >>> (8 * (i & 3))) & 0xff;

/** fp32 inputs: random patterns, and exponents in the fp8 range with low bits at the rounding midpoint. */
function edgeInputs(f: Fp8Format, n: number, seed: number): Float32Array {
  const r = rng(seed);
  const u = () => Math.floor(r() * 2 ** 32) >>> 0;
  const bits = new Uint32Array(n);
  const lo = f === "e4m3" ? 127 - 12 : 127 - 19, span = f === "e4m3" ? 24 : 37;
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) { bits[i] = u(); continue; }
    const e = lo + (u() % span);
    // dropped bits: 23 - mbits for normals, more for fp8 subnormals
    const minNormalE = 127 + 1 - FP8[f].bias;
    const drop = Math.min(23, 23 - FP8[f].mbits + Math.max(0, minNormalE - e));
    const half = 2 ** (drop - 1);
    const low = kind === 1 ? half : kind === 2 ? half + (u() & 1 ? 1 : -1) : u() % 2 ** drop;
    const high = drop >= 23 ? 0 : (u() % 2 ** (23 - drop)) * 2 ** drop;
    bits[i] = (((u() & 1) << 31) | (e << 23) | ((high + low) & 0x7fffff)) >>> 0;
  }
  return new Float32Array(bits.buffer);
}

const casts = (f: Fp8Format): Fp8Cast[] => [
  { format: f, saturate: true, scaling: "tensor", scale: 1 },
  { format: f, saturate: false, scaling: "tensor", scale: 1 },
  { format: f, saturate: true, scaling: "tensor", scale: 37.25 },
  { format: f, saturate: false, scaling: "current", scale: 0 },
  { format: f, saturate: true, scaling: "current", scale: 0 },
  { format: f, saturate: true, scaling: "block", scale: 0 },
  { format: f, saturate: false, scaling: "block", scale: 0 },
];

for (const f of ["e4m3", "e5m2"] as const) {
  test(`webgpu ${f}: all 256 patterns come back as themselves (scale 1, both modes)`, { skip }, async () => {
    if (typeof gpu === "string") return;
    const xs = Float32Array.from({ length: 256 }, (_, b) => fromFp8Bits(f, b));
    // NaN patterns as fp32 NaNs of the same sign (a JS NaN has none)
    const words = Uint32Array.from(bitsOf(xs), (w, b) => (Number.isNaN(xs[b]) ? ((b & 0x80) << 24) | 0x7fc00000 : w) >>> 0);
    const x = gpu.tensor([256], "f32");
    gpu.writeWords(x, words); // keep -0 and NaN signs exactly
    for (const saturate of [true, false]) {
      const codes = await gpu.fp8Codes(x, { format: f, saturate, scaling: "tensor", scale: 1 });
      for (let b = 0; b < 256; b++) {
        const want = Number.isNaN(xs[b]) ? (b & 0x80) | FP8[f].nanBits : b;
        assert.equal(codeAt(codes, b), want, `pattern 0x${b.toString(16)} saturate=${saturate}`);
        assert.equal(want, fp8Bits(f, xs[b], saturate) | (Number.isNaN(xs[b]) ? b & 0x80 : 0));
      }
    }
    gpu.dispose(x);
  });

  for (const dtype of ["f32", "bf16"] as const) {
    test(`webgpu ${f}: 100,000 ${dtype} edge inputs, every recipe and mode: codes, values and record equal the CPU's`, { skip }, async () => {
      if (typeof gpu === "string") return;
      const n = 100_000;
      let xs = edgeInputs(f, n, f === "e4m3" ? 81 : 82);
      if (dtype === "bf16") xs = xs.map(roundBf16);
      // keep a tail of ordinary values so current/block scales are not all set by a huge random pattern
      for (let i = n - 4096; i < n; i++) xs[i] = (i % 17) * 0.37 - 3;
      const x = gpu.tensor([n], dtype, xs), out = gpu.tensor([n], "f32"), rec = gpu.tensor([8], "f32");
      const xsOnGpu = await gpu.read(x);
      for (const c of casts(f)) {
        for (const [lo, hi] of [[0, n], [n - 4096, n]]) {
          const part = xsOnGpu.slice(lo, hi);
          const px = gpu.tensor([hi - lo], "f32", part), pout = gpu.tensor([hi - lo], "f32");
          const words = await gpu.fp8Codes(px, c);
          quantizeFp8Op(gpu, { out: pout, x: px, cast: c, record: rec, slot: 1 });
          const got = await gpu.read(pout), gotRec = await gpu.read(rec);
          const want = new Float32Array(hi - lo), codes = new Uint8Array(hi - lo);
          const r = quantizeFp8(want, part, c, codes);
          const what = `${JSON.stringify(c)} on [${lo}, ${hi})`;
          let bad = 0;
          for (let i = 0; i < hi - lo; i++) {
            const okCode = codeAt(words, i) === codes[i];
            const okValue = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : bitsOf(got)[i] === bitsOf(want)[i];
            if ((!okCode || !okValue) && bad++ < 3) assert.fail(`${what}: input 0x${bitsOf(part)[i].toString(16)}: code 0x${codeAt(words, i).toString(16)} vs 0x${codes[i].toString(16)}, value ${got[i]} vs ${want[i]}`);
          }
          const amaxSame = Number.isNaN(r.amax) ? Number.isNaN(gotRec[4]) : gotRec[4] === r.amax;
          assert.ok(amaxSame, `${what}: amax ${gotRec[4]} vs ${r.amax}`);
          assert.deepEqual([gotRec[5], gotRec[6], gotRec[7]], [r.scale, r.saturated, r.flushed], what);
          gpu.dispose(px);
          gpu.dispose(pout);
        }
      }
      for (const t of [x, out, rec]) gpu.dispose(t);
    });
  }
}

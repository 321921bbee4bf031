// The quantize kernels of every backend (wasm: quantize.wat; WebGPU: the *.wgsl files, on
// SwiftShader here) bit for bit against the CPU reference (engine/ops/elementFormats/cpu.ts):
// element casts over every code of every format and the edge inputs, both saturation
// modes, nearest and stochastic; block quantisation of every recipe, role and direction
// on the traces and random, tiny, huge and non-finite tensors (values, codes, and each
// block's amax, scale, scale code and counts); the Hadamard transform; the rounded
// weight update. NaN values compare as bits too: every backend writes the one quiet NaN.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as cpu from "../../../../engine/ops/elementFormats/cpu.js";
import { QuantizeWasm } from "../../../../engine/ops/elementFormats/wasm.js";
import { QuantizeWebGpu } from "../../../../engine/ops/elementFormats/webgpu.js";
import { BLOCK_WORDS, NONE, type BlockQuantizeOutput } from "../../../../engine/ops/elementFormats/contract.js";
import type { LayoutPlan } from "../../../../engine/numerics/blockQuantize.js";
import type { ElementFormat } from "../../../../engine/numerics/formats.js";
import { blockCases, castInputs, CAST_FORMATS, hadamardInputs } from "./cases.js";

interface Runner {
  castElements(x: Float32Array, p: cpu.CastParams): Promise<cpu.CastResult> | cpu.CastResult;
  blockQuantize(x: Float32Array, rows: number, cols: number, plan: LayoutPlan): Promise<BlockQuantizeOutput> | BlockQuantizeOutput;
  hadamard16(x: Float32Array, rows: number, cols: number): Promise<Float32Array> | Float32Array;
  roundedUpdate(w: Float32Array, u: Float32Array, p: cpu.UpdateParams): Promise<number> | number;
}

const wasm = await QuantizeWasm.create();
const gpu = await QuantizeWebGpu.create().catch((e: Error) => `WebGPU unavailable here: ${e.message}`);
after(() => { if (typeof gpu !== "string") gpu.destroy(); });
const backends: [string, Runner | string][] = [["wasm", wasm], ["webgpu", gpu]];

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);
const hex = (n: number) => "0x" + (n >>> 0).toString(16);

/** Indices where two word arrays differ (at most 5), for a readable failure. */
function differences(got: Uint32Array, want: Uint32Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < want.length && out.length < 5; i++) if (got[i] !== want[i]) out.push(`[${i}] ${hex(got[i]!)} vs ${hex(want[i]!)}`);
  if (got.length !== want.length) out.push(`length ${got.length} vs ${want.length}`);
  return out;
}

for (const [name, runner] of backends) {
  const skip = typeof runner === "string" ? runner : undefined;
  const run = runner as Runner;

  test(`${name}: element casts of every code and the edge inputs, every format, both modes, nearest and stochastic`, { skip }, async () => {
    for (const format of CAST_FORMATS) {
      const x = castInputs(format);
      for (const saturate of [false, true]) for (const rounding of ["nearest", "stochastic"] as const) {
        const p: cpu.CastParams = { format, saturate, rounding, seed: 99, indexBase: 12345 };
        const want = cpu.castElements(x, p), got = await run.castElements(x, p);
        assert.deepEqual(differences(got.codes, want.codes), [], `${format} ${JSON.stringify(p)} codes`);
        assert.deepEqual(differences(bits(got.values), bits(want.values)), [], `${format} ${JSON.stringify(p)} values`);
      }
    }
  });

  test(`${name}: block quantisation of every recipe, role and direction equals the CPU's, block by block`, { skip }, async () => {
    for (const c of blockCases()) {
      const want = cpu.blockQuantize(c.x, c.rows, c.cols, c.plan);
      const got = await run.blockQuantize(c.x, c.rows, c.cols, c.plan);
      assert.deepEqual(differences(bits(got.values), bits(want.values)), [], `${c.name}: values`);
      assert.deepEqual(differences(got.codes, Uint32Array.from(want.codes)), [], `${c.name}: codes`);
      const nb = want.amax.length;
      const blocks = new Uint32Array(nb * BLOCK_WORDS);
      for (let b = 0; b < nb; b++) {
        blocks.set([bits(want.amax)[b]!, bits(want.scales)[b]!, want.scaleCodes ? want.scaleCodes[b]! : NONE, want.saturated[b]!, want.flushed[b]!], b * BLOCK_WORDS);
      }
      assert.deepEqual(differences(got.blocks, blocks), [], `${c.name}: blocks (amax, scale, code, saturated, flushed)`);
    }
  });

  test(`${name}: the 16-point Hadamard transform, subnormal sums and non-finite values included`, { skip }, async () => {
    for (const [x, rows, cols] of hadamardInputs()) {
      const want = cpu.hadamard16(x, rows, cols), got = await run.hadamard16(x, rows, cols);
      assert.deepEqual(differences(bits(got), bits(want)), [], `${rows}x${cols}`);
    }
  });

  test(`${name}: the rounded weight update, nearest and stochastic, bf16 and other formats, with the count of lost updates`, { skip }, async () => {
    const n = 5000;
    const w0 = Float32Array.from({ length: n }, (_, i) => cpu.castElements(Float32Array.of(Math.sin(i) * 4), { format: "bf16", saturate: false, rounding: "nearest", seed: 0, indexBase: 0 }).values[0]!);
    const u = Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : Math.cos(i) * 2 ** -(i % 20)));
    u[3] = NaN; u[4] = Infinity; w0[5] = 0; u[5] = -1e-45;
    for (const format of ["bf16", "f16", "e4m3", "e2m1"] as ElementFormat[]) for (const rounding of ["nearest", "stochastic"] as const) {
      const p: cpu.UpdateParams = { format, rounding, seed: 31, indexBase: 7 };
      const wc = w0.slice(), wg = w0.slice();
      const lostC = cpu.roundedUpdate(wc, u, p), lostG = await run.roundedUpdate(wg, u, p);
      assert.deepEqual(differences(bits(wg), bits(wc)), [], `${format} ${rounding}: weights`);
      assert.equal(lostG, lostC, `${format} ${rounding}: lost updates`);
    }
  });
}

for (const [name, runner] of backends) {
  const skip = typeof runner === "string" ? runner : undefined;
  const run = runner as Runner;
  test(`${name}: stochastic rounding is deterministic for a seed and unbiased, in the casts and in the weight update (fixed seeds)`, { skip }, async () => {
    const n = 1 << 16;
    for (const [format, x, down, up] of [["bf16", 1 + 2 ** -10, 1, 1 + 2 ** -7], ["e2m1", 2.6, 2, 3], ["e4m3", 0.3, 0.28125, 0.3125]] as const) {
      const xs = new Float32Array(n).fill(x);
      const p: cpu.CastParams = { format, saturate: false, rounding: "stochastic", seed: 5, indexBase: 0 };
      const a = await run.castElements(xs, p), b = await run.castElements(xs, p), other = await run.castElements(xs, { ...p, seed: 6 });
      assert.deepEqual(a.codes, b.codes, `${format}: the same seed, the same draws`);
      assert.ok(a.codes.some((c, i) => c !== other.codes[i]), `${format}: another seed, other draws`);
      let sum = 0;
      for (const v of a.values) { assert.ok(v === down || v === up); sum += v; }
      const x32 = Math.fround(x), q = (x32 - down) / (up - down), sigma = (up - down) * Math.sqrt(q * (1 - q));
      assert.ok(Math.abs(sum / n - x32) < (6 * sigma) / Math.sqrt(n), `${format}: mean ${sum / n} of ${x32}`);
    }
    const w = new Float32Array(n).fill(1), u = new Float32Array(n).fill(2 ** -10);
    const lost = await run.roundedUpdate(w, u, { format: "bf16", rounding: "stochastic", seed: 3, indexBase: 0 });
    let sum = 0;
    for (const v of w) sum += v;
    const q = 2 ** -10 / 2 ** -7, sigma = 2 ** -7 * Math.sqrt(q * (1 - q));
    assert.ok(Math.abs(sum / n - (1 + 2 ** -10)) < (6 * sigma) / Math.sqrt(n), `update mean ${sum / n}`);
    assert.ok(Math.abs(lost / n - (1 - q)) < 6 * Math.sqrt((q * (1 - q)) / n), `lost share ${lost / n}`);
  });
}

test("the CPU reference of the update: nearest loses small updates, stochastic keeps them in expectation (fixed seeds)", () => {
  // bf16 at 1.0 has steps of 2^-7 (up) and 2^-8 (down): an update of 2^-10 is a quarter step, always lost to nearest
  const n = 1 << 16;
  const w = new Float32Array(n).fill(1), u = new Float32Array(n).fill(2 ** -10);
  const nearest = w.slice();
  assert.equal(cpu.roundedUpdate(nearest, u, { format: "bf16", rounding: "nearest", seed: 0, indexBase: 0 }), n);
  assert.ok(nearest.every((v) => v === 1), "stagnation: nothing moved");
  for (const seed of [1, 2]) {
    const sr = w.slice();
    const lost = cpu.roundedUpdate(sr, u, { format: "bf16", rounding: "stochastic", seed, indexBase: 0 });
    let sum = 0;
    for (const v of sr) sum += v;
    const p = 2 ** -10 / 2 ** -7, sigma = 2 ** -7 * Math.sqrt(p * (1 - p));
    assert.ok(Math.abs(sum / n - (1 + 2 ** -10)) < (6 * sigma) / Math.sqrt(n), `seed ${seed}: mean ${sum / n}`);
    assert.ok(Math.abs(lost / n - (1 - p)) < 6 * Math.sqrt(p * (1 - p) / n), `seed ${seed}: lost share ${lost / n}, want ${1 - p}`);
  }
});

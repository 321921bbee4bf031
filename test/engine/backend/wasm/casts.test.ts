// The wasm backend's fp16/bf16 rounding (round.wat), bit for bit against engine/numerics
// (the CPU's @petamoriken/float16 and bf16 rounding) on all 65,536 patterns of each
// format, on every tie between two neighbouring patterns and one fp32 ulp either side
// of it (the rounding edges), and through the GEMM's fused store.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromBf16Bits } from "../../../../engine/numerics/bfloat16.js";
import { fromF16Bits } from "../../../../engine/numerics/float16.js";
import { roundTo } from "../../../../engine/numerics/dtype.js";
import { createWasmBackend } from "../../../../engine/backend/wasm/wasmBackend.js";
import { uniform } from "../backends.js";
import { linearForward } from "../linearOps.js";

const wasm = await createWasmBackend();
const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const decode = { f16: fromF16Bits, bf16: fromBf16Bits } as const;

/** Every pattern's value, the tie between each pattern and the next, and the fp32 neighbours of each tie. */
function inputs(dt: "f16" | "bf16"): Float32Array {
  const vals = Float32Array.from({ length: 65536 }, (_, h) => decode[dt](h));
  const out: number[] = [...vals];
  const f = new Float32Array(1), u = bitsOf(f);
  for (let h = 0; h < 65535; h++) {
    const a = vals[h], b = vals[h + 1];
    if (!Number.isFinite(a) || !Number.isFinite(b) || Math.sign(a) !== Math.sign(b) && a !== 0) continue;
    f[0] = (a + b) / 2; // exact in fp64, and in fp32 (one more bit than the format)
    out.push(f[0]);
    u[0] += 1; out.push(f[0]);
    u[0] -= 2; out.push(f[0]);
  }
  // beyond the finite range: the fp16 overflow tie 65520 and its neighbours, fp32 max
  out.push(65520, -65520, 65519.996, 65520.004, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45);
  return Float32Array.from(out);
}

function mismatches(got: Float32Array, want: Float32Array): string[] {
  const g = bitsOf(got), w = bitsOf(want), bad: string[] = [];
  for (let i = 0; i < got.length && bad.length < 5; i++) {
    const bothNaN = Number.isNaN(got[i]) && Number.isNaN(want[i]);
    if (!bothNaN && g[i] !== w[i]) bad.push(`[${i}] got 0x${g[i].toString(16)} (${got[i]}), want 0x${w[i].toString(16)} (${want[i]})`);
  }
  return bad;
}

for (const dt of ["f16", "bf16"] as const) {
  test(`wasm cast f32 -> ${dt}: all 65,536 patterns and every rounding edge, bit for bit`, async () => {
    const x = inputs(dt);
    const want = x.map((v) => roundTo(dt, v));
    const src = wasm.tensor([x.length], "f32", x), dst = wasm.tensor([x.length], dt);
    wasm.cast(dst, src);
    assert.deepEqual(mismatches(await wasm.read(dst), want), []);
    // write() rounds with the same kernel
    const direct = wasm.tensor([x.length], dt, x);
    assert.deepEqual(mismatches(await wasm.read(direct), want), []);
    // every pattern is its own rounding (NaN stays NaN, -0 stays -0)
    const pats = x.subarray(0, 65536);
    assert.deepEqual(mismatches((await wasm.read(dst)).subarray(0, 65536), pats), []);
    for (const t of [src, dst, direct]) wasm.dispose(t);
  });

  test(`wasm GEMM store rounds to ${dt} exactly like a cast of its fp32 result`, async () => {
    // z = x·w^T + b with a K of 1: the fp32 sum is exact, so only the rounding differs
    const edges = inputs(dt).filter((v) => Number.isFinite(v));
    const B = 4, O = Math.floor(edges.length / B);
    const xs = new Float32Array(B).fill(1), ws = edges.subarray(0, B * O).slice(0, O);
    const x = wasm.tensor([B, 1], "f32", xs), w = wasm.tensor([O, 1], "f32", ws);
    const bias = wasm.tensor([O], "f32", uniform(O, 0, 0, 1)), z = wasm.tensor([B, O], dt), z32 = wasm.tensor([B, O], "f32");
    linearForward(wasm, z, x, w, bias);
    linearForward(wasm, z32, x, w, bias);
    const want = (await wasm.read(z32)).map((v) => roundTo(dt, v));
    assert.deepEqual(mismatches(await wasm.read(z), want), []);
    for (const t of [x, w, bias, z, z32]) wasm.dispose(t);
  });
}

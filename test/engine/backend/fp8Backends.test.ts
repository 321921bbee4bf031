// The fp8 cast through the Backend interface on every backend against the CPU reference
// (every pattern of both formats, bf16 inputs near the rounding edges, each recipe and
// mode: dequantized values and the record bit for bit), and whole mixed-fp8 runs on
// wasm against the CPU (WebGPU's are in webgpu/fp8Train.test.ts): the same overflow
// steps and loss scales, block scales equal, other fp8 scales within 1% (the matmuls
// accumulate differently, so amax may differ in the last bits).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { cpu, otherBackends, releaseWebGpu, rng } from "./backends.js";
import { fromFp8Bits } from "../../../engine/numerics/fp8.js";
import type { Fp8Cast } from "../../../engine/numerics/fp8Quantize.js";
import { train } from "../../../engine/train/run.js";
import { quantizeFp8 } from "../../../engine/ops/quantize/quantize.js";

after(releaseWebGpu);
const backends = await otherBackends();
const bitsOf = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

function inputs(): Float32Array {
  const r = rng(5);
  const xs: number[] = [];
  for (const f of ["e4m3", "e5m2"] as const) for (let b = 0; b < 256; b++) xs.push(fromFp8Bits(f, b));
  for (let i = 0; i < 20_000; i++) xs.push((r() - 0.5) * 2 ** Math.floor(r() * 40 - 20));
  for (let i = 0; i < 2000; i++) xs.push((r() - 0.5) * 3); // ordinary values
  return Float32Array.from(xs);
}

const casts: Fp8Cast[] = [];
for (const format of ["e4m3", "e5m2"] as const)
  for (const saturate of [true, false])
    for (const [scaling, scale] of [["tensor", 1], ["tensor", 3.7e-3], ["current", 0], ["block", 0]] as const) casts.push({ format, saturate, scaling, scale });

for (const { name, backend, skip } of backends) {
  test(`${name}: quantizeFp8 equals the CPU reference bit for bit (values and record), f32 and bf16 inputs, every recipe`, { skip }, async () => {
    const be = backend!, ref = cpu();
    const xs = inputs();
    for (const dtype of ["f32", "bf16"] as const) {
      const x = be.tensor([xs.length], dtype, xs), rx = ref.tensor([xs.length], dtype, xs);
      const out = be.tensor([xs.length], "f32"), rout = ref.tensor([xs.length], "f32");
      const rec = be.tensor([8], "f32"), rrec = ref.tensor([8], "f32");
      for (const c of casts) {
        quantizeFp8(be, { out, x, cast: c, record: rec, slot: 1 });
        quantizeFp8(ref, { out: rout, x: rx, cast: c, record: rrec, slot: 1 });
        const got = await be.read(out), want = await ref.read(rout);
        for (let i = 0; i < xs.length; i++) {
          const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : bitsOf(got)[i] === bitsOf(want)[i];
          if (!ok) assert.fail(`${dtype} ${JSON.stringify(c)}: x = ${xs[i]}: ${got[i]} vs ${want[i]}`);
        }
        const [g, w] = [await be.read(rec), await ref.read(rrec)];
        assert.deepEqual([...g.slice(4)].map(String), [...w.slice(4)].map(String), `${dtype} ${JSON.stringify(c)}: record`);
      }
      for (const t of [x, out, rec]) be.dispose(t);
    }
  });
}

const wasm = backends.find((b) => b.name === "wasm")!;
const base = {
  model: { inputs: 8, hidden: [16, 12], outputs: 2, activation: "relu", seed: 1 },
  data: { type: "teacher", inputs: 8, outputs: 2, samples: 256, seed: 2 },
  steps: 20, batchSize: 32, statsInterval: 5, precision: "mixed-fp8", optimizer: { type: "adam", lr: 0.01 },
};
for (const fp8 of [{}, { recipe: "current", format: "e4m3" }, { recipe: "block" }]) {
  test(`wasm mixed-fp8 run = cpu run: ${JSON.stringify(fp8)}`, { skip: wasm.skip }, async () => {
    const config = { ...base, fp8 };
    const c = await train(config, { backend: "cpu" }), w = await train(config, { backend: "wasm" });
    assert.equal(w.backend.name, "wasm");
    assert.deepEqual(w.overflowSteps, c.overflowSteps);
    assert.deepEqual(w.scales, c.scales);
    w.losses.forEach((l, i) => assert.ok(Math.abs(l - c.losses[i]) <= 0.02 * Math.abs(c.losses[i]), `step ${i}: ${l} vs ${c.losses[i]}`));
    w.fp8!.tensors.forEach((t, k) => {
      const r = c.fp8!.tensors[k];
      assert.equal(t.scales[0], r.scales[0]);
      t.scales.forEach((s, i) => {
        if ((fp8 as { recipe?: string }).recipe === "block") assert.equal(s, r.scales[i], `layer ${t.layer} ${t.role} step ${i}`);
        else assert.ok(Math.abs(s - r.scales[i]) <= 0.01 * r.scales[i], `layer ${t.layer} ${t.role} step ${i}: ${s} vs ${r.scales[i]}`);
      });
    });
  });
}

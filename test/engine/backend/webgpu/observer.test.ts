// The observer's statistics on WebGPU against the CPU reference, slot by slot, over
// three observed steps of workloads that underflow and overflow. The products differ
// in accumulation order (fp32 on the GPU, fp64 on the CPU), so a value at a rounding
// boundary may land on the other side: counts agree exactly where nothing is rounded
// (count, NaN, Inf of the weights) and otherwise within a few values.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { RawTensorStats } from "../../../../engine/backend/backend.js";
import { createCpuBackend } from "../../../../engine/backend/cpu/cpuBackend.js";
import { ROLE_ORDER } from "../../../../engine/train/slots.js";
import { observedRun, underflowingWeights } from "../../train/observerRig.js";
import { releaseWebGpu, webgpuOrReason } from "../backends.js";

after(releaseWebGpu);
const gpu = await webgpuOrReason();
const skip = typeof gpu === "string" ? gpu : undefined;

const spec = { type: "mlp" as const, inputs: 6, hidden: [10, 7], outputs: 3, activation: "gelu" as const, seed: 3 };
const runs = [
  { name: "mixed-fp16, underflowing (tiny weights and targets, no scale)", precision: "mixed-fp16", weights: underflowingWeights(spec), targetScale: 1e-6, scale: 1 },
  { name: "mixed-fp16, overflowing (static scale 2^20)", precision: "mixed-fp16", weights: undefined, targetScale: 1, scale: 2 ** 20 },
  { name: "mixed-bf16", precision: "mixed-bf16", weights: undefined, targetScale: 1, scale: 256 },
  { name: "fp32 (no fp32 copies)", precision: "fp32", weights: undefined, targetScale: 1, scale: 1 },
];

const close = (a: number, b: number, count: number) => Math.abs(a - b) <= Math.max(2, 1e-3 * count);

for (const r of runs) {
  test(`webgpu observer = cpu observer: ${r.name}`, { skip }, async () => {
    if (typeof gpu === "string") return;
    const config = {
      model: { ...spec, ...(r.weights ? { weights: r.weights } : {}) }, data: { type: "teacher" as const, inputs: 6, outputs: 3, samples: 64, seed: 4, targetScale: r.targetScale },
      precision: r.precision as "fp32", batchSize: 16, steps: 3, scaler: { type: "static" as const, scale: r.scale }, optimizer: { type: "sgd" as const, lr: 0.01 },
    };
    const cpu = createCpuBackend();
    const want = (await observedRun(cpu, config, 3)).stats;
    cpu.destroy();
    const got = (await observedRun(gpu, config, 3)).stats;
    assert.equal(got.length, want.length);
    let events = 0;
    want.forEach((w: RawTensorStats, s) => {
      const g = got[s], where = `slot ${s} (${ROLE_ORDER[s % ROLE_ORDER.length]} of layer ${Math.floor(s / ROLE_ORDER.length) + 1})`;
      assert.equal(g.count, w.count, `${where} count`);
      assert.equal(g.nan, w.nan, `${where} nan`);
      for (const k of ["zero", "subnormal", "underflow", "overflow", "inf"] as const) assert.ok(close(g[k], w[k], w.count), `${where} ${k}: webgpu ${g[k]}, cpu ${w[k]}`);
      if (w.maxAbs > 0) assert.ok(Math.abs(g.maxAbs - w.maxAbs) <= 1e-2 * w.maxAbs, `${where} maxAbs ${g.maxAbs} vs ${w.maxAbs}`);
      const histDiff = g.hist.reduce((d, h, i) => d + Math.abs(h - w.hist[i]), 0);
      assert.ok(histDiff <= Math.max(4, 2e-3 * w.count), `${where} histogram differs by ${histDiff}`);
      events += w.underflow + w.overflow;
    });
    if (r.precision === "mixed-fp16") assert.ok(events > 0, "the workload underflows or overflows somewhere");
  });
}

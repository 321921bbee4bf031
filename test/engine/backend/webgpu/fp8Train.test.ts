// Whole mixed-fp8 runs on WebGPU against the same runs on the CPU reference: the same
// overflow steps and loss scales; the fp8 scales of each tensor equal where their inputs
// are bit-identical on both backends (step 0 of the weights and of the first layer's
// inputs, every block scale: powers of two) and within 1% elsewhere (the backends'
// matmuls accumulate differently, CPU in fp64, WebGPU in fp32, so amax can differ in the
// last bits); losses within 2%. Small on purpose (SwiftShader).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { train } from "../../../../engine/train/run.js";
import type { RunResult } from "../../../../engine/train/runResult.js";
import { releaseWebGpu, webgpuOrReason } from "../backends.js";

after(releaseWebGpu);
const gpu = await webgpuOrReason();
const skip = typeof gpu === "string" ? gpu : undefined;

const base = {
  model: { inputs: 8, hidden: [16, 12], outputs: 2, activation: "relu", seed: 1 },
  data: { type: "teacher", inputs: 8, outputs: 2, samples: 256, seed: 2 },
  steps: 20, batchSize: 32, chunkSize: 8, statsInterval: 5, precision: "mixed-fp8",
  optimizer: { type: "adam", lr: 0.01 },
};
const big = {
  type: "arrays",
  xs: Array.from({ length: 64 }, (_, i) => Array.from({ length: 8 }, (_, k) => Math.sin(i * 8 + k) * 900)),
  ys: Array.from({ length: 64 }, (_, i) => [Math.cos(i), Math.sin(i)]),
};

const runs: { name: string; config: Record<string, unknown>; overflows?: boolean }[] = [
  { name: "delayed scaling (TE defaults)", config: {} },
  { name: "current scaling, E4M3 everywhere, GELU", config: { fp8: { recipe: "current", format: "e4m3" }, model: { ...base.model, activation: "gelu" } } },
  { name: "block (MX) scaling, 2 micro-batches", config: { fp8: { recipe: "block" }, accumulationSteps: 2 } },
  { name: "delayed, non-saturating, inputs beyond E4M3 at scale 1 (step 0 overflows)", config: { fp8: { saturate: false, amaxHistoryLen: 4 }, data: big, optimizer: { type: "sgd", lr: 0 } }, overflows: true },
];

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

for (const r of runs) {
  test(`webgpu fp8 run = cpu fp8 run: ${r.name}`, { skip }, async () => {
    if (typeof gpu === "string") return;
    const config = { ...base, ...r.config };
    const cpu: RunResult = await train(config, { backend: "cpu" });
    const g: RunResult = await train(config, { backend: gpu });
    assert.equal(g.steps, cpu.steps);
    assert.deepEqual(g.overflowSteps, cpu.overflowSteps);
    if (r.overflows) assert.ok(cpu.overflowSteps.length > 0, "the scenario overflows");
    assert.deepEqual(g.scales, cpu.scales);
    g.losses.forEach((l, i) => {
      const c = cpu.losses[i];
      if (!Number.isFinite(c)) assert.ok(!Number.isFinite(l), `step ${i}: loss ${l}, cpu ${c}`);
      else assert.ok(rel(l, c) <= 0.02, `step ${i}: loss ${l} vs cpu ${c}`);
    });
    const block = (r.config.fp8 as { recipe?: string } | undefined)?.recipe === "block";
    g.fp8!.tensors.forEach((t, k) => {
      const c = cpu.fp8!.tensors[k], what = `layer ${t.layer} ${t.role}`;
      assert.equal(t.scales[0], c.scales[0], `${what}: step-0 scale`);
      if (t.role === "weights" || (t.layer === 1 && t.role === "inputs")) assert.equal(t.amax[0], c.amax[0], `${what}: step-0 amax`);
      t.scales.forEach((s, i) => {
        if (block) assert.equal(s, c.scales[i], `${what} step ${i}: block scale`);
        else assert.ok(rel(s, c.scales[i]) <= 0.01, `${what} step ${i}: scale ${s} vs cpu ${c.scales[i]}`);
      });
      t.saturated.forEach((x, i) => assert.ok(Math.abs(x - c.saturated[i]) <= 0.02, `${what}: saturated share at observation ${i}: ${x} vs ${c.saturated[i]}`));
    });
  });
}

// Whole training runs on WebGPU against the same runs on the CPU reference: the same
// overflow steps, the same scales, losses within 2% in 16-bit policies and within
// 1e-4 (relative) in fp32, the same statistics counts. Small on purpose (SwiftShader).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import "../../../../engine/backend/webgpu/register.js"; // backend: "webgpu" by name
import { train } from "../../../../engine/train/run.js";
import type { RunResult } from "../../../../engine/train/runResult.js";
import { releaseWebGpu, webgpuOrReason } from "../backends.js";

after(releaseWebGpu);
const gpu = await webgpuOrReason();
const skip = typeof gpu === "string" ? gpu : undefined;

const base = {
  model: { inputs: 8, hidden: [16, 12], outputs: 2, activation: "relu", seed: 1 },
  data: { type: "teacher", inputs: 8, outputs: 2, samples: 256, seed: 2 },
  steps: 30, batchSize: 32, chunkSize: 8, statsInterval: 10,
  optimizer: { type: "sgd", lr: 0.05, momentum: 0.9 },
};

const runs: { name: string; config: Record<string, unknown>; lossTol: number; overflows?: boolean }[] = [
  { name: "fp32, SGD with momentum, no scaler", config: { precision: "fp32", scaler: { type: "none" } }, lossTol: 1e-4 },
  { name: "mixed-fp16, pytorch scaler growing every 4 steps (overflows)", config: { precision: "mixed-fp16", scaler: { type: "dynamic", preset: "pytorch", initScale: 2 ** 14, growthInterval: 4 } }, lossTol: 0.02, overflows: true },
  { name: "mixed-fp16, deepspeed scaler, Adam, GELU, 2 micro-batches", config: { precision: "mixed-fp16", scaler: { type: "dynamic", preset: "deepspeed", growthInterval: 3 }, optimizer: { type: "adam", lr: 0.01 }, accumulationSteps: 2, model: { ...base.model, activation: "gelu" } }, lossTol: 0.02 },
  { name: "mixed-bf16, tanh, no scaler", config: { precision: "mixed-bf16", scaler: { type: "none" }, model: { ...base.model, activation: "tanh" } }, lossTol: 0.02 },
  { name: "fp16 without master weights, sigmoid, static scale 2^40 (every step overflows)", config: { precision: "fp16", scaler: { type: "static", scale: 2 ** 40 }, model: { ...base.model, activation: "sigmoid" } }, lossTol: 0.02, overflows: true },
];

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

for (const r of runs) {
  test(`webgpu run = cpu run: ${r.name}`, { skip }, async () => {
    if (typeof gpu === "string") return;
    const config = { ...base, ...r.config };
    const cpu: RunResult = await train(config, { backend: "cpu" });
    const g: RunResult = await train(config, { backend: gpu });
    assert.equal(g.backend.name, "webgpu");
    assert.equal(g.status, cpu.status);
    assert.equal(g.steps, cpu.steps);
    assert.deepEqual(g.overflowSteps, cpu.overflowSteps);
    if (r.overflows) assert.ok(cpu.overflowSteps.length > 0, "the scenario overflows");
    assert.deepEqual(g.scales, cpu.scales);
    assert.deepEqual(g.firstNonFinite, cpu.firstNonFinite);
    g.losses.forEach((l, i) => {
      const c = cpu.losses[i];
      if (Number.isNaN(c)) assert.ok(Number.isNaN(l), `step ${i}: loss ${l}, cpu NaN`);
      else assert.ok(relDiff(l, c) <= r.lossTol, `step ${i}: loss ${l} vs cpu ${c}`);
    });
    assert.deepEqual(g.statsSteps, cpu.statsSteps);
    g.layers.forEach((L, l) => {
      for (const role of Object.keys(L.tensors) as (keyof typeof L.tensors)[]) {
        assert.equal(L.tensors[role].count, cpu.layers[l].tensors[role].count, `layer ${l + 1} ${role} count`);
        assert.ok(Math.abs(L.tensors[role].zero - cpu.layers[l].tensors[role].zero) <= 0.02, `layer ${l + 1} ${role} zero share`);
      }
    });
  });
}

test("train(config, { backend: \"webgpu\" }) creates, reports and releases its own WebGPU backend", { skip }, async () => {
  const r = await train({ ...base, steps: 3, precision: "mixed-fp16" }, { backend: "webgpu" });
  assert.equal(r.backend.name, "webgpu");
  assert.equal(r.backend.fp16, "emulated");
  assert.match(r.backend.adapter, /\S/);
  assert.equal(r.steps, 3);
});

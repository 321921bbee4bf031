// Whole training runs that every backend repeats against the CPU reference (webgpu/ and
// wasm/ train tests): the same overflow steps, the same scales, losses within 2% in
// 16-bit policies and within 1e-4 (relative) in fp32, the same statistics counts.
import assert from "node:assert/strict";
import type { RunResult } from "../../../engine/train/runResult.js";

export const RUN_BASE = {
  model: { inputs: 8, hidden: [16, 12], outputs: 2, activation: "relu", seed: 1 },
  data: { type: "teacher", inputs: 8, outputs: 2, samples: 256, seed: 2 },
  steps: 30, batchSize: 32, chunkSize: 8, statsInterval: 10,
  optimizer: { type: "sgd", lr: 0.05, momentum: 0.9 },
};

export interface RunCase { name: string; config: Record<string, unknown>; lossTol: number; overflows?: boolean }

export const RUN_CASES: RunCase[] = [
  { name: "fp32, SGD with momentum, no scaler", config: { precision: "fp32", scaler: { type: "none" } }, lossTol: 1e-4 },
  { name: "mixed-fp16, pytorch scaler growing every 4 steps (overflows)", config: { precision: "mixed-fp16", scaler: { type: "dynamic", preset: "pytorch", initScale: 2 ** 14, growthInterval: 4 } }, lossTol: 0.02, overflows: true },
  { name: "mixed-fp16, deepspeed scaler, Adam, GELU, 2 micro-batches", config: { precision: "mixed-fp16", scaler: { type: "dynamic", preset: "deepspeed", growthInterval: 3 }, optimizer: { type: "adam", lr: 0.01 }, accumulationSteps: 2, model: { ...RUN_BASE.model, activation: "gelu" } }, lossTol: 0.02 },
  { name: "mixed-fp16, deepspeed zeroStage 1 with consecutive hysteresis (overflows)", config: { precision: "mixed-fp16", scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 1, consecutiveHysteresis: true, initScale: 2 ** 14, growthInterval: 3 } }, lossTol: 0.02, overflows: true },
  { name: "mixed-bf16, tanh, no scaler", config: { precision: "mixed-bf16", scaler: { type: "none" }, model: { ...RUN_BASE.model, activation: "tanh" } }, lossTol: 0.02 },
  { name: "fp16 without master weights, sigmoid, static scale 2^40 (every step overflows)", config: { precision: "fp16", scaler: { type: "static", scale: 2 ** 40 }, model: { ...RUN_BASE.model, activation: "sigmoid" } }, lossTol: 0.02, overflows: true },
];

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

/** Asserts that run `got` (on another backend) is run `cpu` within the case's tolerance. */
export function assertSameRun(got: RunResult, cpu: RunResult, r: RunCase): void {
  assert.equal(got.status, cpu.status);
  assert.equal(got.steps, cpu.steps);
  assert.deepEqual(got.overflowSteps, cpu.overflowSteps);
  if (r.overflows) assert.ok(cpu.overflowSteps.length > 0, "the scenario overflows");
  assert.deepEqual(got.scales, cpu.scales);
  assert.deepEqual(got.firstNonFinite, cpu.firstNonFinite);
  got.losses.forEach((l, i) => {
    const c = cpu.losses[i];
    if (Number.isNaN(c)) assert.ok(Number.isNaN(l), `step ${i}: loss ${l}, cpu NaN`);
    else assert.ok(relDiff(l, c) <= r.lossTol, `step ${i}: loss ${l} vs cpu ${c}`);
  });
  assert.deepEqual(got.statsSteps, cpu.statsSteps);
  got.layers.forEach((L, l) => {
    for (const role of Object.keys(L.tensors) as (keyof typeof L.tensors)[]) {
      assert.equal(L.tensors[role].count, cpu.layers[l].tensors[role].count, `layer ${l + 1} ${role} count`);
      assert.ok(Math.abs(L.tensors[role].zero - cpu.layers[l].tensors[role].zero) <= 0.02, `layer ${l + 1} ${role} zero share`);
    }
  });
}

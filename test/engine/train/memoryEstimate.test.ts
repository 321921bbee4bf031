// The memory estimate train() checks against the budget, before allocating, against
// what a real run then allocated (its RunResult.memory ledger, counted buffer by buffer
// in net.ts). The ledger counts fp16/bf16 as 2 bytes whatever the storage, as WebGPU
// stores them, so the estimate for "webgpu" must match it part for part.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTrainConfig, train } from "../../../engine/index.js";
import { checkMemoryBudget, estimateTrainingMemory, MemoryBudgetError } from "../../../engine/train/memoryEstimate.js";

const base = {
  model: { inputs: 3, hidden: [5, 4], outputs: 2, activation: "tanh" },
  data: { type: "teacher", inputs: 3, outputs: 2, samples: 40 },
  steps: 2,
  batchSize: 8,
};

const variants: Record<string, unknown>[] = [
  { precision: "fp32" },
  { precision: "fp16" },
  { precision: "mixed-fp16" },
  { precision: "mixed-bf16", accumulationSteps: 2 },
  { precision: "mixed-fp16", optimizer: { type: "sgd", lr: 0.1 } },
  { precision: "fp32", optimizer: { type: "sgd", lr: 0.1, momentum: 0.9 }, model: { inputs: 3, hidden: [], outputs: 2, activation: "linear" } },
];

for (const v of variants) {
  test(`the estimate is what the run allocates: ${JSON.stringify(v)}`, async () => {
    const config = { ...base, ...v };
    const run = await train(config, { backend: "cpu" });
    const e = estimateTrainingMemory(parseTrainConfig(config), "webgpu");
    assert.equal(e.weightsBytes, run.memory.weightsBytes, "weights");
    assert.equal(e.masterWeightsBytes, run.memory.masterWeightsBytes, "master copy");
    assert.equal(e.activationsBytes, run.memory.activationsBytes, "activations");
    assert.equal(e.gradientsBytes, run.memory.gradientsBytes, "gradients");
    assert.equal(e.optimizerBytes, run.memory.optimizerBytes, "optimizer state");
    // on the CPU every value takes 4 bytes: never less than the dtype count
    assert.ok(estimateTrainingMemory(parseTrainConfig(config), "cpu").totalBytes >= e.totalBytes);
  });
}

test("the budget refuses with the estimate, its parts and the budget; a config under it passes", () => {
  const big = parseTrainConfig({ ...base, model: { inputs: 3, hidden: [4096, 4096], outputs: 2 } });
  assert.throws(() => checkMemoryBudget(big, "cpu", 100), (e: Error) => {
    assert.ok(e instanceof MemoryBudgetError);
    assert.match(e.message, /needs about \d+ MiB on the cpu backend \(weights [\d.]+, master copy [\d.]+, activations [\d.]+, gradients [\d.]+, optimizer state [\d.]+, statistics scratch [\d.]+, data [\d.]+ MiB\), more than the memory budget of 100 MiB/);
    return true;
  });
  assert.ok(checkMemoryBudget(big, "cpu", 4096).totalBytes > 100 * 2 ** 20);
});

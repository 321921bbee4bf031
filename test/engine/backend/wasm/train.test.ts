// Whole training runs on the wasm backend against the same runs on the CPU reference
// (runCases.ts), plus a longer mixed-fp16 run whose dynamic scaler backs off and grows
// many times: the same overflow steps and scales, step for step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { train } from "../../../../engine/train/run.js";
import { RUN_BASE, RUN_CASES, assertSameRun } from "../runCases.js";

for (const r of RUN_CASES) {
  test(`wasm run = cpu run: ${r.name}`, async () => {
    const config = { ...RUN_BASE, ...r.config };
    const cpu = await train(config, { backend: "cpu" });
    const w = await train(config, { backend: "wasm" });
    assert.equal(w.backend.name, "wasm");
    assertSameRun(w, cpu, r);
  });
}

test("wasm run = cpu run: 200 steps of mixed-fp16 with a pytorch scaler growing every 5 steps, batch 64, width 64", async () => {
  const config = {
    ...RUN_BASE, steps: 200, batchSize: 64, chunkSize: 25, statsInterval: 20, precision: "mixed-fp16",
    model: { ...RUN_BASE.model, hidden: [64, 64] }, data: { ...RUN_BASE.data, samples: 1024 },
    scaler: { type: "dynamic", preset: "pytorch", initScale: 2 ** 16, growthInterval: 5 },
  };
  const cpu = await train(config, { backend: "cpu" });
  const w = await train(config, { backend: "wasm" });
  assert.ok(cpu.overflowSteps.length >= 5, `the scaler backs off often (${cpu.overflowSteps.length} overflows)`);
  assert.deepEqual(w.overflowSteps, cpu.overflowSteps);
  assert.deepEqual(w.scales, cpu.scales);
  // (which tensor overflowed first may differ near the fp16 limit late in a long run: the
  // GEMM sums in fp32 where the reference sums in fp64)
  w.losses.forEach((l, i) => assert.ok(Math.abs(l - cpu.losses[i]) <= 0.02 * Math.abs(cpu.losses[i]), `step ${i}: loss ${l} vs cpu ${cpu.losses[i]}`));
});

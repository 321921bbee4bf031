// Whole training runs on WebGPU against the same runs on the CPU reference (runCases.ts).
// Small on purpose (SwiftShader).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import "../../../../engine/backend/webgpu/register.js"; // backend: "webgpu" by name
import { train } from "../../../../engine/train/run.js";
import type { RunResult } from "../../../../engine/train/runResult.js";
import { releaseWebGpu, webgpuOrReason } from "../backends.js";
import { RUN_BASE, RUN_CASES, assertSameRun } from "../runCases.js";

after(releaseWebGpu);
const gpu = await webgpuOrReason();
const skip = typeof gpu === "string" ? gpu : undefined;

const base = RUN_BASE;

for (const r of RUN_CASES) {
  test(`webgpu run = cpu run: ${r.name}`, { skip }, async () => {
    if (typeof gpu === "string") return;
    const config = { ...base, ...r.config };
    const cpu: RunResult = await train(config, { backend: "cpu" });
    const g: RunResult = await train(config, { backend: gpu });
    assert.equal(g.backend.name, "webgpu");
    assertSameRun(g, cpu, r);
  });
}

test("train(config, { backend: \"webgpu\" }) creates, reports and releases its own WebGPU backend", { skip }, async () => {
  const r = await train({ ...base, steps: 3, precision: "mixed-fp16" }, { backend: "webgpu" });
  assert.equal(r.backend.name, "webgpu");
  assert.equal(r.backend.fp16, "emulated");
  assert.match(r.backend.adapter, /\S/);
  assert.equal(r.steps, 3);
});

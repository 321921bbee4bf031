// The MLP runs recorded before the engine was rebuilt on ops and layers (issue 18, step
// 0: fixtures/mlpRuns.json, made by recordMlpRuns.ts) repeat bit for bit: losses, scales,
// overflow steps, grad norms, first non-finite events, scaler state, statistics, memory
// ledger, shadow and fp8 reports, final weights and predict() of the trained model, on
// the CPU reference, on wasm (one and two threads) and on WebGPU where the adapter is the
// one they were recorded on.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import "../../../engine/backend/webgpu/register.js"; // the shadow of a webgpu run makes one by name
import { releaseWebGpu, webgpuOrReason } from "../backend/backends.js";
import { MLP_RUN_CASES } from "./mlpRuns.js";
import { makeCpu, makeWasm, runDigest, type Recording } from "./mlpRunBackends.js";

after(releaseWebGpu);
const recorded: Recording = JSON.parse(readFileSync(new URL("./fixtures/mlpRuns.json", import.meta.url), "utf8"));
const gpu = await webgpuOrReason();
const gpuSkip = typeof gpu === "string" ? gpu
  : gpu.info.adapter !== recorded.webgpuAdapter ? `recorded on ${recorded.webgpuAdapter}, this adapter is ${gpu.info.adapter}` : undefined;

test("every case was recorded on cpu and wasm, and the WebGPU ones on an adapter", () => {
  for (const c of MLP_RUN_CASES) {
    assert.ok(recorded.runs[c.name]?.cpu && recorded.runs[c.name]?.wasm, `${c.name} recorded`);
    if (c.webgpu) assert.ok(recorded.runs[c.name].webgpu, `${c.name} recorded on webgpu`);
  }
  assert.ok(MLP_RUN_CASES.some((c) => recorded.runs[c.name].cpu!.skippedSteps > 0), "a case overflows");
});

const backends = [
  { name: "cpu", key: "cpu", make: makeCpu },
  { name: "wasm 1 thread", key: "wasm", make: makeWasm(1) },
  { name: "wasm 2 threads", key: "wasm", make: makeWasm(2) },
] as const;

for (const c of MLP_RUN_CASES) {
  for (const b of backends) {
    test(`${b.name}: ${c.name} repeats the recorded run bit for bit`, async () => {
      const backend = await b.make();
      try {
        assert.deepEqual(await runDigest(c, backend), recorded.runs[c.name][b.key]);
      } finally {
        backend.destroy();
      }
    });
  }
  if (c.webgpu) {
    test(`webgpu: ${c.name} repeats the recorded run bit for bit`, { skip: gpuSkip }, async () => {
      if (typeof gpu === "string") return;
      assert.deepEqual(await runDigest(c, gpu), recorded.runs[c.name].webgpu);
    });
  }
}

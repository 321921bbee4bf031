// Records the MLP runs of mlpRuns.ts on every backend here into fixtures/mlpRuns.json.
// Run once, before the engine changed (issue 18, step 0); mlpFixtures.test.ts compares.
import { writeFileSync } from "node:fs";
import { createWebGpuBackend } from "../../../engine/backend/webgpu/register.js"; // also: the shadow makes one by name
import { MLP_RUN_CASES } from "./mlpRuns.js";
import { makeCpu, makeWasm, runDigest, type Recording } from "./mlpRunBackends.js";

const out: Recording = { webgpuAdapter: null, runs: {} };
const gpu = await createWebGpuBackend().catch((e: Error) => (console.log(`no WebGPU: ${e.message}`), null));
if (gpu) out.webgpuAdapter = gpu.info.adapter;
for (const c of MLP_RUN_CASES) {
  const cpu = await makeCpu(), w1 = await makeWasm(1)(), w2 = await makeWasm(2)();
  const entry = (out.runs[c.name] = { cpu: await runDigest(c, cpu), wasm: await runDigest(c, w1) });
  const two = await runDigest(c, w2);
  if (JSON.stringify(two) !== JSON.stringify(entry.wasm)) throw new Error(`${c.name}: wasm on two threads differs from one thread`);
  if (gpu && c.webgpu) (entry as Record<string, unknown>).webgpu = await runDigest(c, gpu);
  for (const b of [cpu, w1, w2]) b.destroy();
  console.log(`${c.name}: recorded`);
}
gpu?.destroy();
writeFileSync(new URL("./fixtures/mlpRuns.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");

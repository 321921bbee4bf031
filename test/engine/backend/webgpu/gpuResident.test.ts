// The WebGPU backend's recording discipline: a chunk of training steps is encoded and
// submitted with one read-back (flush), pipelines are made once per specialisation
// (never per dispatch), and dispatches recorded before one submit each see their own
// uniforms (a shared uniform buffer rewritten between them would show the last value).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { initialScalerState } from "../../../../engine/scaler/lossScaler.js";
import { SCALER_PRESETS } from "../../../../engine/scaler/presets.js";
import { TrainStep } from "../../../../engine/train/trainStep.js";
import { policyFor } from "../../../../engine/train/policy.js";
import { initWeights } from "../../../../engine/model/mlp.js";
import { parseTrainConfig } from "../../../../engine/config/validate.js";
import { materialize } from "../../../../engine/data/datasets.js";
import { releaseWebGpu, uniform, webgpuOrReason } from "../backends.js";
import { gatherRows } from "../../../../engine/ops/gatherRows/gatherRows.js";

after(releaseWebGpu);
const gpu = await webgpuOrReason();
const skip = typeof gpu === "string" ? gpu : undefined;

test("dispatches recorded before one submit each see their own uniforms", { skip }, async () => {
  if (typeof gpu === "string") return;
  const src = gpu.tensor([8, 3], "f32", uniform(24, -1, 1, 1));
  const idx = gpu.tensor([8], "f32", Float32Array.from([7, 6, 5, 4, 3, 2, 1, 0]));
  const outs = [0, 1, 2, 3, 4].map(() => gpu.tensor([2, 3], "f16"));
  outs.forEach((o, k) => gatherRows(gpu, { out: o, src, idx, offset: k })); // offsets 0..4, no wait in between
  const s = await gpu.read(src);
  for (const [k, o] of outs.entries()) {
    const got = await gpu.read(o);
    const rows = [7 - k, 6 - k];
    const want = rows.flatMap((r) => [0, 1, 2].map((c) => s[r * 3 + c]));
    want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= Math.abs(w) * 2 ** -11, `offset ${k} [${i}]: ${got[i]} vs ${w}`));
  }
  for (const t of [src, idx, ...outs]) gpu.dispose(t);
});

test("a chunk of training steps runs with one read-back, and no pipeline is made after the first step", { skip }, async () => {
  if (typeof gpu === "string") return;
  const config = parseTrainConfig({
    model: { inputs: 8, hidden: [16], outputs: 2, activation: "relu", seed: 1 },
    data: { type: "teacher", inputs: 8, outputs: 2, samples: 64, seed: 2 },
    precision: "mixed-fp16", steps: 12, batchSize: 16, optimizer: { type: "adam", lr: 1e-3 },
    scaler: { type: "dynamic", preset: "pytorch" },
  });
  const data = await materialize(config.data);
  const ts = new TrainStep(gpu, config, policyFor("mixed-fp16"), data, initWeights(config.model), 12);
  gpu.initStepState(SCALER_PRESETS.pytorch, initialScalerState(SCALER_PRESETS.pytorch), 0);
  gpu.resetStats(4);
  gpu.write(ts.idx, Float32Array.from({ length: 12 * 16 }, (_, i) => (i * 7) % 64));
  ts.run(0, 0, null);
  const first = gpu.counters();
  for (let s = 1; s < 12; s++) ts.run(s, s, null);
  const before = gpu.counters();
  assert.equal(before.readBacks, first.readBacks, "no read-back inside the chunk");
  assert.equal(before.pipelines, first.pipelines, "no pipeline made after the first step");
  assert.ok(before.dispatches - first.dispatches >= 11 * 10, "the steps were recorded");
  const recs = await gpu.flush();
  assert.equal(gpu.counters().readBacks, before.readBacks + 1, "flush is the one read-back");
  assert.equal(recs.length, 12);
  assert.ok(recs.every((r) => Number.isFinite(r.loss) && r.loss > 0));
  ts.dispose();
});

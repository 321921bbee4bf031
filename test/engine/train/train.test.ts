// Whole runs on the CPU reference backend: the overflow path, determinism,
// micro-batches, frozen weights, lost updates without master weights, the
// underflow story, cancellation and the step records.
import { test } from "node:test";
import assert from "node:assert/strict";
import { train, mlp, datasets, sgd, adam, predict } from "../../../engine/index.js";
import { initWeights, layerShapes } from "../../../engine/model/mlp.js";
import { forward64, type Act } from "../../helpers/reference.js";
import { roundF16 } from "../../../engine/numerics/float16.js";

const model = mlp({ inputs: 4, hidden: [16], outputs: 2, activation: "tanh", seed: 5 });
const data = datasets.teacher({ inputs: 4, outputs: 2, samples: 256, seed: 9 });
const base = { model, data, steps: 12, batchSize: 32, optimizer: sgd({ lr: 0.05 }) };

test("a static scale of 2^40 overflows fp16: every step is skipped and the weights stay untouched", async () => {
  const r = await train({ ...base, precision: "mixed-fp16", scaler: { type: "static", scale: 2 ** 40 } }, { backend: "cpu" });
  assert.equal(r.skippedSteps, 12);
  assert.deepEqual(r.overflowSteps, [...Array(12).keys()]);
  assert.deepEqual(r.model.weights, initWeights(model).map((l) => ({ weight: l.weight, bias: l.bias })));
  assert.ok(r.scales.every((s) => s === 2 ** 40));
  // the seed 2(ŷ-y)/n·2^40 is beyond 65504 already: the last layer's activation gradient is the first non-finite tensor
  assert.deepEqual(r.firstNonFinite[0], { step: 0, layer: 2, tensor: "activation gradients" });
  assert.ok(r.gradNorms.every((g) => !Number.isFinite(g)));
});

test("runs are deterministic for a seed", async () => {
  const a = await train({ ...base, precision: "mixed-fp16" }, { backend: "cpu" });
  const b = await train({ ...base, precision: "mixed-fp16" }, { backend: "cpu" });
  assert.deepEqual(a.losses, b.losses);
  assert.deepEqual(a.model.weights, b.model.weights);
  const c = await train({ ...base, precision: "mixed-fp16", seed: 1 }, { backend: "cpu" });
  assert.notDeepEqual(a.losses, c.losses, "another shuffle seed gives other batches");
});

test("two micro-batches of 16 equal one batch of 32 in fp32", async () => {
  const a = await train({ ...base, precision: "fp32", scaler: { type: "none" } }, { backend: "cpu" });
  const b = await train({ ...base, precision: "fp32", scaler: { type: "none" }, batchSize: 16, accumulationSteps: 2 }, { backend: "cpu" });
  a.losses.forEach((l, i) => assert.ok(Math.abs(l - b.losses[i]) <= 1e-6 * Math.abs(l) + 1e-9, `step ${i}: ${l} vs ${b.losses[i]}`));
  a.model.weights.flatMap((l) => l.weight).forEach((w, i) => assert.ok(Math.abs(w - b.model.weights.flatMap((l) => l.weight)[i]) < 1e-6));
});

test("lr 0 freezes the weights, and the step-0 loss equals an fp64 forward pass", async () => {
  const r = await train({ ...base, steps: 3, precision: "fp32", scaler: { type: "none" }, optimizer: adam({ lr: 0 }), batchSize: 256 }, { backend: "cpu" });
  assert.deepEqual(r.model.weights.map((l) => l.weight), initWeights(model).map((l) => l.weight));
  // batch = the whole data set, so the loss is the data set's MSE
  const { materialize } = await import("../../../engine/data/datasets.js");
  const d = await materialize(data);
  const xs = Array.from({ length: 256 }, (_, i) => Array.from(d.x.subarray(i * 4, i * 4 + 4)));
  const ys = Array.from({ length: 256 }, (_, i) => Array.from(d.y.subarray(i * 2, i * 2 + 2)));
  const layers = layerShapes(model).map((s, l) => ({ ...s, act: s.activation as Act, w: initWeights(model)[l].weight, b: initWeights(model)[l].bias }));
  const out = forward64(layers, xs);
  const mse = out.flat().reduce((s, v, i) => s + (v - ys.flat()[i]) ** 2, 0) / (256 * 2);
  for (const l of r.losses) assert.ok(Math.abs(l - mse) < 1e-6 * mse, `${l} vs ${mse}`);
});

test("pure fp16 loses updates smaller than 2^-11 of the weight; mixed-fp16 keeps them in the fp32 master", async () => {
  const tiny = { ...base, steps: 5, scaler: { type: "none" as const }, optimizer: sgd({ lr: 1e-7 }) };
  const pure = await train({ ...tiny, precision: "fp16" }, { backend: "cpu" });
  const mixed = await train({ ...tiny, precision: "mixed-fp16" }, { backend: "cpu" });
  const init = initWeights(model)[0].weight.map(roundF16);
  const changed = (w: number[]) => w.filter((v, i) => v !== init[i]).length;
  assert.equal(changed(pure.model.weights[0].weight), 0, "fp16 weights never move");
  assert.ok(changed(mixed.model.weights[0].weight) > 0.5 * init.length, "the fp32 master moves");
});

test("without a scaler tiny gradients underflow at the fp16 seed cast; a dynamic scale brings them back", async () => {
  // outputs of about 3e-5 against near-zero targets: the seed 2(ŷ-y)/n with n = 256·16
  // is about 1.5e-8, below half of fp16's smallest subnormal (2^-24 ≈ 6e-8) for most values
  const spec = mlp({ inputs: 8, hidden: [32], outputs: 16, seed: 5 });
  const weights = initWeights(spec);
  weights[1] = { weight: weights[1].weight.map((w) => w * 3e-4), bias: weights[1].bias.map(() => 0) };
  const small = { model: { ...spec, weights }, data: datasets.teacher({ inputs: 8, outputs: 16, samples: 512, seed: 9, targetScale: 1e-6 }), steps: 3, batchSize: 256, optimizer: sgd({ lr: 0.1 }) };
  const plain = await train({ ...small, precision: "mixed-fp16", scaler: { type: "none" } }, { backend: "cpu" });
  const scaled = await train({ ...small, precision: "mixed-fp16", scaler: { type: "dynamic", preset: "pytorch" } }, { backend: "cpu" });
  const seedPlain = plain.layers[1].tensors.activationGrads, seedScaled = scaled.layers[1].tensors.activationGrads;
  assert.ok(seedPlain.underflow > 0.3, `no scaler: ${seedPlain.underflow} of the seed underflowed`);
  assert.equal(seedScaled.underflow, 0);
  assert.ok(plain.layers[1].tensors.weightGrads.zero > scaled.layers[1].tensors.weightGrads.zero);
  assert.equal(seedPlain.dtype, "f16");
  // the fp32 loss is the same function of the same weights at step 0
  assert.equal(plain.losses[0], scaled.losses[0]);
});

test("cancelling through the signal ends the run early with a partial result", async () => {
  const ac = new AbortController();
  const seen: number[] = [];
  const r = await train({ ...base, steps: 40, chunkSize: 5 }, { backend: "cpu", signal: ac.signal, onProgress: (p) => { seen.push(p.step); if (p.step >= 10) ac.abort(); } });
  assert.equal(r.status, "cancelled");
  assert.equal(r.steps, 10);
  assert.equal(r.losses.length, 10);
  assert.deepEqual(seen, [5, 10]);
});

test("predict runs the trained model; fp32 predictions match an fp64 forward pass", async () => {
  const r = await train({ ...base, precision: "fp32" }, { backend: "cpu" });
  const xs = [[0.1, -0.2, 0.3, 0.5], [1, 1, -1, 0]];
  const got = await predict(r.model, xs);
  const layers = layerShapes(model).map((s, l) => ({ ...s, act: s.activation as Act, w: r.model.weights[l].weight, b: r.model.weights[l].bias }));
  forward64(layers, xs).flat().forEach((v, i) => assert.ok(Math.abs(got.flat()[i] - v) < 1e-5));
  await assert.rejects(predict(r.model, [[1, 2]]), /model.inputs is 4/);
});

test("the memory ledger: mixed-fp16 keeps an fp32 master and half-size weights and activations", async () => {
  const f32 = await train({ ...base, steps: 1, precision: "fp32" }, { backend: "cpu" });
  const mixed = await train({ ...base, steps: 1, precision: "mixed-fp16" }, { backend: "cpu" });
  const params = 4 * 16 + 16 + 16 * 2 + 2;
  assert.equal(f32.memory.masterWeightsBytes, 0);
  assert.equal(f32.memory.weightsBytes, params * 4);
  assert.equal(mixed.memory.masterWeightsBytes, params * 4);
  assert.equal(mixed.memory.weightsBytes, params * 2);
  assert.equal(mixed.memory.activationsBytes * 2, f32.memory.activationsBytes);
});

test("the default statsInterval observes every 5th step of a short run, about 50 steps of a long one, and always the last", async () => {
  const { defaultStatsInterval } = await import("../../../engine/train/run.js");
  const r = await train({ ...base, precision: "mixed-fp16" }, { backend: "cpu" });
  assert.deepEqual(r.statsSteps, [0, 5, 10, 11]);
  assert.equal(r.layers[0].tensors.weights.count, 4 * 4 * 16, "4 observed steps of the 16x4 weights");
  assert.deepEqual([1, 12, 250, 251, 1000, 100000].map(defaultStatsInterval), [5, 5, 5, 6, 20, 2000]);
});

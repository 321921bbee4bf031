// A run on normalised data keeps its statistics in its model: predict() takes and returns
// original units, training continues with the same statistics, and a data spec that asks
// for other ones is refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TrainConfigInput } from "../../../engine/config/schema.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import { predict } from "../../../engine/train/predict.js";
import { train } from "../../../engine/train/run.js";
import { runResultSchema } from "../../../engine/train/runResult.js";

// y = 3000 · x0 - 20 · x1 + 50000: inputs in the thousands, targets in the tens of thousands
const xs = Array.from({ length: 200 }, (_, i) => [1000 + ((i * 37) % 200), (i * 13) % 50]);
const ys = xs.map(([a, b]) => [3 * a - 20 * b + 50000]);
const config = (normalize: unknown, extra: object = {}) => ({
  model: { inputs: 2, hidden: [16], outputs: 1, activation: "tanh" },
  data: { type: "arrays", xs, ys, normalize },
  precision: "fp32", optimizer: { type: "adam", lr: 1e-2 }, steps: 150, batchSize: 50, ...extra,
}) as TrainConfigInput;

test('minmax inputs and standard targets: predict() speaks original units; a run without normalize keeps none', async () => {
  const run = await train(config({ inputs: "minmax", targets: "standard" }), { backend: "cpu" });
  runResultSchema.parse(JSON.parse(JSON.stringify(run)));
  const n = run.model.normalization!;
  assert.deepEqual(n.inputs.shift, [1000, 0]);
  assert.deepEqual(n.inputs.scale, [199, 49]);
  assert.equal(n.targets.method, "standard");
  assert.equal(run.data!.normalize.inputs, "minmax");
  // what the model saw: inputs in [0, 1]
  assert.equal(run.data!.inputs[0].largest, 1);
  const got = await predict(run.model, xs.slice(0, 20));
  const err = got.reduce((s, p, i) => s + Math.abs(p[0] - ys[i][0]), 0) / 20;
  assert.ok(err < 200, `mean absolute error ${err} (targets ~5e4)`);
  // the same weights without the statistics give normalised units, not dollars
  const { normalization: _n, ...bare } = run.model;
  const inner = await predict(bare, xs.slice(0, 1).map(([a, b]) => [(a - 1000) / 199, b / 49]));
  assert.ok(Math.abs(inner[0][0] * n.targets.scale[0] + n.targets.shift[0] - got[0][0]) < 1e-2 * n.targets.scale[0]);
  const plain = await train(config(undefined, { steps: 2 }), { backend: "cpu" });
  assert.equal(plain.model.normalization, undefined);
  assert.deepEqual(plain.data!.normalize, { inputs: "none", targets: "none" });
});

test("training continues with the model's statistics; other methods are refused, and so is a wrong width", async () => {
  const first = await train(config("standard", { steps: 20 }), { backend: "cpu" });
  // different data, same methods: the model's statistics are kept, not refitted
  const more = { ...config("standard", { steps: 20 }), model: first.model };
  (more.data as { xs: number[][] }).xs = xs.map(([a, b]) => [a + 500, b]);
  const second = await train(more, { backend: "cpu" });
  assert.deepEqual(second.model.normalization, first.model.normalization);
  assert.throws(() => parseTrainConfig({ ...config("minmax"), model: first.model }), /data\.normalize asks for "minmax" inputs, but the model was trained on "standard" inputs/);
  assert.throws(() => parseTrainConfig({ ...config(undefined), model: first.model }), /asks for "none" targets, but the model was trained on "standard" targets/);
  const wrong = { ...first.model, normalization: { ...first.model.normalization!, inputs: { method: "standard" as const, shift: [0], scale: [1] } } };
  assert.throws(() => parseTrainConfig({ ...config("standard"), model: wrong }), /model\.normalization\.inputs must have 2 shifts and 2 scales/);
  await assert.rejects(predict(wrong, [[1, 2]]), /model\.normalization has 1 input and 1 target columns; the model has 2 and 1/);
});

test("the data's statistics are the host's: the same on every backend (cpu, wasm)", async () => {
  const c = config("standard", { steps: 3, precision: "mixed-fp16" });
  const [cpu, wasm] = [await train(c, { backend: "cpu" }), await train(c, { backend: "wasm" })];
  assert.equal(wasm.backend.name, "wasm");
  assert.deepEqual(wasm.data, cpu.data);
  assert.deepEqual(wasm.model.normalization, cpu.model.normalization);
});

test("DeepSpeed's export says the data must be normalised by the user's pipeline", async () => {
  const { deepSpeedCaveats } = await import("../../../engine/export/deepspeed.js");
  assert.match(deepSpeedCaveats(config("standard", { precision: "mixed-fp16" })).join("\n"), /the run normalised its data \(inputs standard, targets standard\): a ds_config says nothing about data/);
  assert.doesNotMatch(deepSpeedCaveats(config(undefined, { precision: "mixed-fp16" })).join("\n"), /normalised its data/);
});

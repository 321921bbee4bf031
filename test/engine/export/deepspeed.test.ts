// exportDeepSpeed / importDeepSpeed: the fields DeepSpeed reads, with the values of
// DeepSpeed's own defaults for our deepspeed preset, and the round trip back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deepSpeedCaveats, exportDeepSpeed, importDeepSpeed } from "../../../engine/export/deepspeed.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import { train } from "../../../engine/train/run.js";
import type { TrainConfigInput } from "../../../engine/config/schema.js";

const cfg = (over: Partial<TrainConfigInput> = {}): TrainConfigInput => ({
  model: { inputs: 3, hidden: [4], outputs: 1 },
  data: { type: "sine", inputs: 3, samples: 32 },
  steps: 40,
  batchSize: 8,
  ...over,
});

test("the deepspeed preset: DeepSpeed's fp16 section with its default numbers", () => {
  const ds = exportDeepSpeed(cfg({ scaler: { type: "dynamic", preset: "deepspeed" }, accumulationSteps: 4, optimizer: { type: "adam", lr: 3e-4, weightDecay: 0.01 } }));
  assert.deepEqual(ds.fp16, { enabled: true, loss_scale: 0, initial_scale_power: 16, loss_scale_window: 1000, hysteresis: 2, consecutive_hysteresis: false, min_loss_scale: 1 });
  assert.deepEqual(ds.bf16, { enabled: false });
  assert.equal(ds.train_micro_batch_size_per_gpu, 8);
  assert.equal(ds.gradient_accumulation_steps, 4);
  assert.equal(ds.train_batch_size, 32);
  assert.deepEqual(ds.optimizer, { type: "AdamW", params: { lr: 3e-4, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01 } });
  assert.deepEqual(deepSpeedCaveats(cfg({ scaler: { type: "dynamic", preset: "deepspeed" } })), []);
});

test("other scalers and precisions", () => {
  const py = exportDeepSpeed(cfg({ scaler: { type: "dynamic", preset: "pytorch", initScale: 1024, growthInterval: 50 } }));
  assert.deepEqual(py.fp16, { enabled: true, loss_scale: 0, initial_scale_power: 10, loss_scale_window: 50, hysteresis: 1, consecutive_hysteresis: false, min_loss_scale: 0 });
  assert.deepEqual(exportDeepSpeed(cfg({ scaler: { type: "static", scale: 128 } })).fp16, { enabled: true, loss_scale: 128 });
  assert.deepEqual(exportDeepSpeed(cfg({ scaler: { type: "none" } })).fp16, { enabled: true, loss_scale: 1 });
  const bf = exportDeepSpeed(cfg({ precision: "mixed-bf16" }));
  assert.deepEqual([bf.fp16, bf.bf16], [{ enabled: false }, { enabled: true }]);
  const f32 = exportDeepSpeed(cfg({ precision: "fp32", optimizer: { type: "sgd", lr: 0.1, momentum: 0.9 } }));
  assert.deepEqual([f32.fp16, f32.bf16], [{ enabled: false }, { enabled: false }]);
  assert.deepEqual(f32.optimizer, { type: "SGD", params: { lr: 0.1, momentum: 0.9, weight_decay: 0 } });
  // what DeepSpeed cannot say is said
  const cav = deepSpeedCaveats(cfg({ precision: "fp16", scaler: { type: "dynamic", preset: "apex", initScale: 1000 } }));
  assert.equal(cav.length, 4);
  assert.match(cav.join("\n"), /fp16 \(no master weights\)/);
  assert.match(cav.join("\n"), /initScale 1000 is not a power of two: initial_scale_power rounds it to 2\^10/);
  assert.match(cav.join("\n"), /no ceiling \(this run: maxScale 16777216\)/);
});

test("round trip: importDeepSpeed(exportDeepSpeed(config)) gives back the deepspeed-preset scaler, precision, optimizer and batches", () => {
  const specs: TrainConfigInput["scaler"][] = [
    { type: "dynamic", preset: "deepspeed" },
    { type: "dynamic", preset: "deepspeed", initScale: 2 ** 12, growthInterval: 500, hysteresis: 3, minScale: 2 },
    { type: "dynamic", preset: "deepspeed", minScale: 0 },
    { type: "static", scale: 512 },
    { type: "none" },
  ];
  for (const scaler of specs) {
    const c = parseTrainConfig(cfg({ scaler, accumulationSteps: 2, optimizer: { type: "adam", lr: 1e-3, beta1: 0.8 } }));
    const back = importDeepSpeed(JSON.stringify(exportDeepSpeed(c)));
    assert.deepEqual(back.scaler, c.scaler, JSON.stringify(scaler));
    assert.equal(back.precision, "mixed-fp16");
    assert.deepEqual(back.optimizer, c.optimizer);
    assert.equal(back.batchSize, 8);
    assert.equal(back.accumulationSteps, 2);
    assert.deepEqual(back.notes, []);
    // and the imported specs train
    assert.doesNotThrow(() => parseTrainConfig({ ...cfg(), scaler: back.scaler, optimizer: back.optimizer }));
  }
  const bf = importDeepSpeed(exportDeepSpeed(cfg({ precision: "mixed-bf16", optimizer: { type: "sgd", lr: 0.05, momentum: 0.5, weightDecay: 0.1 } })));
  assert.equal(bf.precision, "mixed-bf16");
  assert.deepEqual(bf.optimizer, { type: "sgd", lr: 0.05, momentum: 0.5, weightDecay: 0.1 });
  assert.equal(importDeepSpeed({ fp16: { enabled: false } }).precision, "fp32");
});

test("importDeepSpeed names the bad field", () => {
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true, initial_scale_power: 1.5 } }), /fp16\.initial_scale_power must be an integer, got 1\.5/);
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true, loss_scale_window: 0 } }), /fp16\.loss_scale_window must be a positive integer/);
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true }, bf16: { enabled: true } }), /both set/);
  assert.throws(() => importDeepSpeed([]), /give a DeepSpeed config object/);
  assert.deepEqual(importDeepSpeed({ fp16: { enabled: true, consecutive_hysteresis: true }, optimizer: { type: "Lamb" } }).notes.length, 2);
});

test("a RunResult exports like its config", async () => {
  const c = cfg({ steps: 3, scaler: { type: "dynamic", preset: "deepspeed", growthInterval: 10 } });
  const run = await train(c, { backend: "cpu" });
  assert.deepEqual(exportDeepSpeed(run), exportDeepSpeed(c));
});

// exportDeepSpeed / importDeepSpeed: the fields DeepSpeed reads, with the values of
// DeepSpeed's own defaults for our deepspeed preset, and the round trip back.
// DeepSpeed does not install here: every exported ds_config is checked against its
// parser's rules, and the scaler it configures run against our preset, both as written
// from shared/notes/loss-scalers.md in test/helpers/deepspeedRules.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deepSpeedCaveats, exportDeepSpeed, importDeepSpeed } from "../../../engine/export/deepspeed.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import { train } from "../../../engine/train/run.js";
import type { TrainConfigInput } from "../../../engine/config/schema.js";
import { createScaler } from "../../../engine/scaler/lossScaler.js";
import { mulberry32 } from "../../../engine/data/rng.js";
import { dsConfigProblems, dsScalerFromConfig } from "../../helpers/deepspeedRules.js";

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
  assert.deepEqual(ds.zero_optimization, { stage: 0 });
  const z = exportDeepSpeed(cfg({ scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 2, hysteresis: 4, consecutiveHysteresis: true } }));
  assert.deepEqual(z.zero_optimization, { stage: 2 });
  assert.equal(z.fp16.hysteresis, 4);
  assert.equal(z.fp16.consecutive_hysteresis, true);
  assert.equal(ds.train_micro_batch_size_per_gpu, 8);
  assert.equal(ds.gradient_accumulation_steps, 4);
  assert.equal(ds.train_batch_size, 32);
  assert.deepEqual(ds.optimizer, { type: "AdamW", params: { lr: 3e-4, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01 } });
  assert.deepEqual(deepSpeedCaveats(cfg({ scaler: { type: "dynamic", preset: "deepspeed" } })), []);
});

test("other scalers and precisions", () => {
  const py = exportDeepSpeed(cfg({ scaler: { type: "dynamic", preset: "pytorch", initScale: 1024, growthInterval: 50 } }));
  assert.deepEqual(py.fp16, { enabled: true, loss_scale: 0, initial_scale_power: 10, loss_scale_window: 50, hysteresis: 1, consecutive_hysteresis: false, min_loss_scale: 1 });
  assert.match(deepSpeedCaveats(cfg({ scaler: { type: "dynamic", preset: "pytorch" } })).join("\n"), /pytorch preset has no floor, DeepSpeed needs min_loss_scale >= 1: the exported run's scale stops at 1/);
  assert.equal(exportDeepSpeed(cfg({ scaler: { type: "dynamic", preset: "deepspeed", minScale: 0.5 } })).fp16.min_loss_scale, 1);
  assert.equal(exportDeepSpeed(cfg({ scaler: { type: "dynamic", preset: "deepspeed", minScale: 2.5 } })).fp16.min_loss_scale, 3);
  assert.match(deepSpeedCaveats(cfg({ scaler: { type: "dynamic", preset: "deepspeed", minScale: 0.5 } })).join("\n"), /minScale 0\.5 is not an integer >= 1.*exported as 1/);
  assert.deepEqual(exportDeepSpeed(cfg({ scaler: { type: "static", scale: 128 } })).fp16, { enabled: true, loss_scale: 128 });
  assert.deepEqual(exportDeepSpeed(cfg({ scaler: { type: "none" } })).fp16, { enabled: true, loss_scale: 1 });
  const bf = exportDeepSpeed(cfg({ precision: "mixed-bf16" }));
  assert.deepEqual([bf.fp16, bf.bf16], [{ enabled: false }, { enabled: true }]);
  const f32 = exportDeepSpeed(cfg({ precision: "fp32", optimizer: { type: "sgd", lr: 0.1, momentum: 0.9 } }));
  assert.deepEqual([f32.fp16, f32.bf16], [{ enabled: false }, { enabled: false }]);
  assert.deepEqual(f32.optimizer, { type: "SGD", params: { lr: 0.1, momentum: 0.9, weight_decay: 0 } });
  // what DeepSpeed cannot say is said
  const cav = deepSpeedCaveats(cfg({ precision: "fp16", scaler: { type: "dynamic", preset: "apex", initScale: 1000 } }));
  assert.equal(cav.length, 6, cav.join("\n"));
  assert.match(cav.join("\n"), /fp16 \(no master weights\)/);
  assert.match(cav.join("\n"), /initScale 1000 is not a power of two: initial_scale_power rounds it to 2\^10/);
  assert.match(cav.join("\n"), /no ceiling \(this run: maxScale 16777216\)/);
});

test("round trip: importDeepSpeed(exportDeepSpeed(config)) gives back the deepspeed-preset scaler, precision, optimizer and batches", () => {
  const specs: TrainConfigInput["scaler"][] = [
    { type: "dynamic", preset: "deepspeed" },
    { type: "dynamic", preset: "deepspeed", initScale: 2 ** 12, growthInterval: 500, minScale: 2 },
    { type: "dynamic", preset: "deepspeed", zeroStage: 1, initScale: 2 ** 12, growthInterval: 500, hysteresis: 3, minScale: 2 },
    { type: "dynamic", preset: "deepspeed", zeroStage: 3, consecutiveHysteresis: true },
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

test("mixed-fp8 is refused with what to do instead", () => {
  assert.throws(() => exportDeepSpeed(cfg({ precision: "mixed-fp8" })), /a DeepSpeed config has no fp8 policy .*export the mixed-fp8 run to PyTorch instead/);
});

test("importDeepSpeed names the bad field", () => {
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true, initial_scale_power: 1.5 } }), /fp16\.initial_scale_power must be an integer, got 1\.5/);
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true, loss_scale_window: 0 } }), /fp16\.loss_scale_window must be a positive integer/);
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true }, bf16: { enabled: true } }), /both set/);
  assert.throws(() => importDeepSpeed([]), /give a DeepSpeed config object/);
  assert.deepEqual(importDeepSpeed({ fp16: { enabled: true, consecutive_hysteresis: true }, optimizer: { type: "Lamb" } }).notes.length, 2);
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true, min_loss_scale: 0 } }), /fp16\.min_loss_scale must be an integer > 0/);
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true, min_loss_scale: 0.5 } }), /fp16\.min_loss_scale must be an integer > 0/);
  assert.throws(() => importDeepSpeed({ fp16: { enabled: true }, zero_optimization: { stage: 4 } }), /zero_optimization\.stage must be 0, 1, 2 or 3, got 4/);
  const st1 = importDeepSpeed({ fp16: { enabled: true, hysteresis: 3, consecutive_hysteresis: true }, zero_optimization: { stage: 1 } });
  assert.deepEqual(st1.scaler, { type: "dynamic", preset: "deepspeed", hysteresis: 3, zeroStage: 1, consecutiveHysteresis: true });
  assert.deepEqual(st1.notes, []);
});

test("a RunResult exports like its config", async () => {
  const c = cfg({ steps: 3, scaler: { type: "dynamic", preset: "deepspeed", growthInterval: 10 } });
  const run = await train(c, { backend: "cpu" });
  assert.deepEqual(exportDeepSpeed(run), exportDeepSpeed(c));
});

// every scaler x precision the exporter can meet, incl. floors DeepSpeed cannot take as they are
const SCALERS: TrainConfigInput["scaler"][] = [
  { type: "none" }, { type: "static", scale: 512 },
  ...(["pytorch", "keras", "apex", "jmp"] as const).map((preset) => ({ type: "dynamic" as const, preset })),
  { type: "dynamic", preset: "pytorch", minScale: 0.5, initScale: 1000 },
  { type: "dynamic", preset: "deepspeed" }, { type: "dynamic", preset: "deepspeed", minScale: 0 }, { type: "dynamic", preset: "deepspeed", minScale: 2.5 },
  { type: "dynamic", preset: "deepspeed", zeroStage: 1 }, { type: "dynamic", preset: "deepspeed", zeroStage: 2, hysteresis: 1 },
  { type: "dynamic", preset: "deepspeed", zeroStage: 3, consecutiveHysteresis: true, minScale: 4 },
];

test("every exported ds_config passes DeepSpeed 0.19's config checks (from the notes)", () => {
  for (const precision of ["mixed-fp16", "fp16", "mixed-bf16", "fp32"] as const) {
    for (const scaler of SCALERS) {
      const ds = exportDeepSpeed(cfg({ precision, scaler, accumulationSteps: 3 }));
      assert.deepEqual(dsConfigProblems(ds), [], `${precision} ${JSON.stringify(scaler)}`);
    }
  }
  // the checker refuses what the exporter used to write (the pytorch preset's floor 0, a fraction)
  const old = exportDeepSpeed(cfg({ scaler: { type: "dynamic", preset: "pytorch" } }));
  assert.deepEqual(dsConfigProblems({ ...old, fp16: { ...old.fp16, min_loss_scale: 0 } }), ["fp16.min_loss_scale must be > 0 when dynamic loss scaling is enabled"]);
  assert.deepEqual(dsConfigProblems({ ...old, fp16: { ...old.fp16, min_loss_scale: 0.5 } }), ["fp16.min_loss_scale must be an integer"]);
});

test("the exported ds_config configures our deepspeed preset's rule: DeepSpeed's scaler (from the notes) = ours, step for step", () => {
  const rng = mulberry32(11);
  const specs: Extract<TrainConfigInput["scaler"], { type: "dynamic" }>[] = [
    { type: "dynamic", preset: "deepspeed", initScale: 2 ** 5, growthInterval: 3 },
    { type: "dynamic", preset: "deepspeed", initScale: 2 ** 5, growthInterval: 3, minScale: 4 },
    { type: "dynamic", preset: "deepspeed", zeroStage: 1, initScale: 2 ** 5, growthInterval: 3 },
    { type: "dynamic", preset: "deepspeed", zeroStage: 2, initScale: 2 ** 4, growthInterval: 2, hysteresis: 3 },
    { type: "dynamic", preset: "deepspeed", zeroStage: 3, consecutiveHysteresis: true, initScale: 2 ** 4, growthInterval: 4 },
    { type: "dynamic", preset: "deepspeed", zeroStage: 1, consecutiveHysteresis: true, initScale: 2 ** 3, growthInterval: 5, minScale: 2 },
  ];
  let errors = 0;
  for (const scaler of specs) {
    for (const p of [0.2, 0.5, 0.8]) {
      const ds = exportDeepSpeed(cfg({ scaler }));
      const theirs = dsScalerFromConfig(ds);
      const ours = createScaler(scaler);
      for (let i = 0; i < 200; i++) {
        const overflow = rng() < p;
        const used = ours.scale;
        let error = false;
        try { ours.update(overflow); } catch { error = true; }
        const t = theirs(overflow);
        assert.deepEqual({ scale: used, error }, t, `${JSON.stringify(scaler)} p ${p} step ${i}`);
        if (error) { errors++; break; }
      }
    }
  }
  assert.ok(errors > 0, "some pattern reaches the error at the floor");
});

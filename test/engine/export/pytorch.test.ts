// exportPyTorch, without torch: every variant compiles with python3 -m py_compile; the
// settings in the text are the run's; with numpy present, the script's data, batch order
// and initial weights (torch stubbed) equal ours exactly. Runs under real torch:
// pytorchRuns.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { exportPyTorch } from "../../../engine/export/pytorch.js";
import { initWeights } from "../../../engine/model/mlp.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import { KEPT_INLINE_VALUES, train } from "../../../engine/train/run.js";
import { materialize } from "../../../engine/data/datasets.js";
import { BatchOrder } from "../../../engine/train/batches.js";
import type { TrainConfigInput } from "../../../engine/config/schema.js";

const dir = mkdtempSync(join(tmpdir(), "mplab-export-"));
let n = 0;
function save(text: string): string {
  const p = join(dir, `script${n++}.py`);
  writeFileSync(p, text);
  return p;
}
// Debian's python3 first: .ci/run installs python3-numpy for it (a pyenv python3 on PATH may lack numpy)
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
function python(args: string[], input?: string) {
  const r = spawnSync(PYTHON, args, { encoding: "utf8", input });
  if (r.error) throw new Error(`python3 could not be run (${r.error.message}): these tests need python3 (Debian package python3)`);
  return r;
}

const cfg = (over: Partial<TrainConfigInput> = {}): TrainConfigInput => ({
  model: { inputs: 3, hidden: [5], outputs: 2, seed: 7 },
  data: { type: "teacher", inputs: 3, outputs: 2, samples: 40, targetScale: 0.5, noise: 0.1, seed: 4 },
  steps: 25,
  batchSize: 8,
  ...over,
});

const variants: TrainConfigInput[] = [
  cfg(),
  cfg({ precision: "mixed-fp16", scaler: { type: "dynamic", preset: "deepspeed" }, accumulationSteps: 3 }),
  cfg({ precision: "mixed-fp16", scaler: { type: "dynamic", preset: "apex", minScale: 4 } }),
  cfg({ precision: "mixed-fp16", scaler: { type: "dynamic", preset: "keras" } }),
  cfg({ precision: "mixed-fp16", scaler: { type: "dynamic", preset: "jmp", maxScale: 2 ** 20 } }),
  cfg({ precision: "mixed-fp16", scaler: { type: "static", scale: 1024 } }),
  cfg({ precision: "mixed-bf16", scaler: { type: "none" }, optimizer: { type: "sgd", lr: 0.1, momentum: 0.9 } }),
  cfg({ precision: "fp32", model: { inputs: 1, hidden: [8, 8], outputs: 1, activation: "gelu" }, data: { type: "sine", samples: 30, amplitude: 2, frequency: 3 } }),
  cfg({ precision: "fp16", scaler: { type: "dynamic", preset: "deepspeed" } }),
  cfg({ precision: "fp16", scaler: { type: "none" }, model: { inputs: 2, hidden: [200, 200], outputs: 1 }, data: { type: "csv", path: "data \"x\".csv", inputs: ["a", 1], targets: ["y"] } }),
  cfg({ model: { inputs: 2, outputs: 1, activation: "tanh" }, data: { type: "arrays", xs: [[1, 2], [3, 4]], ys: [[1], [2.5]] }, batchSize: 2 }),
];

test("every variant compiles with python3 -m py_compile", () => {
  const files = variants.map((v) => save(exportPyTorch(v)));
  const r = python(["-m", "py_compile", ...files]);
  assert.equal(r.status, 0, r.stderr);
});

test("the script carries the run's settings: autocast dtype, scaler, optimizer, steps, ranks", () => {
  const pt = exportPyTorch(cfg({ accumulationSteps: 2, optimizer: { type: "adam", lr: 3e-4, weightDecay: 0.01 } }));
  assert.match(pt, /^    amp_dtype = torch\.float16 /m);
  assert.match(pt, /torch\.amp\.GradScaler\(device\.type, init_scale=65536\.0, growth_factor=2\.0, backoff_factor=0\.5, growth_interval=2000\)/);
  assert.match(pt, /torch\.optim\.AdamW\(model\.parameters\(\), lr=0\.0003, betas=\(0\.9, 0\.999\), eps=1e-8, weight_decay=0\.01\)/);
  assert.match(pt, /^STEPS = 25$/m);
  assert.match(pt, /^BATCH_SIZE = 8 /m);
  assert.match(pt, /^ACCUMULATION_STEPS = 2$/m);
  assert.match(pt, /torch\.autocast\(device_type=device\.type/);
  assert.match(pt, /dist\.init_process_group\("gloo"\)/);
  assert.match(pt, /dist\.all_reduce\(g\)/);
  assert.match(pt, /reduction="sum"\) \/ \(BATCH_SIZE \* OUTPUTS\) \/ ACCUMULATION_STEPS/);
  assert.match(pt, /--trace/);

  // the deepspeed preset: a class with DeepSpeed's rule, not GradScaler
  const ds0 = exportPyTorch(cfg({ scaler: { type: "dynamic", preset: "deepspeed" } }));
  assert.doesNotMatch(ds0, /= torch\.amp\.GradScaler\(device/);
  assert.match(ds0, /class RuleScaler/);
  assert.match(ds0, /DeepSpeed ZeRO stage 0, FP16_Optimizer/);
  assert.doesNotMatch(ds0, /h_left -= 1/);
  const ds1 = exportPyTorch(cfg({ scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 1, consecutiveHysteresis: true } }));
  assert.match(ds1, /DeepSpeed ZeRO stage 1, DynamicLossScaler\.update_scale \(consecutive_hysteresis True\)/);
  assert.match(ds1, /self\.h_left -= 1/);
  assert.match(ds1, /raise RuntimeError\("Current loss scale already at minimum - cannot decrease scale anymore\. Exiting run\."\)/);
  assert.match(ds1, /self\.hysteresis, self\.min_scale, self\.max_scale = 2, 1\.0, float\("inf"\)/);

  const st = exportPyTorch(cfg({ scaler: { type: "static", scale: 1024 } }));
  assert.match(st, /s\.update = lambda: plain_update\(new_scale=1024\.0\)/);
  const bf = exportPyTorch(cfg({ precision: "mixed-bf16" }));
  assert.match(bf, /^    amp_dtype = torch\.bfloat16 /m);
  assert.match(exportPyTorch(cfg({ precision: "fp32" })), /^    amp_dtype = None /m);
  const f16 = exportPyTorch(cfg({ precision: "fp16", scaler: { type: "dynamic", preset: "pytorch" } }));
  assert.match(f16, /model\.half\(\)/);
  assert.match(f16, /class RuleScaler/);
  assert.match(f16, /torch\.amp\.GradScaler: fp32 scale, growth only if finite/);
});

test("mixed-fp8 is refused by the generic exporter, which points to exportPyTorchFp8", () => {
  assert.throws(() => exportPyTorch(cfg({ precision: "mixed-fp8" })), /a mixed-fp8 run is exported by exportPyTorchFp8/);
});

const hasNumpy = python(["-c", "import numpy"]).status === 0;

// run a function of an exported script with torch stubbed out; returns its JSON
function runPart(text: string, expr: string): unknown {
  const path = save(text);
  const code = [
    "import json, sys, types",
    "for m in ['torch', 'torch.distributed', 'torch.nn', 'torch.nn.functional']:",
    "    sys.modules[m] = types.ModuleType(m)",
    "class _Stub:",
    "    Function = object",
    "    Module = object",
    "sys.modules['torch'].autograd = _Stub",
    "sys.modules['torch.nn'].Module = object",
    "ns = {'__name__': 'exported', '__file__': " + JSON.stringify(path) + "}",
    `exec(open(${JSON.stringify(path)}).read(), ns)`,
    `print(json.dumps(${expr}))`,
  ].join("\n");
  const r = python(["-c", code]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
const skipNoNumpy = { skip: hasNumpy ? false : "numpy is not installed" };

test("make_data(): the teacher and sine data are ours, bit for bit", skipNoNumpy, async () => {
  for (const data of [
    { type: "teacher", inputs: 3, outputs: 2, samples: 300, targetScale: 1e-3, noise: 0.2, seed: 9, hidden: 7 },
    { type: "sine", inputs: 2, outputs: 3, samples: 200, amplitude: 2, frequency: 0.5, noise: 0.1, seed: -3 },
  ] as const) {
    const c = parseTrainConfig(cfg({ model: { inputs: data.inputs, outputs: data.outputs }, data }));
    const want = await materialize(c.data);
    const got = runPart(exportPyTorch(c), "(lambda d: {'x': d[0].ravel().tolist(), 'y': d[1].ravel().tolist()})(ns['make_data']())") as { x: number[]; y: number[] };
    assert.deepEqual(got.x, Array.from(want.x), `${data.type} x`);
    assert.deepEqual(got.y, Array.from(want.y), `${data.type} y`);
  }
  const arrays = runPart(exportPyTorch(cfg({ model: { inputs: 2, outputs: 1 }, data: { type: "arrays", xs: [[1, 2], [3, 4]], ys: [[1], [2.5]] }, batchSize: 2 })), "(lambda d: [d[0].tolist(), d[1].tolist()])(ns['make_data']())");
  assert.deepEqual(arrays, [[[1, 2], [3, 4]], [[1], [2.5]]]);
});

test("the batch order and the initial weights are ours, number for number", skipNoNumpy, () => {
  for (const seed of [0, 3, -7, 2 ** 31 + 5]) {
    const order = new BatchOrder(13, seed);
    const want = Array.from(order.next(40));
    assert.deepEqual(runPart(exportPyTorch(cfg({ seed })), "ns['BatchOrder'](13, ns['SHUFFLE_SEED']).next(40)"), want, `seed ${seed}`);
  }
  const c = parseTrainConfig(cfg({ model: { inputs: 3, hidden: [5, 4], outputs: 2, seed: 11 } }));
  assert.deepEqual(runPart(exportPyTorch(c), "ns['init_weights']()"), initWeights(c.model).map((l) => [l.weight, l.bias]));
  // weights given in the config are embedded as they are
  const given = [{ weight: [0.5, -0.25], bias: [0.125] }];
  const g = parseTrainConfig(cfg({ model: { inputs: 2, outputs: 1, weights: given }, data: { type: "sine", inputs: 2, samples: 10 } }));
  assert.deepEqual(runPart(exportPyTorch(g), "ns['init_weights']()"), [[[0.5, -0.25], [0.125]]]);
});

test("a finished run embeds its inline data; data too large to keep with it is asked for", async () => {
  const small = await train(cfg({ steps: 2, model: { inputs: 2, outputs: 1 }, data: { type: "arrays", xs: [[1, 2], [3, 4]], ys: [[1], [2]] }, batchSize: 2 }), { backend: "cpu" });
  const text = exportPyTorch(small);
  assert.match(text, /x = \[\[1, 2\], \[3, 4\]\]/);
  assert.match(text, /^STEPS = 2$/m);
  assert.match(text, /^RUN_TRACE = \{"losses": \[/m);
  assert.equal(python(["-m", "py_compile", save(text)]).status, 0);
  const rows = Math.floor(KEPT_INLINE_VALUES / 3) + 1;
  const xs = Array.from({ length: rows }, (_, i) => [i / rows, 1 - i / rows]);
  const big = await train(cfg({ steps: 1, model: { inputs: 2, outputs: 1 }, data: { type: "arrays", xs, ys: xs.map((r) => [r[0]]) }, batchSize: 2 }), { backend: "cpu" });
  assert.match(exportPyTorch(big), /raise SystemExit\("make_data\(\): load your inputs/);
});

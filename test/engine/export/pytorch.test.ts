// exportPyTorch: every variant compiles with python3 -m py_compile; the settings in
// the text are the run's; with numpy present, make_data() is executed (torch stubbed)
// and checked against our generators' formulas.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { exportPyTorch } from "../../../engine/export/pytorch.js";
import { initWeights } from "../../../engine/model/mlp.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import { train } from "../../../engine/train/run.js";
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

test("the script carries the run's settings: autocast dtype, GradScaler arguments, optimizer, steps, DDP", () => {
  const pt = exportPyTorch(cfg({ accumulationSteps: 2, optimizer: { type: "adam", lr: 3e-4, weightDecay: 0.01 } }));
  assert.match(pt, /^    amp_dtype = torch\.float16 /m);
  assert.match(pt, /torch\.amp\.GradScaler\(device\.type, init_scale=65536\.0, growth_factor=2\.0, backoff_factor=0\.5, growth_interval=2000\)/);
  assert.match(pt, /torch\.optim\.AdamW\(model\.parameters\(\), lr=0\.0003, betas=\(0\.9, 0\.999\), eps=1e-8, weight_decay=0\.01\)/);
  assert.match(pt, /^STEPS = 25$/m);
  assert.match(pt, /^BATCH_SIZE = 8 /m);
  assert.match(pt, /^ACCUMULATION_STEPS = 2$/m);
  assert.match(pt, /torch\.autocast\(device_type=device\.type/);
  assert.match(pt, /dist\.init_process_group/);
  assert.match(pt, /model = DDP\(model/);
  assert.match(pt, /WORLD_SIZE/);
  assert.match(pt, /not bit-identical/);

  const ds = exportPyTorch(cfg({ scaler: { type: "dynamic", preset: "deepspeed" } }));
  assert.match(ds, /growth_interval=1000\)/);
  assert.match(ds, /DeepSpeed's hysteresis \(2: .*\) has no GradScaler equivalent/);
  assert.match(ds, /GradScaler has no floor: clamp after each update/);
  assert.match(ds, /min\(max\(s\.get_scale\(\), 1\.0\), float\("inf"\)\)/);

  const st = exportPyTorch(cfg({ scaler: { type: "static", scale: 1024 } }));
  assert.match(st, /s\.update = lambda: plain_update\(new_scale=1024\.0\)/);
  const bf = exportPyTorch(cfg({ precision: "mixed-bf16" }));
  assert.match(bf, /^    amp_dtype = torch\.bfloat16 /m);
  assert.match(exportPyTorch(cfg({ precision: "fp32" })), /^    amp_dtype = None /m);
  const f16 = exportPyTorch(cfg({ precision: "fp16", scaler: { type: "dynamic", preset: "deepspeed" } }));
  assert.match(f16, /model\.half\(\)/);
  assert.match(f16, /class ManualScaler/);
  assert.match(f16, /self\.hysteresis, self\.min_scale, self\.max_scale = 2, 1\.0, float\("inf"\)/);
  assert.match(f16, /torch\.optim\.AdamW/);
});

test("the initial weights are the run's, embedded; large models say they are not", () => {
  const c = parseTrainConfig(cfg());
  const text = exportPyTorch(c);
  const line = text.split("\n").find((l) => l.trimStart().startsWith("init = "))!;
  assert.deepEqual(JSON.parse(line.trim().slice("init = ".length)), initWeights(c.model).map((l) => [l.weight, l.bias]));
  const big = exportPyTorch(cfg({ model: { inputs: 3, hidden: [200, 200], outputs: 2, seed: 9 } }));
  assert.doesNotMatch(big, /init = /);
  assert.match(big, /too large to embed/);
  assert.match(big, /torch\.manual_seed\(9\)\n    layers = \[\]/);
});

test("a RunResult whose inline data was not kept asks for it; its settings are exported", async () => {
  const run = await train(cfg({ steps: 2, model: { inputs: 2, outputs: 1 }, data: { type: "arrays", xs: [[1, 2], [3, 4]], ys: [[1], [2]] }, batchSize: 2 }), { backend: "cpu" });
  const text = exportPyTorch(run);
  assert.match(text, /raise SystemExit\("make_data\(\): load your inputs/);
  assert.match(text, /^STEPS = 2$/m);
  assert.equal(python(["-m", "py_compile", save(text)]).status, 0);
});

const hasNumpy = python(["-c", "import numpy"]).status === 0;

// run make_data() of an exported script with torch stubbed out; returns x and y
function makeData(text: string): { x: number[][]; y: number[][] } {
  const path = save(text);
  const code = [
    "import json, sys, types",
    "for m in ['torch', 'torch.distributed', 'torch.nn', 'torch.nn.functional', 'torch.nn.parallel']:",
    "    sys.modules[m] = types.ModuleType(m)",
    "sys.modules['torch.nn.parallel'].DistributedDataParallel = object",
    "ns = {'__name__': 'exported'}",
    `exec(open(${JSON.stringify(path)}).read(), ns)`,
    "x, y = ns['make_data']()",
    "print(json.dumps({'x': x.tolist(), 'y': y.tolist()}))",
  ].join("\n");
  const r = python(["-c", code]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("make_data(): the sine formula exactly, the teacher's shapes and input distribution", { skip: hasNumpy ? false : "numpy is not installed" }, () => {
  const sine = makeData(exportPyTorch(cfg({ model: { inputs: 2, outputs: 3 }, data: { type: "sine", inputs: 2, outputs: 3, samples: 50, amplitude: 2, frequency: 0.5 } })));
  assert.equal(sine.x.length, 50);
  sine.x.forEach((row, i) => {
    assert.ok(row.every((v) => v >= -Math.PI && v <= Math.PI));
    const s = row[0] + row[1];
    sine.y[i].forEach((v, j) => assert.ok(Math.abs(v - 2 * Math.sin(0.5 * s + j)) < 1e-5, `row ${i} output ${j}`));
  });
  const t = makeData(exportPyTorch(cfg({ data: { type: "teacher", inputs: 3, outputs: 2, samples: 2000, targetScale: 1e-3 } })));
  assert.equal(t.x.length, 2000);
  assert.equal(t.x[0].length, 3);
  assert.equal(t.y[0].length, 2);
  const xs = t.x.flat();
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(sd - 1) < 0.05, `inputs N(0,1): mean ${mean}, sd ${sd}`);
  // targets are targetScale × (a sum of tanh's weighted by N(0,1/H)): well inside ±targetScale·4
  assert.ok(t.y.flat().every((v) => Math.abs(v) < 4e-3));
  const arrays = makeData(exportPyTorch(cfg({ model: { inputs: 2, outputs: 1 }, data: { type: "arrays", xs: [[1, 2], [3, 4]], ys: [[1], [2.5]] }, batchSize: 2 })));
  assert.deepEqual(arrays, { x: [[1, 2], [3, 4]], y: [[1], [2.5]] });
});

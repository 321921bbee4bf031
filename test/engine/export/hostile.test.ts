// Exported scripts are data-safe whatever the config or run holds: hostile names, paths
// and column names (a `coding:` cookie, NUL, quotes and backslashes, every kind of line
// break, non-ASCII, lone surrogates) and a fuzz of names and numbers. Each script must be
// pure ASCII, start with the fixed header (encoding declared, no user text), compile
// under Python, and have the syntax tree of the script made from benign values once the
// constants are blanked (test/helpers/scriptShape.py): no statement but the generated
// ones. Values of the wrong type (a string seed holding a statement) are refused first.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { TrainConfigInput } from "../../../engine/config/schema.js";
import { mulberry32 } from "../../../engine/data/rng.js";
import { exportDeepSpeed, exportDeepSpeedJson } from "../../../engine/export/deepspeed.js";
import { exportPyTorch, exportPyTorchFiles } from "../../../engine/export/pytorch.js";
import { exportPyTorchFp8 } from "../../../engine/export/pytorchFp8.js";
import { PYTHON_HEADER } from "../../../engine/export/pythonLiteral.js";
import { encodeNonFinite } from "../../../engine/payload/nonFinite.js";
import { train } from "../../../engine/train/run.js";
import type { RunResult } from "../../../engine/train/runResult.js";
import { peerPythonPath } from "../../helpers/pythonPeers.js";

const PYTHON = existsSync(peerPythonPath()) ? peerPythonPath() : "python3";
const SHAPE = fileURLToPath(new URL("../../helpers/scriptShape.py", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "mplab-hostile-"));
let n = 0;
function save(text: string): string {
  const p = join(dir, `s${n++}.py`);
  writeFileSync(p, text);
  return p;
}

/** Every (script, benign) pair compiles and has the benign script's shape; [] when all do. */
function shapeProblems(pairs: [string, string][]): string[] {
  const r = spawnSync(PYTHON, [SHAPE], { input: JSON.stringify(pairs.map(([a, b]) => [save(a), save(b)])), encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.error) throw new Error(`${PYTHON} could not be run (${r.error.message}): these tests need python3`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

function assertPlain(script: string, what: string): void {
  const lines = script.split("\n");
  assert.deepEqual(lines.slice(0, 2), [...PYTHON_HEADER], `${what}: the first two lines are the fixed header`);
  const bad = /[^\n\x20-\x7e]/.exec(script);
  assert.ok(!bad, `${what}: a character outside printable ASCII: ${JSON.stringify(script.slice((bad?.index ?? 0) - 40, (bad?.index ?? 0) + 10))}`);
}

// the attacks, and the characters that break string literals, comments and decoders.
// With the name as run name and the 中 one as a CSV column, the exporter before the literal
// encoder wrote a script that Python, decoding it as GBK, compiled to a call of os.system
// (GBK reads 中's last byte and the backslash of \" as one character, so the quote ends the string).
const HOSTILE = [
  "demo -*- coding: gbk -*-",
  "中\"]] + [__import__('os').system('echo pwned')] #",
  "x -*- coding: latin-1 -*-",
  "# vim: set fileencoding=utf-7 :",
  "+ACI-) +ADs- import os +ADs- os.system(+ACI-id+ACI-) +ACM-",
  "nul\0byte",
  '中"), __import__("os").system("echo pwned"), ("',
  '\\"), __import__("os").system("echo pwned"), ("\\',
  "\nimport os\nos.system('echo pwned')\n#",
  "\r__import__('os').system('echo pwned')",
  "a\u2028b\u2029c\x85d\x0be\x0cf",
  "\ufeff\ud800\udfff\u{1F600}é",
  '"""\'\'\'{RUN_NAME}%s\\N{BULLET}\\x41',
];
const PIECES = [...HOSTILE, '"', "'", "\\", "\n", "\r", "\t", "\0", "\x1b", "\x7f", "\u00a0", "\u2028", "中", "#", "{", "}", " ", "a", "-*- coding: gbk -*-", "coding=utf-7"];

const base = (over: Partial<TrainConfigInput> = {}): TrainConfigInput => ({
  model: { inputs: 2, hidden: [4], outputs: 1, seed: 3 },
  data: { type: "csv", path: "data.csv", inputs: ["a", 1], targets: ["y"] },
  steps: 5,
  batchSize: 4,
  ...over,
});

/** The config with every string replaced by a benign one of the same place. */
function benignOf(c: TrainConfigInput): TrainConfigInput {
  const data = c.data as { type: string; path?: string; inputs?: unknown[]; targets?: unknown[] };
  const cols = (xs: unknown[] | undefined) => xs?.map((v, i) => (typeof v === "string" ? `c${i}` : v));
  return {
    ...c,
    ...(c.name !== undefined ? { name: "benign" } : {}),
    data: data.type === "csv" ? ({ ...data, path: "benign.csv", inputs: cols(data.inputs), targets: cols(data.targets) } as TrainConfigInput["data"]) : c.data,
  };
}

test("the issue's hostile names, paths and column names: each script is plain ASCII with the benign script's shape", () => {
  const exploit = base({ name: HOSTILE[0], data: { type: "csv", path: "data.csv", inputs: [HOSTILE[1], 1], targets: ["y"] } });
  const pairs: [string, string][] = [[exportPyTorch(exploit), exportPyTorch(benignOf(exploit))]];
  for (const h of HOSTILE) {
    for (const c of [
      base({ name: h }),
      base({ name: h, data: { type: "csv", path: h, inputs: [h, 0], targets: [h + h] } }),
      base({ name: h, precision: "fp16", scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 2 }, data: { type: "csv", path: `dir/${h}.csv`, inputs: [h], targets: [1] } }),
    ]) {
      const script = exportPyTorch(c);
      assertPlain(script, JSON.stringify(h));
      pairs.push([script, exportPyTorch(benignOf(c))]);
    }
  }
  assert.deepEqual(shapeProblems(pairs), []);
});

test("a fuzz of names, paths and column names (200 configs): plain ASCII, compiles, the benign shape", () => {
  const rng = mulberry32(2323);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
  const str = () => Array.from({ length: 1 + Math.floor(rng() * 6) }, () => pick(PIECES)).join("");
  const pairs: [string, string][] = [];
  for (let i = 0; i < 200; i++) {
    const cols = (k: number) => Array.from({ length: 1 + Math.floor(rng() * k) }, () => (rng() < 0.8 ? str() : Math.floor(rng() * 5)));
    const c = base({
      name: str(),
      precision: pick(["fp32", "fp16", "mixed-fp16", "mixed-bf16"] as const),
      scaler: pick([{ type: "none" }, { type: "static", scale: 512 }, { type: "dynamic", preset: "apex", minScale: 2 }, { type: "dynamic", preset: "jmp" }] as const),
      data: { type: "csv", path: str(), inputs: cols(3), targets: cols(2) },
    });
    const script = exportPyTorch(c);
    assertPlain(script, `fuzz ${i}`);
    pairs.push([script, exportPyTorch(benignOf(c))]);
  }
  assert.deepEqual(shapeProblems(pairs), []);
});

test("a fuzz of the numbers train() accepts: typed literals, the benign shape", () => {
  const rng = mulberry32(77);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
  const pairs: [string, string][] = [];
  const benign = base({ data: { type: "sine", inputs: 2, outputs: 1, samples: 8 } });
  for (let i = 0; i < 60; i++) {
    const samples = pick([8, 1000, 1_000_000]);
    const c: TrainConfigInput = {
      ...benign,
      seed: pick([0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 12345]),
      model: { inputs: 2, hidden: [4], outputs: 1, seed: pick([0, -7, 2 ** 40]) },
      data: { type: "sine", inputs: 2, outputs: 1, samples, seed: pick([-5, 9]), amplitude: pick([5e-324, 1e300, 1, 0.1]), frequency: pick([1e-300, 3]), noise: pick([0, 1e-9, 123456789.125]) },
      optimizer: pick([
        { type: "adam", lr: pick([5e-324, 1, 1e308, 0.1]), beta1: pick([0, 0.999999999]), beta2: 0.5, eps: pick([1e-300, 1]), weightDecay: pick([0, 1e20]) },
        { type: "sgd", lr: pick([1, 2.5e-7]), momentum: pick([0, 0.9]), weightDecay: 0 },
      ] as const),
      steps: pick([1, 10_000_000]),
      batchSize: pick([1, samples]),
    };
    const script = exportPyTorch(c);
    assertPlain(script, `numbers ${i}`);
    // benign numbers, same optimizer type: only the constants differ
    const o = (c.optimizer as { type: string }).type === "adam" ? { type: "adam" as const } : { type: "sgd" as const, lr: 0.1 };
    pairs.push([script, exportPyTorch({ ...benign, optimizer: o })]);
  }
  assert.deepEqual(shapeProblems(pairs), []);
});

test("the fp8 exporter: hostile names are plain ASCII literals, the benign shape", async () => {
  const pairs: [string, string][] = [];
  for (const h of HOSTILE) {
    const c = base({ name: h, precision: "mixed-fp8", data: { type: "teacher", inputs: 2, outputs: 1, samples: 8 } });
    const script = await exportPyTorchFp8(c);
    assertPlain(script, JSON.stringify(h));
    pairs.push([script, await exportPyTorchFp8({ ...c, name: "benign" })]);
  }
  assert.deepEqual(shapeProblems(pairs), []);
});

let runJson: Record<string, any> | null = null;
/** A real run's result as a run.json file holds it (non-finite numbers tagged), parsed back. */
async function savedRun(): Promise<Record<string, any>> {
  runJson ??= JSON.parse(JSON.stringify(encodeNonFinite(await train(base({ name: "real", data: { type: "teacher", inputs: 2, outputs: 1, samples: 16 } }), { backend: "cpu" }))));
  return structuredClone(runJson!);
}

test("a run.json: hostile names in the run and its config are literals; its trace keeps NaN/Inf as float()", async () => {
  const pairs: [string, string][] = [];
  for (const h of HOSTILE) {
    const run = await savedRun();
    run.name = h;
    run.config.name = h;
    run.config.data = { type: "csv", path: h, inputs: [h, 1], targets: [h] };
    run.losses[1] = { $nonFinite: "NaN" };
    run.scales[2] = { $nonFinite: "Infinity" };
    const script = exportPyTorch(run as RunResult);
    assertPlain(script, JSON.stringify(h));
    assert.match(script, /^RUN_TRACE = \{"losses": \[[^,]+, float\("nan"\), /m);
    const benign = await savedRun();
    benign.name = "benign";
    benign.config.name = "benign";
    benign.config.data = { type: "csv", path: "benign.csv", inputs: ["c0", 1], targets: ["c1"] };
    benign.losses[1] = { $nonFinite: "NaN" };
    benign.scales[2] = { $nonFinite: "Infinity" };
    pairs.push([script, exportPyTorch(benign as RunResult)]);
  }
  assert.deepEqual(shapeProblems(pairs), []);
});

test("a run.json whose config holds a statement where a number or a name belongs is refused, naming the field", async () => {
  const statement = "1\nimport os\nos.system('echo pwned')";
  for (const [field, set] of [
    ["config.seed", (r: Record<string, any>) => (r.config.seed = statement)],
    ["config.steps", (r: Record<string, any>) => (r.config.steps = statement)],
    ["config.precision", (r: Record<string, any>) => (r.config.precision = statement)],
    ["config.model.inputs", (r: Record<string, any>) => (r.config.model.inputs = statement)],
    ["config.optimizer", (r: Record<string, any>) => (r.config.optimizer.lr = statement)],
    ["config.data", (r: Record<string, any>) => (r.config.data.seed = statement)],
    ["backend.name", (r: Record<string, any>) => (r.backend.name = statement)],
    ["losses", (r: Record<string, any>) => (r.losses[0] = statement)],
    ["name", (r: Record<string, any>) => (r.name = { toString: () => statement })],
  ] as const) {
    const run = await savedRun();
    set(run);
    const re = new RegExp(`the RunResult: ${field.replace(/\./g, "\\.")}`);
    assert.throws(() => exportPyTorch(run as RunResult), re, `exportPyTorch, ${field}`);
    assert.throws(() => exportDeepSpeed(run as RunResult), re, `exportDeepSpeed, ${field}`);
    await assert.rejects(exportPyTorchFp8({ ...run, config: { ...run.config, precision: field === "config.precision" ? statement : "mixed-fp8" } } as RunResult), re, `exportPyTorchFp8, ${field}`);
  }
  // the same in a config
  for (const [field, over] of [
    ["seed", { seed: "1\nimport os" }],
    ["steps", { steps: "5\nimport os" }],
    ["precision", { precision: "fp32\nimport os" }],
    ["name", { name: 42 }],
  ] as const) {
    assert.throws(() => exportPyTorch(base(over as never)), new RegExp(`(^|: |\\n)${field} `), field);
    assert.throws(() => exportDeepSpeedJson(base(over as never)), new RegExp(`(^|: |\\n)${field} `), field);
  }
});

test("the data file's name comes from a plain script name; its JSON and the ds_config are ASCII", () => {
  const rows = 100_001; // over MAX_INLINE_VALUES (200,000) with 2 values a row
  const xs = Array.from({ length: rows }, (_, i) => [i / rows]);
  const c = base({ name: HOSTILE[0], model: { inputs: 1, outputs: 1 }, data: { type: "arrays", xs, ys: xs } });
  for (const bad of ["../evil.py", "a/b.py", "a\\b.py", "", "..", "nul\0.py"]) assert.throws(() => exportPyTorchFiles(c, { scriptName: bad }), /scriptName must be a file name without a folder/, bad);
  const out = exportPyTorchFiles(c, { scriptName: 'train "中"\n.py' });
  assertPlain(out.script, "script");
  assert.equal(out.files.length, 1);
  assert.match(out.script, /"train \\"\\u4e2d\\"\\n\.data\.json"/);
  assert.equal(out.files[0].name, 'train "中"\n.data.json');
  assert.deepEqual(JSON.parse(out.files[0].content), { xs, ys: xs });
  const ds = exportDeepSpeedJson(base({ name: HOSTILE[5], precision: "mixed-fp16" }));
  assert.match(ds, /^[\n\x20-\x7e]*$/);
  assert.deepEqual(JSON.parse(ds), exportDeepSpeed(base({ precision: "mixed-fp16" })));
});

// The exported PyTorch script normalises its data as the run did, number for number,
// under real numpy/torch: from a config it fits the statistics itself (sequential fp64
// sums, as ours), from a run it carries the run's. References: our own normalised fp32
// arrays (prepareData) compared value for value, and the per-step losses (fp32: 1e-5).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { NormalizeSpec } from "../../../engine/config/schema.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import { materialize } from "../../../engine/data/datasets.js";
import { prepareData } from "../../../engine/data/prepare.js";
import { exportPyTorch } from "../../../engine/export/pytorch.js";
import { train } from "../../../engine/train/run.js";
import type { RunResult } from "../../../engine/train/runResult.js";
import { runPython } from "../../helpers/pythonPeers.js";
import { HOUSE_FEATURES, writeHousePrices } from "../data/housePrices.js";

const dir = mkdtempSync(join(tmpdir(), "mplab-norm-"));
const csv = writeHousePrices(300, 11);
const base = {
  model: { inputs: 12, hidden: [16], outputs: 1, activation: "tanh" as const, seed: 3 },
  precision: "fp32" as const, optimizer: { type: "adam" as const, lr: 1e-2 }, steps: 20, batchSize: 32,
};
const withNormalize = (normalize: NormalizeSpec) => ({ ...base, data: { type: "csv" as const, path: csv, inputs: HOUSE_FEATURES, targets: ["price"], normalize } });

/** The script's make_data() + normalize_data(), loaded as a module: x and y as plain numbers. */
function scriptData(script: string, name: string): { x: number[][]; y: number[][] } {
  writeFileSync(join(dir, name), script);
  const code = [
    "import importlib.util, json, sys",
    `spec = importlib.util.spec_from_file_location("m", ${JSON.stringify(join(dir, name))})`,
    "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)",
    "x, y = m.normalize_data(*m.make_data())",
    "assert x.dtype.name == 'float32' and y.dtype.name == 'float32'",
    "print(json.dumps({'x': x.tolist(), 'y': y.tolist()}))",
  ].join("\n");
  const r = runPython(["-c", code], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function ours(config: unknown) {
  const c = parseTrainConfig(config);
  const d = await materialize(c.data);
  prepareData(d, c, "f32");
  return d;
}

function assertSameArrays(got: { x: number[][]; y: number[][] }, want: { x: Float32Array; y: Float32Array }, what: string) {
  const gx = got.x.flat(), gy = got.y.flat();
  assert.equal(gx.length, want.x.length);
  gx.forEach((v, i) => assert.equal(v, want.x[i], `${what}: x value ${i}`));
  gy.forEach((v, i) => assert.equal(v, want.y[i], `${what}: y value ${i}`));
}

for (const normalize of ["standard", "minmax", { inputs: "standard", targets: "minmax" }] as NormalizeSpec[]) {
  test(`from a config (${JSON.stringify(normalize)}): numpy fits the same statistics, the arrays equal ours bit for bit`, async () => {
    const c = withNormalize(normalize);
    assertSameArrays(scriptData(exportPyTorch(c), `cfg_${JSON.stringify(normalize).replace(/\W/g, "")}.py`), await ours(c), JSON.stringify(normalize));
  });
}

test("from a run: the run's statistics are in the script; --check reproduces its fp32 losses within 1e-5", async () => {
  const run: RunResult = await train(withNormalize("standard"), { backend: "cpu" });
  const script = exportPyTorch(run);
  assert.match(script, /the run's own statistics/);
  assertSameArrays(scriptData(script, "run_std.py"), await ours(withNormalize("standard")), "run");
  const trace = join(dir, "run_std.trace.json");
  const r = runPython(["run_std.py", "--check", "--trace", trace], { cwd: dir });
  assert.equal(r.code, 0, `${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`);
  const t = JSON.parse(readFileSync(trace, "utf8")) as { losses: number[] };
  t.losses.forEach((l, i) => assert.ok(Math.abs(l - run.losses[i]) <= 1e-5 * Math.abs(run.losses[i]), `step ${i}: ${l} vs ${run.losses[i]}`));
});

test("a run that did not normalise exports the identity", async () => {
  const script = exportPyTorch({ ...base, data: { type: "csv", path: csv, inputs: HOUSE_FEATURES, targets: ["price"] } });
  assert.match(script, /def normalize_data\(x, y\):\n {4}# the run trained on its data as it is \(data\.normalize: none\)\n {4}return x, y/);
});

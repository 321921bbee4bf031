// Exported PyTorch scripts run unchanged under real torch (CPU; one process and
// `torchrun --nproc_per_node=2` with gloo) and reproduce our CPU runs step for step:
// fp32 losses within 1e-5 relative, and the same skipped steps and scales in 16 bits.
// The python is the venv of scripts/setup-python-peers.sh (or $MPLAB_PYTHON); without
// torch these tests fail and say how to install it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TrainConfigInput } from "../../../engine/config/schema.js";
import { exportPyTorch, exportPyTorchFiles } from "../../../engine/export/pytorch.js";
import { MAX_INLINE_VALUES } from "../../../engine/export/pythonData.js";
import { train } from "../../../engine/train/run.js";
import type { RunResult } from "../../../engine/train/runResult.js";
import { peerPython, runPython } from "../../helpers/pythonPeers.js";

const dir = mkdtempSync(join(tmpdir(), "mplab-torch-"));
let n = 0;

interface Trace { losses: number[]; scales: number[]; skipped: boolean[]; error: string | null }

/** Exports `source`, runs the script (ranks 1 or 2) and returns its --trace. */
function runScript(source: TrainConfigInput | RunResult, ranks = 1, extra: string[] = []): { trace: Trace; code: number | null; stdout: string; stderr: string } {
  const name = `run${n++}.py`;
  const out = exportPyTorchFiles(source, { scriptName: name });
  writeFileSync(join(dir, name), out.script);
  for (const f of out.files) writeFileSync(join(dir, f.name), f.content);
  const tracePath = join(dir, `${name}.trace.json`);
  const args = ranks === 1 ? [name] : ["-m", "torch.distributed.run", "--nproc_per_node", String(ranks), "--master_port", String(29500 + (process.pid % 500) + n), name];
  const r = runPython([...args, "--trace", tracePath, ...extra], { cwd: dir });
  let trace: Trace;
  try {
    trace = JSON.parse(readFileSync(tracePath, "utf8"));
  } catch {
    throw new Error(`the script wrote no trace (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  }
  return { trace, ...r };
}

/** Per step: skipped and scale equal, loss within rtol relative. */
function assertSameRun(t: Trace, run: RunResult, rtol: number, what: string): void {
  assert.equal(t.losses.length, run.losses.length, `${what}: steps`);
  const over = new Set(run.overflowSteps);
  assert.deepEqual(t.skipped, run.losses.map((_, i) => over.has(i)), `${what}: skipped steps`);
  assert.deepEqual(t.scales, run.scales, `${what}: scales`);
  t.losses.forEach((l, i) => {
    const rel = Math.abs(l - run.losses[i]) / Math.abs(run.losses[i]);
    assert.ok(rel <= rtol, `${what}: step ${i} loss ${l} vs ours ${run.losses[i]} (relative ${rel.toExponential(2)} > ${rtol})`);
  });
}

const teacher = { type: "teacher" as const, inputs: 4, outputs: 2, samples: 48, targetScale: 0.5, noise: 0.1, seed: 4 };
const base: TrainConfigInput = {
  model: { inputs: 4, hidden: [8], outputs: 2, seed: 7, activation: "tanh" },
  data: teacher,
  steps: 30,
  batchSize: 8,
  seed: 3,
};
// a scale that starts high and grows fast: overflows come and go in 30 steps
const overflowing = { initScale: 2 ** 20, growthInterval: 3 };

const ours = (c: TrainConfigInput) => train(c, { backend: "cpu" });

test("torch is there (scripts/setup-python-peers.sh)", () => {
  assert.ok(peerPython());
});

test("fp32, SGD with momentum, teacher data in mini-batches: losses within 1e-5", async () => {
  const c = { ...base, precision: "fp32" as const, optimizer: { type: "sgd" as const, lr: 0.1, momentum: 0.9 } };
  const run = await ours(c);
  const { trace, code } = runScript(c);
  assert.equal(code, 0);
  assertSameRun(trace, run, 1e-5, "fp32 sgd");
});

test("fp32, Adam, sine data (GELU), accumulation 3: losses within 1e-5", async () => {
  const c: TrainConfigInput = {
    ...base, model: { inputs: 2, hidden: [8, 6], outputs: 1, seed: 5, activation: "gelu" },
    data: { type: "sine", inputs: 2, samples: 50, noise: 0.05, frequency: 2 }, precision: "fp32",
    optimizer: { type: "adam", lr: 1e-2, weightDecay: 0.01 }, accumulationSteps: 3, batchSize: 5,
  };
  const run = await ours(c);
  assertSameRun(runScript(c).trace, run, 1e-5, "fp32 adam sine");
});

for (const [label, scaler] of [
  ["pytorch preset", { type: "dynamic", preset: "pytorch", ...overflowing }],
  ["deepspeed zeroStage 0", { type: "dynamic", preset: "deepspeed", ...overflowing }],
  ["deepspeed zeroStage 1, accumulation 2", { type: "dynamic", preset: "deepspeed", zeroStage: 1, ...overflowing }],
  ["deepspeed zeroStage 2, consecutive hysteresis", { type: "dynamic", preset: "deepspeed", zeroStage: 2, consecutiveHysteresis: true, hysteresis: 3, ...overflowing }],
] as const) {
  test(`mixed-fp16, ${label}: the same skipped steps and scales, losses within 1e-5`, async () => {
    const c: TrainConfigInput = { ...base, precision: "mixed-fp16", scaler, optimizer: { type: "adam", lr: 1e-2 }, accumulationSteps: label.includes("accumulation") ? 2 : 1 };
    const run = await ours(c);
    assert.ok(run.skippedSteps > 2 && run.skippedSteps < run.steps - 5, `the pattern has overflows and clean steps (${run.skippedSteps} skipped)`);
    assertSameRun(runScript(c).trace, run, 1e-5, label);
  });
}

test("mixed-fp16, deepspeed zeroStage 1 at its floor: the script stops with DeepSpeed's error at our step", async () => {
  const c: TrainConfigInput = { ...base, precision: "mixed-fp16", scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 1, initScale: 2 ** 40, minScale: 2 ** 39 } };
  const run = await ours(c);
  assert.equal(run.status, "error");
  const r = runScript(c);
  assert.equal(r.code, 1);
  assertSameRun(r.trace, run, 1e-5, "floor");
  assert.match(r.trace.error!, new RegExp(`^step ${run.steps - 1}: Current loss scale already at minimum`));
});

test("pure fp16 (no master weights), deepspeed zeroStage 1: the same skipped steps and scales", async () => {
  const c: TrainConfigInput = { ...base, precision: "fp16", scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 1, ...overflowing }, optimizer: { type: "sgd", lr: 0.05 } };
  const run = await ours(c);
  assert.ok(run.skippedSteps > 2);
  // torch's SGD updates fp16 parameters in fp16 arithmetic, ours in fp32 rounded once: losses to ~1e-4
  assertSameRun(runScript(c).trace, run, 2e-3, "pure fp16");
});

test("mixed-bf16: losses within 1e-5", async () => {
  const c: TrainConfigInput = { ...base, precision: "mixed-bf16", optimizer: { type: "sgd", lr: 0.05 } };
  assertSameRun(runScript(c).trace, await ours(c), 1e-5, "bf16");
});

// torch 2.13's gloo sometimes aborts a rank at teardown on a loaded machine ("terminate called
// without an active exception", SIGABRT) after the run and its trace are complete (about 1 run
// in 25 here with two CPU hogs; the script's barrier before destroy_process_group made it
// rarer, not gone). That one known abort gets a second run, said in the test's output; any
// other failure, or the abort twice, fails.
function runTorchrun(t: { diagnostic(s: string): void }, c: TrainConfigInput) {
  let r = runScript(c, 2);
  if (r.code !== 0 && /terminate called without an active exception/.test(r.stderr)) {
    t.diagnostic("a rank aborted in gloo's teardown (torch's, after the trace was written): ran again");
    r = runScript(c, 2);
  }
  // the ranks' own errors (a C++ abort's one line) come before torchrun's summary: both in the message
  const said = r.stderr.split("\n").filter((l) => /error|terminate|what\(\)/i.test(l) && !/^\s+File /.test(l)).slice(0, 20).join("\n");
  assert.equal(r.code, 0, `${said}\n...\n${r.stderr.slice(-1500)}`);
  return r;
}

test("torchrun, 2 ranks, fp32 Adam: the global loss within 1e-5", async (t) => {
  const c: TrainConfigInput = { ...base, precision: "fp32", optimizer: { type: "adam", lr: 1e-2 }, accumulationSteps: 2 };
  assertSameRun(runTorchrun(t, c).trace, await ours(c), 1e-5, "torchrun fp32");
});

test("torchrun, 2 ranks, mixed-fp16 deepspeed zeroStage 1: the one-process skipped steps and scales", async (t) => {
  const c: TrainConfigInput = { ...base, precision: "mixed-fp16", scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 1, ...overflowing }, optimizer: { type: "adam", lr: 1e-2 } };
  const run = await ours(c);
  assert.ok(run.skippedSteps > 2);
  // each rank rounds its part of a weight gradient to fp16 before the sum: losses agree to ~1e-4
  assertSameRun(runTorchrun(t, c).trace, run, 2e-3, "torchrun fp16");
});

test("a finished run with inline data: the script embeds the data and --check compares with the run", async () => {
  const xs = Array.from({ length: 24 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i / 24, 1 - i / 48]);
  const ys = xs.map((r) => [r[0] * r[1] + r[2], r[3] - r[0]]);
  const run = await ours({ ...base, data: { type: "arrays", xs, ys }, precision: "mixed-fp16", scaler: { type: "dynamic", preset: "deepspeed", zeroStage: 1, ...overflowing } });
  assert.ok(run.skippedSteps > 0);
  const r = runScript(run, 1, ["--check"]);
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr.slice(-2000));
  assert.match(r.stdout, /compared 30 steps: largest relative loss difference .*, the same skipped steps and scales/);
  assertSameRun(r.trace, run, 1e-5, "from a run");
  // and a wrong run is caught by --check's comparison
  const tampered = { ...run, scales: run.scales.map((s, i) => (i === 5 ? s * 2 : s)) };
  const bad = runScript(tampered, 1, ["--check"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /step 5: scale/);
});

test("inline data beyond the embedding limit goes to a file beside the script", async () => {
  const rows = Math.floor(MAX_INLINE_VALUES / 3) + 1; // 2 inputs + 1 output a row
  const xs = Array.from({ length: rows }, (_, i) => [((i * 7919) % 1000) / 500 - 1, ((i * 104729) % 1000) / 500 - 1]);
  const ys = xs.map((r) => [r[0] - 0.5 * r[1]]);
  const c: TrainConfigInput = { model: { inputs: 2, hidden: [4], outputs: 1, seed: 2 }, data: { type: "arrays", xs, ys }, steps: 5, batchSize: 16, precision: "fp32", optimizer: { type: "sgd", lr: 0.1 } };
  const out = exportPyTorchFiles(c, { scriptName: "big.py" });
  assert.deepEqual(out.files.map((f) => f.name), ["big.data.json"]);
  assert.throws(() => exportPyTorch(c), /use exportPyTorchFiles/);
  assertSameRun(runScript(c).trace, await ours(c), 1e-5, "data file");
});

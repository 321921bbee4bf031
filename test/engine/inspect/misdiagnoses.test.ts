// The other misdiagnoses, each on a real CPU run: what inspect() says first, and
// that what it recommends is sane (never a scale that overflowed every time, never one
// drawn from the artefacts of a collapsed scaler).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { applyJsonFix } from "../../../engine/inspect/jsonLocate.js";
import { configDiagnostics, runDiagnostics } from "../../../engine/inspect/configDiagnostics.js";
import { inspect } from "../../../engine/inspect/inspect.js";
import { mulberry32 } from "../../../engine/data/rng.js";
import { initWeights } from "../../../engine/model/mlp.js";
import { train } from "../../../engine/train/run.js";
import { stats, synthRun } from "./synthRun.js";

const rng = mulberry32(3);
const xs = Array.from({ length: 256 }, () => Array.from({ length: 4 }, () => 1e5 * (1 + rng())));
const ys = xs.map((r) => [Math.sin(r[0] / 1e5)]);

test("data holding 1e39 (finite as a double, Inf in fp32) is refused before any work, with its row and column", async () => {
  const bad = xs.slice(0, 8).map((r) => [...r]);
  bad[5][2] = 1e39;
  let progressed = false;
  const cfg = { model: { inputs: 4, outputs: 1 }, data: { type: "arrays", xs: bad, ys: ys.slice(0, 8) }, steps: 1, batchSize: 4 };
  await assert.rejects(train(cfg, { backend: "cpu", onProgress: () => (progressed = true) }), /data\.xs\[5\]\[2\] is beyond fp32's range \(±3\.4028e38\).*got 1e\+39/);
  assert.equal(progressed, false);
  // a CSV: the line and the column's name
  const path = join(mkdtempSync(join(tmpdir(), "mplab-big-")), "big.csv");
  writeFileSync(path, "a,b,y\n1,2,3\n4,-1e39,6\n");
  await assert.rejects(train({ ...cfg, data: { type: "csv", path, inputs: ["a", "b"], targets: ["y"] }, model: { inputs: 2, outputs: 1 }, batchSize: 1 }, { backend: "cpu" }), /line 3, column b: -1e39 is beyond fp32's range/);
});

test("inputs of 1e5 in mixed-fp16: the data first (beyond fp16, normalise or bf16), no scale from the collapsed scaler", async () => {
  const run = await train({ model: { inputs: 4, hidden: [16], outputs: 1 }, data: { type: "arrays", xs, ys }, precision: "mixed-fp16", steps: 60, batchSize: 32 }, { backend: "cpu" });
  assert.equal(run.skippedSteps, 60);
  const r = inspect(run);
  assert.match(r.findings[0], /^The data is the cause\. Input columns x\[0\] \(1\.0\de\+5 to 2\.00e\+5: 100% of its values\)/);
  assert.match(r.findings[0], /normalise your inputs and targets \(data\.normalize: "standard"\), or use bf16/);
  assert.equal(r.useBf16.advised, true);
  assert.deepEqual(r.recommendation.spec, { type: "dynamic", preset: "pytorch" });
  assert.match(r.recommendation.reason, /^no loss scale can fix an overflow in the forward pass/);
  // the activations no longer "fit fp16"
  assert.equal(r.tensors.find((t) => t.layer === 1 && t.role === "activations")!.fitsFp16, false);
  // and the editor offers the fix
  const d = configDiagnostics({ model: { inputs: 4, hidden: [16], outputs: 1 }, data: { type: "arrays", xs: [[1, 2, 3, 4]], ys: [[1]] }, steps: 1, batchSize: 1 }, run);
  const fix = d.find((x) => x.path.join(".") === "data")!;
  assert.equal(fix.severity, "warning");
  assert.equal(fix.message, r.findings[0]);
  // the run's events name the cause once, not "calibrating" and a list of 60 steps
  const ev = runDiagnostics(run);
  assert.equal(ev.length, 1);
  assert.equal(ev[0].message, `60 of 60 steps skipped, the first at step 0: ${r.findings[0]}`);
  const text = '{"model": {"inputs": 4, "outputs": 1}, "data": {"type": "arrays", "xs": [[1, 2, 3, 4]], "ys": [[1]]}, "steps": 1, "batchSize": 1}';
  assert.deepEqual(JSON.parse(applyJsonFix(text, fix.fix!.path, fix.fix!.value)).data.normalize, "standard");
});

test("static 2^60 overflows on every step: never recommended back; dynamic scaling instead", async () => {
  const run = await train({
    model: { inputs: 8, hidden: [32], outputs: 1 }, data: { type: "teacher", inputs: 8, outputs: 1, samples: 512 },
    precision: "mixed-fp16", scaler: { type: "static", scale: 2 ** 60 }, steps: 100, batchSize: 32,
  }, { backend: "cpu" });
  assert.equal(run.skippedSteps, 100);
  const r = inspect(run);
  assert.equal(r.rootCause?.kind, "scale");
  assert.match(r.findings[0], /^Every observed step overflowed \(100 of 100 steps skipped/);
  assert.deepEqual(r.recommendation.spec, { type: "dynamic", preset: "pytorch" });
  assert.match(r.recommendation.reason, /static 2\^60 overflowed on every observed step/);
  // and training with it works
  const again = await train({ ...run.config, scaler: r.recommendation.spec }, { backend: "cpu" });
  assert.ok(again.skippedSteps < 10, `${again.skippedSteps} skipped`);
});

test("a scale that overflowed every time it was used caps the recommendation below it", () => {
  // 2^16 overflowed at its only step; the statistics (at 2^16 and 2^15) alone would allow 2^25:
  // unscaled largest 2^2 / 2^15 = 2^-13, 65504 / (8 · 2^-13) = 65504 · 2^10 -> 2^25
  const run = synthRun({
    precision: "mixed-fp16", scaler: { type: "dynamic", preset: "pytorch" },
    scales: [2 ** 16, ...new Array(9).fill(2 ** 15)], overflowSteps: [0], statsSteps: [0, 9],
    layers: [{ weightGrads: stats("f16", { minAbs: 2 ** -12, maxAbs: 2 ** 2, bins: { 0: 10 } }) }],
  });
  const r = inspect(run);
  assert.equal(r.scaleWindow!.max, 2 ** 25);
  assert.deepEqual(r.recommendation.spec, { type: "dynamic", preset: "pytorch", initScale: 2 ** 15 });
  assert.match(r.recommendation.reason, /capped below 2\^16 \(65536\), which overflowed on every step it was used/);
});

test("an overflow in the forward pass that is not the data's: named by layer, 'no loss scale can fix' it", async () => {
  // weights ×100 in layer 1 and ×1000 in layer 2: layer 1's activations fit fp16, layer 2's do not
  const model = { inputs: 4, hidden: [16, 16], outputs: 1, seed: 1 };
  const w = initWeights({ type: "mlp", activation: "relu", ...model }).map((l, i) => ({
    weight: l.weight.map((x) => x * (i === 0 ? 100 : i === 1 ? 1000 : 1)), bias: l.bias,
  }));
  const run = await train({ model: { ...model, weights: w }, data: { type: "teacher", inputs: 4, outputs: 1, samples: 256 }, precision: "mixed-fp16", steps: 30, batchSize: 32 }, { backend: "cpu" });
  const r = inspect(run);
  const act = (l: number) => r.tensors.find((t) => t.layer === l && t.role === "activations")!;
  assert.equal(act(1).fitsFp16, true);
  assert.ok(act(2).overflow > 0);
  assert.equal(r.rootCause?.kind, "forward");
  assert.match(r.findings[0], /^No loss scale can fix an overflow in the forward pass: layer 2's activations overflow at any scale/);
  assert.match(r.recommendation.reason, /no loss scale can fix an overflow in the forward pass \(layer 2's activations overflow at any scale\)/);
  assert.deepEqual(r.recommendation.spec, { type: "dynamic", preset: "pytorch" });
  assert.ok(r.useBf16.why.some((x) => /layer 2 activations reach/.test(x)), r.useBf16.why.join("; "));
});

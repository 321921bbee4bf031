// The house-price case, made the same way (housePrices.ts): a CSV in raw units
// read through datasets.csv, 3 hidden layers. References: the CSV itself (which rows
// overflow fp16, the columns' statistics in fp64), an fp64 forward pass of the trained
// weights, and the report's own table.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { runSummary } from "../../../engine/cli/summary.js";
import { datasets } from "../../../engine/data/datasets.js";
import { formatReport } from "../../../engine/inspect/formatReport.js";
import { inspect } from "../../../engine/inspect/inspect.js";
import { precisionReportSchema, type PrecisionReport } from "../../../engine/inspect/report.js";
import { predict } from "../../../engine/train/predict.js";
import { train } from "../../../engine/train/run.js";
import { runResultSchema, type RunResult } from "../../../engine/train/runResult.js";
import { HOUSE_FEATURES, writeHousePrices } from "../data/housePrices.js";

const path = writeHousePrices();
const rows = readFileSync(path, "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
const config = (precision: string, normalize?: "standard") => ({
  model: { inputs: 12, hidden: [64, 64, 64], outputs: 1, activation: "relu" as const },
  data: datasets.csv(path, { inputs: HOUSE_FEATURES, targets: ["price"], ...(normalize ? { normalize } : {}) }),
  precision, steps: 200, batchSize: 64,
});

/** No recommendation below 1: a scale spec's scale or initScale (absent: the preset's 2^15 or 2^16). */
function assertNoScaleBelow1(r: PrecisionReport) {
  const s = r.recommendation.spec;
  const scale = s.type === "static" ? s.scale : s.type === "dynamic" ? s.initScale : undefined;
  assert.ok(scale === undefined || scale >= 1, `recommended ${JSON.stringify(s)}`);
}

function assertDataFirst(r: PrecisionReport) {
  const first = r.findings[0];
  assert.match(first, /lot_sqft \(2\.00e\+3 to 2\.00e\+5/, first);
  assert.match(first, /price \(5\.\d+e\+4 to 4\.\d+e\+5/, first);
  assert.match(first, /normalise your inputs and targets \(data\.normalize: "standard"\)/, first);
}

const reports: Record<string, { run: RunResult; report: PrecisionReport }> = {};
async function raw(precision: string) {
  if (!reports[precision]) {
    const run = await train(config(precision), { backend: "cpu" });
    reports[precision] = { run, report: inspect(run) };
  }
  return reports[precision];
}

test("the data in the run: each column's range and its share beyond fp16, counted from the CSV", async () => {
  const { run } = await raw("mixed-fp16");
  runResultSchema.parse(run); // the new field is part of the schema'd result
  const d = run.data!;
  assert.equal(d.samples, 5000);
  assert.equal(d.dtype, "f16");
  assert.deepEqual(d.inputs.map((c) => c.name), HOUSE_FEATURES);
  const lot = d.inputs[0], price = d.targets[0];
  // fp16 rounds 65520 and up to Inf (65504 + half its spacing of 32: the tie goes to the even pattern, Inf)
  assert.equal(lot.fp16.overflow, rows.filter((r) => r[0] >= 65520).length / rows.length);
  assert.equal(price.fp16.overflow, rows.filter((r) => r[12] >= 65520).length / rows.length);
  assert.equal(lot.bf16.overflow, 0);
  assert.equal(lot.max, Math.max(...rows.map((r) => r[0])));
  const mean = rows.reduce((a, r) => a + r[12], 0) / rows.length;
  assert.ok(Math.abs(price.mean - mean) <= 1e-9 * mean);
  for (const c of d.inputs.slice(1)) assert.equal(c.fp16.overflow, 0, c.name);
});

test("mixed-fp16 on raw data: every step skipped; the first finding names the columns and says to normalise; no scale below 1", async () => {
  const { run, report } = await raw("mixed-fp16");
  precisionReportSchema.parse(report);
  assert.equal(run.skippedSteps, run.steps);
  assertDataFirst(report);
  assert.equal(report.rootCause?.kind, "data");
  assert.match(report.findings[0], /become Inf at the cast to fp16/);
  assert.match(report.findings[0], /or use bf16/);
  // then the forward pass, as a consequence, not ten findings about artefacts
  assert.match(report.findings[1], /^No loss scale can fix an overflow in the forward pass: the inputs are Inf from their cast to fp16/);
  assert.ok(report.findings.length <= 4, report.findings.join("\n"));
  assert.ok(!report.findings.some((f) => /span .*e\+4\d/.test(f)), "no gradient spans from the collapsed scale");
  assert.equal(report.gradientsAreEvidence, false);
  assert.equal(report.scaleWindow, null);
  assertNoScaleBelow1(report);
  // the scaler did collapse: that is what the old advice read as evidence
  assert.ok(Math.min(...run.scales) < 2 ** -100);
});

test("the table counts the Inf that came from the input cast, and names it", async () => {
  const { run, report } = await raw("mixed-fp16");
  const act1 = report.tensors.find((t) => t.layer === 1 && t.role === "activations")!;
  // the op itself overflowed nothing: its fp32 copy was Inf already (from the fp16 inputs)
  assert.equal(act1.overflow, 0);
  const lotOver = run.data!.inputs[0].fp16.overflow;
  // a row with an Inf input makes all 64 of its layer-1 activations Inf or NaN: the share is that of such rows drawn
  assert.ok(Math.abs(act1.nonFinite - lotOver) < 0.05, `Inf share ${act1.nonFinite} vs rows beyond fp16 ${lotOver}`);
  assert.equal(act1.fitsFp16, false);
  assert.equal(act1.nonFiniteFrom, "input");
  const line = formatReport(report).split("\n").find((l) => /^1 +activations/.test(l))!;
  assert.match(line, new RegExp(`${(100 * act1.nonFinite).toFixed(2)}%`), line);
  assert.match(line, /Inf\/NaN from its input \(the data's cast\)/, line);
  assert.doesNotMatch(line, /fits fp16/);
  assert.match(runSummary(run), new RegExp(`0\\.0% / 0\\.0% \\(Inf ${(100 * act1.nonFinite).toFixed(1)}%\\)`));
});

test("fp32 and mixed-bf16 on raw data: the first finding is the data's too; no scale below 1", async () => {
  const fp32 = (await raw("fp32")).report;
  assertDataFirst(fp32);
  assert.match(fp32.findings[0], /for a mixed-fp16 run/);
  assertNoScaleBelow1(fp32);
  const bf16 = (await raw("mixed-bf16")).report;
  assertDataFirst(bf16);
  // bf16 holds 2e5, but keeps 8 significant bits: steps of 2048 near the prices
  assert.match(bf16.findings[0], /far from unit scale .*bf16 keeps 8 significant bits \(steps of 2048 near 4\.\d+e\+5\)/);
  assert.deepEqual(bf16.recommendation.spec, { type: "none" });
});

test('normalize "standard": mixed-fp16 trains with no skipped steps, predict() returns dollars, no scale below 1', async () => {
  const run = await train(config("mixed-fp16", "standard"), { backend: "cpu" });
  assert.equal(run.skippedSteps, 0);
  assert.ok(run.finalLoss! < run.losses[0] / 5, `loss ${run.losses[0]} -> ${run.finalLoss}`);
  assertNoScaleBelow1(inspect(run));
  assert.ok(!inspect(run).findings[0].includes("data"), inspect(run).findings[0]);
  // the statistics kept: the mean and population std of the CSV's values as stored (fp32), in fp64
  const n = run.model.normalization!;
  const col = (j: number) => rows.map((r) => Math.fround(r[j]));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const std = (v: number[]) => {
    const m = mean(v);
    return Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
  };
  for (let j = 0; j < 12; j++) {
    assert.ok(Math.abs(n.inputs.shift[j] - mean(col(j))) <= 1e-9 * Math.abs(mean(col(j))), HOUSE_FEATURES[j]);
    assert.ok(Math.abs(n.inputs.scale[j] - std(col(j))) <= 1e-9 * std(col(j)), HOUSE_FEATURES[j]);
  }
  assert.ok(Math.abs(n.targets.shift[0] - mean(col(12))) <= 1e-9 * mean(col(12)));
  // predict() on raw rows, in dollars, against an fp64 forward pass of the same weights
  const some = rows.slice(0, 50);
  const got = await predict(run.model, some.map((r) => r.slice(0, 12)), { precision: "fp32" });
  some.forEach((r, i) => {
    let a = r.slice(0, 12).map((x, j) => Math.fround((Math.fround(x) - n.inputs.shift[j]) / n.inputs.scale[j]));
    run.model.weights!.forEach((L, l) => {
      const out = L.bias.map((b, o) => b + a.reduce((s, x, k) => s + L.weight[o * a.length + k] * x, 0));
      a = l < 3 ? out.map((z) => Math.max(0, z)) : out;
    });
    const dollars = a[0] * n.targets.scale[0] + n.targets.shift[0];
    assert.ok(Math.abs(got[i][0] - dollars) <= 1e-4 * Math.abs(dollars), `row ${i}: ${got[i][0]} vs fp64 ${dollars}`);
  });
  // and they are prices: within 15% of the true ones on average
  const err = some.reduce((s, r, i) => s + Math.abs(got[i][0] - r[12]) / r[12], 0) / some.length;
  assert.ok(err < 0.15, `mean relative error ${err}`);
  // mixed-fp16 inference too (the model's own precision): still dollars
  const fp16 = await predict(run.model, some.slice(0, 5).map((r) => r.slice(0, 12)));
  fp16.forEach((p, i) => assert.ok(Math.abs(p[0] - got[i][0]) < 0.01 * got[i][0], `${p[0]} vs ${got[i][0]}`));
});

test("normalised inputs, raw targets: the targets are named first, the fix names the targets, no scale below 1", async () => {
  const c = { ...config("mixed-fp16"), data: datasets.csv(path, { inputs: HOUSE_FEATURES, targets: ["price"], normalize: { inputs: "standard" } }) };
  const report = inspect(await train(c, { backend: "cpu" }));
  assert.match(report.findings[0], /^The data is the cause\. Target column price/);
  assert.match(report.findings[0], /normalise your targets \(data\.normalize: \{ "inputs": "standard", "targets": "standard" \}\)/);
  assert.ok(report.findings.length <= 4, report.findings.join("\n"));
  assertNoScaleBelow1(report);
});

// Every example notebook, run with `mplab run` on the CPU backend: no cell errs, and
// each shows what its text claims, read back from the outputs written into it.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseNotebook, type NbNotebook } from "../../engine/notebook/format.js";
import { COMPARISON_MIME, comparisonSchema, type Comparison } from "../../engine/inspect/comparison.js";
import { PRECISION_REPORT_MIME, precisionReportSchema, type PrecisionReport } from "../../engine/inspect/report.js";
import { SWEEP_MIME, sweepResultSchema } from "../../engine/inspect/sweepResult.js";
import { parsePayload } from "../../engine/payload/parse.js";
import { RUN_RESULT_MIME, runResultSchema, type RunResult } from "../../engine/train/runResult.js";
import { roundToGrid } from "../engine/numerics/reference.js";
import { ensureCli, mplab } from "../helpers/mplabCli.js";

const dir = mkdtempSync(join(tmpdir(), "mplab-examples-"));
const EXAMPLES = ["01-walkthrough", "02-underflow", "03-scaler-presets", "04-master-weights", "05-fp8"];

interface Executed {
  nb: NbNotebook;
  runs: Map<string, RunResult>;
  comparisons: Comparison[];
  reports: PrecisionReport[];
  /** every stdout text of the notebook, joined */
  stdout: string;
  /** text/plain of every value shown */
  values: string[];
}

const executed = new Map<string, Executed>();

/** Runs an example into a temporary copy and collects what its outputs hold. */
function runExample(name: string): Executed {
  const out = join(dir, `${name}.mpnb`);
  const r = mplab("run", `examples/${name}.mpnb`, "--out", out, "--backend", "cpu", "-q");
  assert.equal(r.code, 0, `${name}: ${r.stderr}`);
  const nb = parseNotebook(readFileSync(out, "utf8"));
  const result: Executed = { nb, runs: new Map(), comparisons: [], reports: [], stdout: "", values: [] };
  let count = 0;
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    assert.equal(cell.execution_count, ++count, `${name} cell ${i + 1} ran in order`);
    for (const o of cell.outputs ?? []) {
      assert.notEqual(o.output_type, "error", `${name} cell ${i + 1}: ${JSON.stringify(o)}`);
      if (o.output_type === "stream") {
        assert.equal(o.name, "stdout", `${name} cell ${i + 1} wrote to stderr: ${o.text}`);
        result.stdout += o.text;
      } else if (o.output_type === "execute_result" || o.output_type === "display_data") {
        // what `mplab run` saved reads back as the engine's payloads (the renderer's check)
        const run = o.data[RUN_RESULT_MIME] === undefined ? undefined : parsePayload(runResultSchema, o.data[RUN_RESULT_MIME], `${name} cell ${i + 1}`);
        if (run) {
          assert.equal(run.status, "completed");
          assert.ok(run.name && !result.runs.has(run.name), `run names are unique: ${run.name}`);
          result.runs.set(run.name, run);
        }
        if (o.data[COMPARISON_MIME]) result.comparisons.push(parsePayload(comparisonSchema, o.data[COMPARISON_MIME], `${name} cell ${i + 1}`));
        if (o.data[PRECISION_REPORT_MIME]) result.reports.push(parsePayload(precisionReportSchema, o.data[PRECISION_REPORT_MIME], `${name} cell ${i + 1}`));
        if (o.data[SWEEP_MIME]) parsePayload(sweepResultSchema, o.data[SWEEP_MIME], `${name} cell ${i + 1}`);
        result.values.push(String(o.data["text/plain"]));
      }
    }
  }
  // every code cell comes after markdown text that explains it
  nb.cells.forEach((c, i) => {
    if (c.cell_type === "code") assert.equal(nb.cells[i - 1]?.cell_type, "markdown", `${name} cell ${i + 1} follows text`);
  });
  return result;
}

function get(name: string): Executed {
  let e = executed.get(name);
  if (!e) executed.set(name, (e = runExample(name)));
  return e;
}

function run(e: Executed, name: string): RunResult {
  const r = e.runs.get(name);
  assert.ok(r, `a run named "${name}" (have: ${[...e.runs.keys()].join(", ")})`);
  return r;
}

/** Count-weighted share over layers of a role's values that underflowed at a cast. */
function underflow(r: RunResult, role: "activationGrads" | "weightGrads"): number {
  let lost = 0, count = 0;
  for (const l of r.layers) {
    lost += l.tensors[role].underflow * l.tensors[role].count;
    count += l.tensors[role].count;
  }
  return lost / count;
}

const ratio = (a: RunResult, b: RunResult) => a.finalLoss! / b.finalLoss!;
const f16 = (x: number) => roundToGrid(x, { minNormalExp: -14, mantissaBits: 10, max: 65504 });
const flat = (m: RunResult["model"]) => m.weights.flatMap((l) => [...l.weight, ...l.bias]);

before(ensureCli);

test("examples/ holds these five notebooks, each nbformat 4", () => {
  const found = readdirSync("examples").filter((f) => f.endsWith(".mpnb")).map((f) => f.replace(/\.mpnb$/, ""));
  assert.deepEqual(found.sort(), EXAMPLES);
  for (const name of EXAMPLES) assert.equal(parseNotebook(readFileSync(`examples/${name}.mpnb`, "utf8")).nbformat, 4);
});

test("01 walkthrough: fp32, fp16, mixed-fp16, mixed-bf16 on one task; the 16-bit runs end within 5% of fp32", () => {
  const e = get("01-walkthrough");
  const fp32 = run(e, "fp32"), fp16 = run(e, "fp16"), mixed = run(e, "mixed-fp16"), bf16 = run(e, "mixed-bf16");
  assert.deepEqual([fp32, fp16, mixed, bf16].map((r) => r.precision), ["fp32", "fp16", "mixed-fp16", "mixed-bf16"]);
  // same task: same steps and batches
  for (const r of [fp16, mixed, bf16]) {
    assert.equal(r.steps, fp32.steps);
    assert.deepEqual(r.config.data, fp32.config.data);
    assert.ok(Math.abs(ratio(r, fp32) - 1) < 0.05, `${r.name}: final loss ${r.finalLoss} vs fp32 ${fp32.finalLoss}`);
    assert.equal(r.skippedSteps, 0, `${r.name} skips no step`);
  }
  assert.ok(fp32.losses.at(-1)! < fp32.losses[0] / 10, "the task is learned");
  // the two fp16 runs compute the same first forward pass
  assert.equal(fp16.losses[0], mixed.losses[0]);
  assert.notEqual(fp16.losses.at(-1), mixed.losses.at(-1));
  assert.match(e.stdout, /first loss: .* \(equal\)/);
  // compare(): the four runs against fp32, the same ratios
  const [c] = e.comparisons;
  assert.deepEqual(c.runs.map((r) => r.label), ["fp32", "fp16", "mixed-fp16", "mixed-bf16"]);
  assert.equal(c.reference, 0);
  for (const d of c.differences) assert.ok(Math.abs(d.finalLossRatio! - ratio(run(e, d.label), fp32)) < 1e-12);
  // memory: a 16-bit copy plus an fp32 master is 6 bytes a parameter against fp32's 4
  assert.equal(mixed.memory.weightsBytes * 2, fp32.memory.weightsBytes);
  assert.equal(mixed.memory.masterWeightsBytes, fp32.memory.weightsBytes);
  assert.equal(mixed.memory.activationsBytes * 2, fp32.memory.activationsBytes);
  assert.equal(fp16.memory.masterWeightsBytes, 0);
});

test("02 underflow: over half the activation gradients underflow without a scale, under 1% with one; bf16 needs none", () => {
  const e = get("02-underflow");
  const fp32 = run(e, "fp32"), plain = run(e, "fp16, no scaler"), scaled = run(e, "fp16, dynamic scaler"), bf16 = run(e, "bf16, no scaler");
  assert.ok(underflow(plain, "activationGrads") > 0.5, `no scale: ${underflow(plain, "activationGrads")}`);
  assert.ok(underflow(scaled, "activationGrads") < 0.01, `dynamic scale: ${underflow(scaled, "activationGrads")}`);
  assert.equal(underflow(bf16, "activationGrads"), 0);
  assert.equal(underflow(fp32, "activationGrads"), 0);
  assert.ok(plain.scales.every((s) => s === 1));
  assert.ok(Math.max(...scaled.scales) > 2 ** 16, "the dynamic scale grew");
  assert.equal(scaled.skippedSteps, 0);
  // the loss: clearly worse without the scale, within a few percent of fp32 with it and in bf16
  assert.ok(ratio(plain, fp32) > 1.2, `no scale: ${ratio(plain, fp32)}`);
  assert.ok(Math.abs(ratio(scaled, fp32) - 1) < 0.05);
  assert.ok(Math.abs(ratio(bf16, fp32) - 1) < 0.05);
  // what the cells print is what the runs hold
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  assert.ok(e.stdout.includes(`activation gradients underflowed: ${pct(underflow(plain, "activationGrads"))} without a scale, ${pct(underflow(scaled, "activationGrads"))} with it`), e.stdout);
  const [c] = e.comparisons;
  const d = c.differences.find((x) => x.label === "fp16, no scaler")!;
  assert.ok(Math.abs(d.activationGradUnderflow - underflow(plain, "activationGrads")) < 1e-12);
  // inspect() on the unscaled run finds the underflow and advises a scale
  const [report] = e.reports;
  assert.equal(report.scaler, "none");
  assert.ok(report.findings.some((f) => /activation gradients: \d+(\.\d+)?% underflowed/.test(f)), report.findings.join("\n"));
  assert.equal(report.recommendation.spec.type, "dynamic");
});

/** The scale each step uses, replayed from a run's overflow steps by the rules in shared/notes/loss-scalers.md. */
function replayScales(preset: "pytorch" | "deepspeed", overflowSteps: number[], steps: number, interval: number): number[] {
  const overflow = new Set(overflowSteps);
  const out: number[] = [];
  let S = 2 ** 16, tracker = 0; // pytorch
  let it = 0, lastOverflow = -1, curH = 2; // deepspeed zeroStage 1, hysteresis 2
  for (let i = 0; i < steps; i++) {
    out.push(S);
    const inf = overflow.has(i);
    if (preset === "pytorch") {
      if (inf) { S *= 0.5; tracker = 0; }
      else if (++tracker === interval) { S *= 2; tracker = 0; }
    } else {
      if (inf) {
        if (curH === 1) S = Math.max(S / 2, 1);
        else curH -= 1;
        lastOverflow = it;
      } else if (it - lastOverflow - 1 > 0 && (it - lastOverflow - 1) % interval === 0) { // W+1 clean steps (0.17.1+)
        curH = 2;
        S *= 2;
      }
      it++;
    }
  }
  return out;
}

test("03 scaler presets: the traces follow PyTorch's and DeepSpeed's rules and part at the first overflow, which DeepSpeed absorbs", () => {
  const e = get("03-scaler-presets");
  const pt = run(e, "pytorch"), ds = run(e, "deepspeed");
  assert.equal(pt.config.scaler.type === "dynamic" && pt.config.scaler.preset, "pytorch");
  assert.equal(ds.config.scaler.type === "dynamic" && ds.config.scaler.preset, "deepspeed");
  assert.deepEqual(pt.scales, replayScales("pytorch", pt.overflowSteps, pt.steps, 25));
  assert.deepEqual(ds.scales, replayScales("deepspeed", ds.overflowSteps, ds.steps, 25));
  assert.notDeepEqual(pt.scales, ds.scales);
  // until the first overflow (the same step) DeepSpeed grows one step after PyTorch (W+1 clean steps);
  // the scales are powers of two, so the losses stay identical
  const k = pt.overflowSteps[0];
  assert.ok(k > 0 && k < pt.steps - 1, "the run overflows");
  assert.equal(ds.overflowSteps[0], k);
  assert.deepEqual(ds.scales.slice(1, k + 1), pt.scales.slice(0, k));
  assert.notDeepEqual(ds.scales.slice(0, k + 1), pt.scales.slice(0, k + 1));
  assert.deepEqual(ds.losses.slice(0, k + 1), pt.losses.slice(0, k + 1));
  // there PyTorch halves at once; DeepSpeed keeps the scale and skips the step, and halves at its next overflow
  assert.equal(pt.scales[k + 1], pt.scales[k] / 2);
  assert.equal(ds.scales[k + 1], ds.scales[k]);
  const k2 = ds.overflowSteps[1];
  assert.equal(ds.scales[k2 + 1], ds.scales[k2] / 2);
  assert.deepEqual(ds.scales.slice(k + 1, k2 + 1).every((s) => s === ds.scales[k]), true);
  assert.ok(e.stdout.includes(`first overflow: step ${k} in both runs (same step)`));
  assert.ok(e.stdout.includes(`pytorch 2^${Math.log2(pt.scales[k])} -> 2^${Math.log2(pt.scales[k]) - 1}, deepspeed 2^${Math.log2(ds.scales[k])} -> 2^${Math.log2(ds.scales[k])}`), e.stdout);
  assert.ok(e.stdout.includes(`(${ds.skippedSteps} skipped)`) && ds.skippedSteps === ds.overflowSteps.length);
  assert.deepEqual(e.comparisons[0].runs.map((r) => r.label), ["pytorch", "deepspeed"]);
});

test("04 master weights: pure fp16 changes no weight and its loss stays put; mixed-fp16 moves them and follows fp32", () => {
  const e = get("04-master-weights");
  const pre = run(e, "pretrained"), fp16 = run(e, "fp16"), mixed = run(e, "mixed-fp16"), fp32 = run(e, "fp32");
  const start = flat(pre.model);
  const w16 = flat(fp16.model), wMixed = flat(mixed.model);
  assert.equal(w16.length, start.length);
  assert.ok(w16.every((w, i) => w === f16(start[i])), "every fp16 weight is its fp16-rounded start");
  const moved = wMixed.filter((w, i) => w !== start[i]).length;
  assert.ok(moved > 0.5 * start.length, `mixed-fp16 moved ${moved} of ${start.length}`);
  assert.ok(e.stdout.includes(`fp16:       0 of ${start.length} weights changed`));
  assert.ok(e.stdout.includes(`mixed-fp16: ${moved} of ${start.length} weights changed`));
  // losses: fp16 constant, mixed falling and within 0.1% of fp32
  assert.ok(fp16.losses.every((l) => l === fp16.losses[0]));
  assert.ok(mixed.losses.at(-1)! < mixed.losses[0]);
  assert.ok(Math.abs(mixed.losses.at(-1)! / fp32.losses.at(-1)! - 1) < 1e-3);
  assert.equal(fp16.skippedSteps + mixed.skippedSteps, 0);
  assert.ok(e.values.some((v) => /needed: true/.test(v)), "inspect() says master weights are needed");
});

test("05 fp8: E4M3 flushes more gradients than E5M2; delayed scaling saturates at the outlier's first step only, current never; loss vs bf16 and fp32", () => {
  const e = get("05-fp8");
  const hybrid = run(e, "fp8 (E5M2 gradients)"), e4 = run(e, "fp8 (E4M3 gradients)"), fp32 = run(e, "fp32"), bf16 = run(e, "bf16");
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const gradFlushed = (r: RunResult) => mean(r.fp8!.tensors.filter((t) => t.role === "grads").map((t) => mean(t.flushed)));
  assert.deepEqual(hybrid.fp8!.formats, { forward: "e4m3", backward: "e5m2" });
  assert.ok(e4.fp8!.tensors.every((t) => t.format === "e4m3"));
  assert.ok(gradFlushed(e4) > 10 * gradFlushed(hybrid) && gradFlushed(e4) > 0.005, `E4M3 ${gradFlushed(e4)} vs E5M2 ${gradFlushed(hybrid)}`);
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  assert.ok(e.stdout.includes(`activation gradients flushed to zero: ${pct(gradFlushed(hybrid))} in E5M2, ${pct(gradFlushed(e4))} in E4M3`), e.stdout);
  // the outlier: layer 1 inputs, observed every step
  const delayed = run(e, "delayed scaling"), current = run(e, "current scaling");
  const inputs = (r: RunResult) => r.fp8!.tensors.find((t) => t.layer === 1 && t.role === "inputs")!;
  const d = inputs(delayed), c = inputs(current);
  const spike = d.amax.findIndex((a) => a > 10);
  assert.ok(spike > 0, "the outlier does not come in the first batch");
  d.saturated.forEach((s, i) => assert.ok(i === spike ? s > 0 : s === 0, `delayed step ${i}: saturated ${s}`));
  assert.ok(c.saturated.every((s) => s === 0), "current scaling never saturates");
  assert.equal(d.scales[spike], 448, "the step meets the scale of values around 1 (448 / 1)");
  assert.ok(d.scales[spike + 1] < d.scales[spike] / 10, "one step later the scale has room for the outlier");
  assert.equal(c.scales[spike], d.scales[spike + 1], "current scaling uses that scale in the same step");
  assert.match(e.stdout, new RegExp(`the outlier first comes at step ${spike};`));
  const report = e.reports[0];
  assert.ok(report.fp8, "inspect() has an fp8 part");
  assert.equal(report.fp8.tensors.find((t) => t.layer === 1 && t.role === "inputs")!.lateSteps, 1);
  assert.ok(report.fp8.advice.some((a) => JSON.stringify(a.change).includes('"recipe":"current"')));
  assert.ok(report.fp8.advice.some((a) => JSON.stringify(a.change).includes('"margin":')));
  assert.match(report.findings[0], /outputs stored in bf16/);
  // the loss: fp8 within 25% of fp32 (coarse rounding), bf16 within 5%
  assert.ok(Math.abs(ratio(bf16, fp32) - 1) < 0.05);
  for (const r of [hybrid, e4]) assert.ok(ratio(r, fp32) < 1.25 && ratio(r, fp32) > 0.95, `${r.name}: ${ratio(r, fp32)}`);
  const [cmp] = e.comparisons;
  assert.deepEqual(cmp.runs.map((r) => r.label), ["fp32", "bf16", "fp8 (E5M2 gradients)", "fp8 (E4M3 gradients)"]);
  assert.ok(Math.abs(cmp.runs[3].fp8!.gradientsFlushed - gradFlushed(e4)) < 1e-12);
});

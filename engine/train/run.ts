// train(): validates, builds the network on a backend, runs the steps in chunks
// (progress after each, cancel between them), and assembles the RunResult.
import type { Backend, StepRecord } from "../backend/backend.js";
import { selectBackend, type BackendChoice } from "../backend/select.js";
import { batchSizeProblems, ConfigError, parseTrainConfig } from "../config/validate.js";
import { materialize } from "../data/datasets.js";
import { prepareData, type PreparedData } from "../data/prepare.js";
import { initWeights } from "../model/mlp.js";
import { initialScalerState, ruleFromSpec } from "../scaler/lossScaler.js";
import { BatchOrder } from "./batches.js";
import { policyFor } from "./policy.js";
import { memoryLedger } from "./results.js";
import type { RunProgress, RunResult, TrainedModel } from "./runResult.js";
import { describeSlot } from "./slots.js";
import { StepObserver } from "./stepObserver.js";
import { TrainStep } from "./trainStep.js";
import { checkMemoryBudget } from "./memoryEstimate.js";
import { Shadow } from "./shadow.js";
import { parseTrainOptions, type TrainOptions } from "./trainOptions.js";

export type { TrainOptions };

const now = () => globalThis.performance.now();
const yieldToEventLoop = () => new Promise<void>((r) => setTimeout(r, 0));

export async function train(configInput: unknown, optsInput: TrainOptions = {}): Promise<RunResult> {
  const t0 = now();
  const config = parseTrainConfig(configInput);
  const opts = parseTrainOptions(optsInput);
  // the budget on the chosen backend, before the data or any buffer is made
  const chosen = await selectBackend(opts.backend ?? "auto");
  const policy = policyFor(config.precision, config.fp8);
  let data: Awaited<ReturnType<typeof materialize>>;
  let prepared: PreparedData;
  try {
    checkMemoryBudget(config, chosen.backend.info.name, opts.memoryBudgetMiB);
    data = await materialize(config.data);
    if (data.inputs !== config.model.inputs) throw new Error(`data has ${data.inputs} input columns but model.inputs is ${config.model.inputs}: they must match`);
    if (data.outputs !== config.model.outputs) throw new Error(`data has ${data.outputs} target columns but model.outputs is ${config.model.outputs}: they must match`);
    const tooBig = batchSizeProblems(config.batchSize, data.samples);
    if (tooBig.length) throw new ConfigError(tooBig);
    // normalised in place, each column described, on the host before the upload
    prepared = prepareData(data, config, policy.activations);
  } catch (e) {
    if (chosen.owned) chosen.backend.destroy();
    throw e;
  }
  const rule = ruleFromSpec(config.scaler);
  const { backend, owned } = chosen;
  const steps = config.steps;
  const adaptive = config.chunkSize === undefined && backend.info.name !== "webgpu";
  const maxChunk = Math.min(steps, config.chunkSize ?? 50);
  const statsInterval = config.statsInterval ?? defaultStatsInterval(steps);
  const ts = new TrainStep(backend, config, policy, data, initWeights(config.model), maxChunk);
  const observer = new StepObserver(backend, ts.net);
  let shadow: Shadow | null = null; // the fp32 shadow, only with config.shadow (see shadow.ts)
  try {
    if (config.shadow) shadow = await Shadow.create(backend, config, data, initWeights(config.model), maxChunk);
    backend.initStepState(rule, config.scalerState ?? initialScalerState(rule), 0);
    observer.reset();
    const order = new BatchOrder(data.samples, config.seed);
    const perStep = config.batchSize * config.accumulationSteps;
    const records: StepRecord[] = [];
    const statsSteps: number[] = [];
    let status: RunResult["status"] = "completed";
    let error: string | undefined;
    let chunk = adaptive ? 1 : maxChunk;
    const tRun = now();
    for (let s = 0; s < steps && status === "completed"; ) {
      if (opts.signal?.aborted) { status = "cancelled"; break; }
      const n = Math.min(chunk, steps - s);
      const tChunk = now();
      const indices = padTo(order.next(n * perStep), maxChunk * perStep);
      backend.write(ts.idx, indices);
      shadow?.writeBatch(indices);
      for (let i = 0; i < n; i++) {
        if (i > 0 && opts.signal?.aborted) break; // stop at the next step
        const step = s + i;
        const observe = step % statsInterval === 0 || step === steps - 1;
        if (observe) statsSteps.push(step);
        // the shadow needs the scale this step uses: read before the step, only when it compares
        const scale = shadow && observe ? (await backend.readStepState()).scaler.scale : 1;
        ts.run(step, i, observe ? observer : null);
        if (ts.net.fp8) await ts.net.fp8.afterStep(observe); // delayed scaling needs this step's amax before the next
        if (shadow) await shadow.step(step, i, observe, ts, scale);
      }
      const recs = await backend.flush();
      const bad = recs.findIndex((r) => r.scalerError);
      if (bad >= 0) {
        recs.length = bad + 1;
        status = "error";
        error = `step ${s + bad}: Current loss scale already at minimum - cannot decrease scale anymore (DeepSpeed's rule: the scale is at minScale and the gradients still overflow)`;
      }
      records.push(...recs);
      s += recs.length;
      if (opts.signal?.aborted && status === "completed" && s < steps) status = "cancelled";
      opts.onProgress?.(progressOf(records, recs, steps, now() - tRun));
      if (adaptive) chunk = Math.max(1, Math.min(maxChunk, Math.round((n * 150) / Math.max(1, now() - tChunk))));
      await yieldToEventLoop();
    }
    const runMs = now() - tRun;
    const { scaler } = await backend.readStepState();
    const layers = await observer.read();
    const model = await readModel(ts, config, policy.precision, prepared.normalization);
    const overflowSteps = records.flatMap((r, i) => (r.overflow ? [i] : []));
    const losses = records.map((r) => r.loss);
    return {
      kind: "mplab.run",
      version: 1,
      ...(config.name ? { name: config.name } : {}),
      config: summariseData(config),
      backend: backend.info,
      precision: config.precision,
      status,
      ...(error ? { error } : {}),
      steps: records.length,
      losses,
      scales: records.map((r) => r.scale),
      overflowSteps,
      skippedSteps: overflowSteps.length,
      firstNonFinite: records.flatMap((r, i) => (r.firstNonFinite >= 0 ? [{ step: i, ...describeSlot(r.firstNonFinite) }] : [])),
      finalLoss: losses.length ? losses[losses.length - 1] : null,
      gradNorms: records.map((r) => r.gradNorm),
      statsSteps: statsSteps.filter((s) => s < records.length),
      layers,
      memory: memoryLedger(ts.net),
      timings: { totalMs: now() - t0, setupMs: tRun - t0, stepsPerSecond: records.length / Math.max(1e-9, runMs / 1000) },
      scalerState: scaler,
      model,
      data: prepared.report,
      ...(shadow ? { shadow: await shadow.report(records.length) } : {}),
      ...(ts.net.fp8 ? { fp8: ts.net.fp8.report(records.length, statsSteps.filter((s) => s < records.length).length) } : {}),
    };
  } finally {
    ts.dispose();
    shadow?.dispose();
    if (owned) backend.destroy();
  }
}

/**
 * Observe every k-th step, k = max(MIN_STATS_INTERVAL, ceil(steps / 50)): about 50
 * observed steps at most, and never every step of a short run (an observed step costs
 * more). Step 0 and the last step are always observed (see the loop above).
 */
export const MIN_STATS_INTERVAL = 5;
export function defaultStatsInterval(steps: number): number {
  return Math.max(MIN_STATS_INTERVAL, Math.ceil(steps / 50));
}

function padTo(a: Float32Array, n: number): Float32Array {
  if (a.length === n) return a;
  const out = new Float32Array(n);
  out.set(a);
  return out;
}

function progressOf(all: StepRecord[], recs: StepRecord[], total: number, elapsedMs: number): RunProgress {
  const first = all.length - recs.length;
  return {
    step: all.length,
    totalSteps: total,
    losses: recs.map((r) => r.loss),
    scales: recs.map((r) => r.scale),
    gradNorms: recs.map((r) => r.gradNorm),
    overflowSteps: recs.flatMap((r, i) => (r.overflow ? [first + i] : [])),
    elapsedMs,
  };
}

async function readModel(ts: TrainStep, config: ReturnType<typeof parseTrainConfig>, precision: TrainedModel["precision"], normalization: TrainedModel["normalization"]): Promise<TrainedModel> {
  const weights = [];
  for (let l = 0; l < ts.net.layers.length; l++) {
    const p = ts.net.params(l);
    weights.push({ weight: Array.from(await ts.backend.read(p.w)), bias: Array.from(await ts.backend.read(p.b)) });
  }
  const { normalization: _given, ...spec } = config.model;
  return { ...spec, weights, precision, ...(normalization ? { normalization } : {}) };
}

/** Inline data up to this many values stays in a run's result (so Export to PyTorch can embed it). */
export const KEPT_INLINE_VALUES = 20_000;

/** Keeps results small: inline arrays of data beyond KEPT_INLINE_VALUES are summarised, not copied. */
function summariseData(config: ReturnType<typeof parseTrainConfig>) {
  // given initial weights stay too where small (Export to PyTorch starts from them)
  const { weights: w, ...rest } = config.model;
  const model = w && w.reduce((n, l) => n + l.weight.length + l.bias.length, 0) <= KEPT_INLINE_VALUES ? config.model : rest;
  if (config.data.type !== "arrays") return { ...config, model };
  const d = config.data;
  if (d.xs.length * ((d.xs[0]?.length ?? 0) + (d.ys[0]?.length ?? 0)) <= KEPT_INLINE_VALUES) return { ...config, model };
  return { ...config, model, data: { type: "arrays" as const, xs: [], ys: [], samples: d.xs.length, ...(d.normalize !== undefined ? { normalize: d.normalize } : {}) } as typeof config.data };
}

import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes, formatNumber, formatScale, formatShare, num } from "../../../webview/components/format.js";
import { scaleText, summarize, worstTensor } from "../../../webview/components/summary.js";
import type { LayerStats, RunResult, TensorStats } from "../../../engine/train/runResult.js";

const t = (s: Partial<TensorStats> = {}): TensorStats => ({
  dtype: "f16", count: 100, zero: 0, subnormal: 0, underflow: 0, overflow: 0, nan: 0, inf: 0, minAbs: 1, maxAbs: 2,
  histogram: { minExp: -40, counts: [] }, ...s,
});
const layer = (n: number, s: Partial<Record<keyof LayerStats["tensors"], Partial<TensorStats>>> = {}): LayerStats => ({
  layer: n, name: `layer ${n}`, inputs: 2, outputs: 2, activation: "relu",
  tensors: { weights: t(s.weights), activations: t(s.activations), activationGrads: t(s.activationGrads), weightGrads: t(s.weightGrads) },
});

test("formats: powers of two, shares, numbers, bytes, JSON-encoded non-finite values", () => {
  assert.equal(formatScale(65536), "2^16");
  assert.equal(formatScale(0.5), "2^-1");
  assert.equal(formatScale(1000), "1000");
  assert.equal(formatShare(0.031), "3.1%");
  assert.equal(formatShare(0), "0%");
  assert.equal(formatShare(0.00001234), "0.00123%");
  assert.equal(formatNumber(0.0123456), "0.0123");
  assert.equal(formatNumber(1.5e-7), "1.5e-7");
  assert.equal(formatNumber(1e-4), "1e-4");
  assert.equal(formatNumber(1.234e-7), "1.23e-7");
  assert.equal(formatNumber(120000), "1.2e+5");
  assert.equal(formatNumber(Infinity), "Inf");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(num("Infinity"), Infinity);
  assert.ok(Number.isNaN(num(null)));
});

test("the worst tensor is the largest share, first on ties, none when all are zero", () => {
  const layers = [layer(1, { weightGrads: { underflow: 0.01 } }), layer(2, { weightGrads: { underflow: 0.031 }, activationGrads: { underflow: 0.031 } })];
  assert.deepEqual(worstTensor(layers, "underflow"), { layer: 2, role: "activationGrads", share: 0.031 });
  assert.equal(worstTensor(layers, "overflow"), null);
});

test("scale text", () => {
  assert.equal(scaleText([65536, 32768, 8192]), "scale 2^16 -> 2^13");
  assert.equal(scaleText([1024, 1024]), "scale 2^10 throughout");
  assert.equal(scaleText([1, 1]), "no loss scaling");
});

test("the summary sentence of a run", () => {
  const r = {
    precision: "mixed-fp16", backend: { name: "webgpu", adapter: "x", fp16: "emulated" }, status: "completed",
    steps: 500, skippedSteps: 12, scales: [65536, ...new Array(498).fill(16384), 8192], finalLoss: 0.0123,
    layers: [layer(1), layer(2, { weightGrads: { underflow: 0.031 } })], config: { steps: 500 },
  } as unknown as RunResult;
  assert.equal(
    summarize(r),
    "mixed-fp16 on webgpu (fp16 emulated): 12 of 500 steps skipped; scale 2^16 -> 2^13; 3.1% of layer 2's weight gradients underflowed; final loss 0.0123.",
  );
  const c = { ...r, status: "cancelled", steps: 40, skippedSteps: 0, scales: [1, 1], layers: [], config: { steps: 500 } } as unknown as RunResult;
  assert.match(summarize(c), /^mixed-fp16 on webgpu \(fp16 emulated\): cancelled after 40 of 500 steps; 0 of 40 steps skipped; no loss scaling; nothing underflowed/);
});

// Block forensics on a tensor built block by block so that each statistic has a known
// answer (an all-zero block, a NaN block, the MXFP4 trace whose 7.5 saturates, a block
// that flushes 0.1), the error worked out by hand in fp64, the what-if table, and the
// payload through JSON and its schema as the renderer will receive it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { quantize } from "../../../engine/numerics/blockQuantize.js";
import { blockForensics, blockForensicsSchema, recipeLabel } from "../../../engine/numerics/blockForensics.js";
import { encodeNonFinite } from "../../../engine/payload/nonFinite.js";
import { parsePayload } from "../../../engine/payload/parse.js";
import { mulberry32 } from "./reference.js";

const pad = (xs: number[], n: number) => [...xs, ...Array<number>(n - xs.length).fill(0)];
const tensor = [...pad([], 32), ...pad([NaN, 1], 32), ...pad([7.5, 1, 0.3, -2.6], 32), ...pad([6, 0.1], 32)];

test("block statistics of a tensor with one block of each kind (MXFP4, floor)", () => {
  const f = blockForensics(quantize(tensor, [128], { recipe: "mxfp4" }), { whatIf: [] });
  const r = f.rowwise;
  assert.equal(r.blocks, 4);
  assert.deepEqual([r.allZero.count, r.nonFinite.count, r.saturated.count, r.flushed.count], [1, 1, 1, 1]);
  assert.equal(r.saturated.share, 0.25);
  assert.deepEqual([r.saturatedValues, r.flushedValues], [1, 1]);
  // scales: 2^-127 (all zero), NaN, 2^0 (amax 7.5: floor(log2 7.5) - 2 = 0), 2^0 (amax 6)
  assert.deepEqual(r.scaleHistogram, [{ exponent: -127, count: 1 }, { exponent: 0, count: 2 }]);
  assert.equal(r.nanScaleBlocks, 1);
  // spread: log2(7.5 / (1 · 6)) = 0.3219 (saturating), log2(6 / 6) = 0
  assert.equal(r.spread.blocks, 2);
  assert.equal(r.spread.min, 0);
  assert.ok(Math.abs(r.spread.max - Math.log2(7.5 / 6)) < 1e-12);
  assert.deepEqual(r.spread.histogram, [{ from: 0, count: 1 }, { from: 0.25, count: 1 }]);
  // error: the NaN input is left out and the 31 other values of its block dequantise to NaN (nonFiniteOutputs);
  // squared errors 1.5² (7.5 -> 6) + (0.5 - fl(0.3))² + (3 - fl(2.6))² + fl(0.1)² (flushed), over 128 - 1 - 31 = 96 values
  const e = r.error;
  assert.deepEqual([e.compared, e.nonFiniteOutputs], [96, 31]);
  const se = 1.5 ** 2 + (0.5 - Math.fround(0.3)) ** 2 + (3 - Math.fround(2.6)) ** 2 + Math.fround(0.1) ** 2;
  assert.ok(Math.abs(e.mse - se / 96) < 1e-15);
  const signal = 7.5 ** 2 + 1 + Math.fround(0.3) ** 2 + Math.fround(2.6) ** 2 + 36 + Math.fround(0.1) ** 2;
  assert.ok(Math.abs(e.snrDb - 10 * Math.log10(signal / se)) < 1e-9);
});

test("what if: every other recipe on the same tensor, and the payload as the renderer receives it", () => {
  const r = mulberry32(17);
  const x = Float32Array.from({ length: 32 * 64 }, (_, i) => ((r() / 2 ** 32) - 0.5) * (i % 64 === 5 ? 200 : 1)); // an outlier column
  const q = quantize(x, [32, 64], { recipe: "mxfp4" }, { role: "activation" });
  const f = blockForensics(q);
  const labels = f.whatIf.map((w) => w.label);
  assert.ok(!labels.includes(f.label), "the tensor's own recipe is not a what-if");
  assert.ok(labels.includes("mxfp8 e4m3 floor") && labels.includes("nvfp4 16x16 hadamard sr") && labels.includes("mxfp4 e2m1 rceil"));
  const mse = (l: string) => f.whatIf.find((w) => w.label === l)!.error.mse;
  assert.ok(mse("mxfp8 e4m3 floor") < f.rowwise.error.mse / 10, "8-bit elements beat 4-bit ones by far");
  assert.ok(mse("nvfp4 16x16 hadamard sr") < f.rowwise.error.mse, "16-value blocks with E4M3 scales beat 32-value E8M0 blocks on outliers");
  // the what-if numbers are those of quantize itself
  const direct = blockForensics(quantize(x, [32, 64], { recipe: "mxfp8" }, { columnwise: false }), { whatIf: [] });
  assert.equal(mse("mxfp8 e4m3 floor"), direct.rowwise.error.mse);
  // through JSON (NaN/Infinity tagged) and the schema, as a message to the webview
  const withNaN = blockForensics(quantize(tensor, [128], { recipe: "mxfp4" }));
  const back = parsePayload(blockForensicsSchema, JSON.parse(JSON.stringify(encodeNonFinite(withNaN))), "block forensics");
  assert.deepEqual(back, withNaN);
  assert.throws(() => parsePayload(blockForensicsSchema, { ...withNaN, rowwise: { ...withNaN.rowwise, blocks: "4" } }, "block forensics"), /rowwise\.blocks/);
  assert.equal(recipeLabel({ recipe: "blockwise", powerOfTwoScales: true }), "blockwise e4m3 128 pow2");
});

// Column statistics, the cast limits and normalisation, against independent references:
// the numerics' own casts (roundF16, roundBf16, roundFp8) value by value, and fp64 sums.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CAST_LIMITS, columnCasts, columnMoments } from "../../../engine/data/columns.js";
import { fitScaling, denormalizeRows, normalizeInPlace, normalizeMethods } from "../../../engine/data/normalize.js";
import { prepareData } from "../../../engine/data/prepare.js";
import { fromRows } from "../../../engine/data/datasets.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import { roundBf16 } from "../../../engine/numerics/bfloat16.js";
import { roundF16 } from "../../../engine/numerics/float16.js";
import { roundFp8 } from "../../../engine/numerics/fp8.js";
import { currentScale } from "../../../engine/numerics/fp8Scaling.js";

test("the cast limits are where roundF16 / roundBf16 turn to Inf, to zero and to a subnormal", () => {
  // the fp32 values next to a positive x (the data is fp32)
  const step = (x: number, by: number) => {
    const f = Float32Array.of(x), u = new Uint32Array(f.buffer);
    u[0] += by;
    return f[0];
  };
  const below = (x: number) => step(x, -1), above = (x: number) => step(x, 1);
  for (const [f, round, minNormal] of [["fp16", roundF16, 2 ** -14], ["bf16", roundBf16, 2 ** -126]] as const) {
    const L = CAST_LIMITS[f];
    assert.equal(round(L.overflowAt), Infinity, `${f} at overflowAt`);
    assert.ok(Number.isFinite(round(below(L.overflowAt))), `${f} just below overflowAt`);
    assert.equal(round(L.zeroAtOrBelow), 0, `${f} at zeroAtOrBelow`);
    assert.ok(round(above(L.zeroAtOrBelow)) > 0, `${f} just above zeroAtOrBelow`);
    assert.ok(round(below(L.subnormalBelow)) < minNormal, `${f} just below subnormalBelow`);
    assert.equal(round(L.subnormalBelow), minNormal, `${f} at subnormalBelow`);
  }
});

test("columnCasts counts, value by value, what roundF16, roundBf16 and E4M3 at one scale do", () => {
  // 3 columns over many magnitudes, including the edges
  const vals: number[] = [];
  const edges = [0, 65519, 65520, 70000, 2 ** -25, 2 ** -24, 2 ** -15, 1e-30, 1e-45, 3.3e38, 3.4e38, 1, -65520, -(2 ** -26), 448, 1e-4];
  for (let i = 0; i < 300; i++) vals.push(Math.fround((i % 3 === 0 ? 1e5 : i % 3 === 1 ? 1 : 1e-6) * Math.sin(i) * 2 ** ((i % 17) - 8)));
  for (const e of edges) vals.push(Math.fround(e), Math.fround(-e / 3), Math.fround(e / 7));
  while (vals.length % 3) vals.push(0);
  const x = Float32Array.from(vals), W = 3, rows = x.length / W;
  const got = columnCasts(x, W);
  const amax = Math.max(...Array.from(x, Math.abs)), s = currentScale("e4m3", amax);
  for (let c = 0; c < W; c++) {
    const col = Array.from({ length: rows }, (_, r) => x[r * W + c]);
    const share = (f: (v: number) => boolean) => col.filter(f).length / rows;
    assert.equal(got[c].fp16.overflow, share((v) => !Number.isFinite(roundF16(v))), `fp16 overflow, column ${c}`);
    assert.equal(got[c].fp16.underflow, share((v) => v !== 0 && roundF16(v) === 0), `fp16 underflow, column ${c}`);
    assert.equal(got[c].fp16.subnormal, share((v) => roundF16(v) !== 0 && Math.abs(roundF16(v)) < 2 ** -14), `fp16 subnormal, column ${c}`);
    assert.equal(got[c].bf16.overflow, share((v) => !Number.isFinite(roundBf16(v))), `bf16 overflow, column ${c}`);
    assert.equal(got[c].bf16.underflow, share((v) => v !== 0 && roundBf16(v) === 0), `bf16 underflow, column ${c}`);
    assert.equal(got[c].e4m3Flushed, share((v) => v !== 0 && roundFp8("e4m3", Math.fround(v * s), true) === 0), `e4m3, column ${c}`);
    const nz = col.filter((v) => v !== 0).map(Math.abs);
    assert.equal(got[c].largest, Math.max(...nz));
    assert.equal(got[c].smallest, Math.min(...nz));
  }
});

test("moments: fp64 mean and population std of the fp32 values; standard and minmax fits; a constant column keeps scale 1", () => {
  const rows = [[1, 10, 5], [2, 30, 5], [4, 20, 5], [9, 40, 5]];
  const x = Float32Array.from(rows.flat());
  const m = columnMoments(x, 3);
  assert.deepEqual(m.map((c) => c.mean), [4, 25, 5]);
  assert.deepEqual(m.map((c) => c.std), [Math.sqrt((9 + 4 + 0 + 25) / 4), Math.sqrt((225 + 25 + 25 + 225) / 4), 0]);
  assert.deepEqual(fitScaling("standard", m), { method: "standard", shift: [4, 25, 5], scale: [m[0].std, m[1].std, 1] });
  assert.deepEqual(fitScaling("minmax", m), { method: "minmax", shift: [1, 10, 5], scale: [8, 30, 1] });
  const s = fitScaling("minmax", m);
  const y = x.slice();
  normalizeInPlace(y, s);
  assert.deepEqual(Array.from(y), [0, 0, 0, 1 / 8, 20 / 30, 0, 3 / 8, 10 / 30, 0, 1, 1, 0].map(Math.fround));
  // the inverse brings original units back (to fp32's rounding of the normalised values)
  denormalizeRows(y, s).forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - rows[i][j]) <= 1e-6 * rows[i][j], `${v} vs ${rows[i][j]}`)));
});

test("normalize's forms: a string for both sides, an object for each, absent = none; strict keys", () => {
  assert.deepEqual(normalizeMethods({ normalize: "standard" }), { inputs: "standard", targets: "standard" });
  assert.deepEqual(normalizeMethods({ normalize: { targets: "minmax" } }), { inputs: "none", targets: "minmax" });
  assert.deepEqual(normalizeMethods({}), { inputs: "none", targets: "none" });
  const base = { model: { inputs: 1, outputs: 1 }, steps: 1, batchSize: 1 };
  const data = (normalize: unknown) => ({ ...base, data: { type: "arrays", xs: [[1]], ys: [[1]], normalize } });
  assert.throws(() => parseTrainConfig(data("zscore")), /data.normalize must be "standard", "minmax" or "none" .*got "zscore"/);
  assert.throws(() => parseTrainConfig(data({ input: "standard" })), /data.normalize has an unknown key "input" \(did you mean inputs\?\)/);
});

test("prepareData: normalises in place, keeps original-unit statistics, judges the values the model sees", () => {
  const d = fromRows([[1e5, 1], [3e5, 2], [2e5, 3]], [[1e6], [2e6], [3e6]]);
  const config = parseTrainConfig({ model: { inputs: 2, outputs: 1 }, data: { type: "arrays", xs: [[1, 1]], ys: [[1]], normalize: { inputs: "standard" } }, steps: 1, batchSize: 1 });
  const p = prepareData(d, config, "f16");
  assert.equal(p.report.inputs[0].max, 3e5); // original units
  assert.equal(p.report.inputs[0].fp16.overflow, 0); // as the model sees it: (x - 2e5) / 81650
  assert.ok(p.report.inputs[0].largest < 2);
  assert.equal(p.report.targets[0].fp16.overflow, 1); // raw targets, all beyond 65504
  assert.deepEqual(p.normalization!.targets, { method: "none", shift: [0], scale: [1] });
  assert.equal(d.x[0], Math.fround(-1e5 / Math.sqrt(2e10 / 3)));
  // nothing to normalise: no normalization kept
  assert.equal(prepareData(fromRows([[1]], [[1]]), parseTrainConfig({ model: { inputs: 1, outputs: 1 }, data: { type: "arrays", xs: [[1]], ys: [[1]] }, steps: 1, batchSize: 1 }), "f32").normalization, undefined);
});

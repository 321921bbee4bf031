// Block recipes against traces derived by hand from their definitions (OCP MX v1.0 §6.3,
// the NVFP4 paper and Transformer Engine's NVFP4 / blockwise rules): each step of each
// trace is written out below with its arithmetic. Then the element casts inside the
// blocks against the real ml_dtypes, the columnwise layout against a quantised
// transpose, 2D blocks, the Hadamard transform against fp64, and the validation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { quantize, transpose } from "../../../engine/numerics/blockQuantize.js";
import { hadamard16, hadamardSign } from "../../../engine/numerics/hadamard.js";
import { FORMATS, type ElementFormat } from "../../../engine/numerics/formats.js";
import type { BlockRecipeInput } from "../../../engine/numerics/blockRecipe.js";
import { referenceCodes } from "./mlDtypes.js";
import { mulberry32 } from "./reference.js";

const pad = (xs: number[], n: number) => [...xs, ...Array<number>(n - xs.length).fill(0)];
const head = (a: Float32Array, n: number) => [...a.slice(0, n)];

test("MXFP8 E4M3, a block whose largest value rounds past 448: floor saturates it, rceil does not", () => {
  const x = pad([470, 1, -0.5, 3], 32);
  // floor: floor(log2 470) = 8, emax(E4M3) = 8 -> X = 0, E8M0 code 127, scale 1.
  // 470 lies past 464 (the midpoint of 448 and the next binade's 512): it rounds past the maximum -> saturates to 448.
  const floor = quantize(x, [1, 32], { recipe: "mxfp8" }).rowwise;
  assert.deepEqual([...floor.scaleCodes!], [127]);
  assert.deepEqual(head(floor.values, 4), [448, 1, -0.5, 3]);
  assert.deepEqual([...floor.saturated], [1]);
  // rceil: fl(1/448) = 0x3b124925 (above 1/448); fl(470 · fl(1/448)) = 1.0491071939 -> rounded up to 2: code 128.
  // 470/2 = 235 -> E4M3 steps of 16 in [128, 256): 240 (|235-240| = 5 < 11) -> 480; 1/2, -0.5/2, 3/2 exact.
  const rceil = quantize(x, [1, 32], { recipe: "mxfp8", scaleRule: "rceil" }).rowwise;
  assert.deepEqual([...rceil.scaleCodes!], [128]);
  assert.deepEqual(head(rceil.values, 4), [480, 1, -0.5, 3]);
  assert.deepEqual([...rceil.saturated], [0]);
});

test("MXFP4, floor saturates 7.5 while rceil flushes 0.3: the trade torchao #2035 is about", () => {
  const x = pad([7.5, 1, 0.3, -2.6], 32);
  // floor: floor(log2 7.5) = 2 = emax(E2M1) -> X = 0. 7.5 -> past 7 (midpoint of 6 and 8) -> saturates to 6;
  // 0.3 -> nearer 0.5 than 0 (midpoint 0.25); -2.6 -> past the midpoint 2.5 of 2 and 3 -> -3.
  const floor = quantize(x, [32], { recipe: "mxfp4" }).rowwise;
  assert.deepEqual(head(floor.values, 4), [6, 1, 0.5, -3]);
  assert.deepEqual([[...floor.scales], [...floor.saturated], [...floor.flushed]], [[1], [1], [0]]);
  // rceil: fl(1/6) = 0x3e2aaaab; fl(7.5 · fl(1/6)) = 1.25 -> rounded up to 2 (X = 1).
  // 7.5/2 = 3.75 -> 4 (midpoint 3.5) -> 8; 1/2 = 0.5 -> 1; 0.3/2 = 0.15 < 0.25 -> 0 (flushed); -2.6/2 = -1.3 -> -1.5 -> -3.
  const rceil = quantize(x, [32], { recipe: "mxfp4", scaleRule: "rceil" }).rowwise;
  assert.deepEqual(head(rceil.values, 4), [8, 1, 0, -3]);
  assert.deepEqual([[...rceil.scales], [...rceil.saturated], [...rceil.flushed]], [[2], [0], [1]]);
});

test("MX ties go to the even element code; an all-zero block gets X = -127; a NaN or Inf makes its block NaN", () => {
  // amax 5 -> X = 0. 2.5 is the tie of 2 (code 4) and 3 (code 5) -> 2; 0.75 of 0.5 (1) and 1 (2) -> 1; 5 of 4 (6) and 6 (7) -> 4
  const ties = quantize(pad([2.5, 0.75, 5, -2.5], 32), [32], { recipe: "mxfp4" }).rowwise;
  assert.deepEqual(head(ties.values, 4), [2, 1, 4, -2]);
  assert.deepEqual(head(Float32Array.from(ties.codes), 4), [4, 2, 6, 0x8 | 4]);
  for (const scaleRule of ["floor", "rceil"] as const) {
    const zero = quantize(pad([-0], 32), [32], { recipe: "mxfp8", scaleRule }).rowwise;
    assert.deepEqual([...zero.scaleCodes!], [0], `${scaleRule}: E8M0 code 0 = 2^-127`);
    assert.equal(zero.scales[0], 2 ** -127);
    assert.ok(Object.is(zero.values[0], -0), "a negative zero stays negative");
    for (const bad of [NaN, Infinity, -Infinity]) {
      const q = quantize([...pad([1, bad], 32), ...pad([1], 32)], [64], { recipe: "mxfp6", scaleRule }).rowwise;
      assert.deepEqual([...q.scaleCodes!], [0xff, 127 - 2], `${scaleRule} ${bad}: NaN scale, then 2^(0-2) for amax 1 (emax(E2M3) = 2)`);
      assert.ok(head(q.values, 32).every(Number.isNaN), "every value of the block is NaN");
      assert.equal(q.values[32], 1);
    }
  }
});

test("MX rceil where amax / max_elem is an fp32 subnormal: up only when above 2^-127 (torchao _f32_to_e8m0_rceil)", () => {
  // E2M1: amax = 6 · 2^-127 = 1.5 · 2^-125; fl(amax · fl(1/6)) = 2^-127 (fp32 bits 0x00400000): not above 2^-127 -> code 0.
  // amax 1.25 times that: 1.25 · 2^-127 (0x00500000) -> up to 2^-126, code 1. Floor gives X = -125 - 2 = -127 for both.
  const x = [...pad([6 * 2 ** -127], 32), ...pad([7.5 * 2 ** -127], 32)];
  assert.deepEqual([...quantize(x, [64], { recipe: "mxfp4", scaleRule: "rceil" }).rowwise.scaleCodes!], [0, 1]);
  assert.deepEqual([...quantize(x, [64], { recipe: "mxfp4" }).rowwise.scaleCodes!], [0, 0]);
});

test("NVFP4: a trace through the tensor scale, two E4M3 block scales and the dequantisation", () => {
  const x = [...pad([10.5, 5.25, -1, 0.1], 16), ...pad([0.7, 0.35], 16)];
  const q = quantize(x, [1, 32], { recipe: "nvfp4" }).rowwise;
  // tensor amax 10.5: S_enc = 2688 / 10.5 = 256, S_dec = 1/256, blockMultiplier = fl(256 · fl(1/6)) = 42.666668
  assert.equal(q.tensorScale, 1 / 256);
  // block 0: amax 10.5 · 42.666668 = 448.0000134 -> fp32 448 -> E4M3 448. blockEncode = fl(1 / fl(448/256)) = fl(1/1.75).
  //   10.5 -> fl(10.5 · 0.57142860) = 6.0000005 -> E2M1 6 -> 6 · 448 / 256 = 10.5
  //   5.25 -> 3.0000002 -> 3 -> 5.25;  -1 -> -0.5714286 -> -0.5 (midpoint 0.75) -> -0.875;  0.1 -> 0.0571 -> 0 (flushed)
  // block 1: amax fl(0.7) · 42.666668 = 29.866667 -> E4M3 (steps of 2 in [16, 32)) 30. blockEncode = fl(1 / fl(30/256)) = 8.5333328.
  //   0.7 -> 5.9733329 -> 6 (past the midpoint 5) -> 6 · 30 / 256 = 0.703125;  0.35 -> 2.9866665 -> 3 -> 0.3515625
  assert.deepEqual([...q.scales], [448, 30]);
  assert.deepEqual([...q.scaleCodes!], [0x7e, 0x5f]);
  assert.deepEqual(head(q.values, 4), [10.5, 5.25, -0.875, 0]);
  assert.deepEqual([...q.values.slice(16, 18)], [0.703125, 0.3515625]);
  assert.deepEqual([...q.flushed], [1, 0]);
});

test("NVFP4 non-finite and zero amax, as Transformer Engine's kernel: Inf saturates, NaN poisons the tensor scale", () => {
  const inf = quantize([...pad([Infinity, 3], 16), ...pad([1], 16)], [1, 32], { recipe: "nvfp4" }).rowwise;
  // amax Inf -> S_enc = 1. Block 0: Inf · fl(1/6) = Inf -> fminf -> fp32 max -> E4M3 saturates to 448; Inf · fl(1/448) -> ±6
  // (satfinite) -> 6 · 448 = 2688; 3 · fl(1/448) = 0.0067 -> 0. Block 1: fl(1/6) -> E4M3 0.171875 (steps of 2^-6) ->
  // 1 · fl(1/0.171875) = 5.818 -> 6 -> fl(6 · 0.171875) = 1.03125.
  assert.equal(inf.tensorScale, 1);
  assert.deepEqual([...inf.scales], [448, 0.171875]);
  assert.deepEqual([inf.values[0], inf.values[1], inf.values[16]], [2688, 0, 1.03125]);
  const nan = quantize([...pad([NaN, 3], 16), ...pad([1], 16)], [1, 32], { recipe: "nvfp4" }).rowwise;
  // amax NaN -> 2688/NaN = NaN -> fminf -> fp32 max; S_dec = fl(1/fp32 max) = 2^-128 · (1 + 2^-23)^-1 ~ 2.9387e-39.
  // Block 0 scale NaN -> all NaN. Block 1: fl(1 · fl(fp32max/6)) -> E4M3 saturates to 448 -> 1 -> 6 -> 2688 · S_dec.
  assert.equal(nan.tensorScale, Math.fround(1 / 3.4028234663852886e38));
  assert.ok(Number.isNaN(nan.scales[0]!) && head(nan.values, 16).every(Number.isNaN));
  assert.equal(nan.scales[1], 448);
  assert.equal(nan.values[16], Math.fround(2688 * nan.tensorScale));
  const zero = quantize(new Float32Array(32), [1, 32], { recipe: "nvfp4" }).rowwise;
  // amax 0: S_enc = 1; every block amax 0 -> E4M3 0 -> blockEncode = min(1/0, max) = fp32 max; 0 · max = 0
  assert.equal(zero.tensorScale, 1);
  assert.deepEqual([...zero.scales], [0, 0]);
  assert.ok(zero.values.every((v) => v === 0));
});

test("blockwise: fp32 scales 448/amax per 1x128 tile, optionally a power of two; non-finite tiles get scale 1", () => {
  const x = new Float32Array(384);
  x.set([3.5, 0.01, -1], 0); x[128] = 3; x[256] = Infinity; x[257] = 2;
  const q = quantize(x, [1, 384], { recipe: "blockwise" }).rowwise;
  // tile 0: s = 448 / 3.5 = 128, decode fl(1/128): 3.5 -> 448 -> 3.5; 0.01 -> fl(1.28) -> E4M3 1.25 (steps 1/8) -> 0.009765625
  assert.deepEqual([...q.scales.slice(0, 1)], [1 / 128]);
  assert.deepEqual(head(q.values, 3), [3.5, 0.009765625, -1]);
  // tile 2: amax Inf -> s = 1 (TE); Inf -> satfinite 448; 2 -> 2
  assert.equal(q.scales[2], 1);
  assert.deepEqual([q.values[256], q.values[257]], [448, 2]);
  // tile 1, amax 3: s = fl(448/3) = 149.33333 (decode fl(1/s)); with powerOfTwoScales s = 128 and 3 -> 384 -> 3 exactly
  assert.equal(q.scales[1], Math.fround(1 / Math.fround(448 / 3)));
  const p2 = quantize(x, [1, 384], { recipe: "blockwise", powerOfTwoScales: true }).rowwise;
  assert.equal(p2.scales[1], 1 / 128);
  assert.equal(p2.values[128], 3);
  // a 2D weight: one 128x128 block for a 100x130 weight's first block, its amax over the whole block
  const w = new Float32Array(100 * 130);
  w[99 * 130 + 127] = 7; w[0] = 1;
  const qw = quantize(w, [100, 130], { recipe: "blockwise" }, { role: "weight" }).rowwise;
  assert.deepEqual([qw.blockRows, qw.blockCols], [1, 2]);
  assert.deepEqual([...qw.amax], [7, 0]);
});

test("every recipe: the element codes inside the blocks are ml_dtypes' codes of fl(x · blockEncode) (saturated)", () => {
  const r = mulberry32(9);
  const n = 64 * 128;
  const x = Float32Array.from({ length: n }, (_, i) => ((r() / 2 ** 32) - 0.5) * 2 ** ((i % 13) - 6));
  const recipes: BlockRecipeInput[] = [
    { recipe: "mxfp8" }, { recipe: "mxfp8", element: "e5m2", scaleRule: "rceil" }, { recipe: "mxfp6" }, { recipe: "mxfp6", element: "e3m2" },
    { recipe: "mxfp4", scaleRule: "rceil" }, { recipe: "nvfp4" }, { recipe: "blockwise" }, { recipe: "blockwise", element: "e5m2" },
  ];
  for (const recipe of recipes) {
    const q = quantize(x, [64, 128], recipe, { role: "weight" }).rowwise;
    const e = FORMATS[q.plan.element];
    const ys = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const blk = Math.floor(Math.floor(i / 128) / q.plan.block[0]) * q.blockCols + Math.floor((i % 128) / q.plan.block[1]);
      const s = q.scales[blk]!;
      // blockEncode, recomputed from each recipe's rule: MX 1/scale (a power of two); NVFP4 min(fl(1/fl(s_b · S_dec)), max);
      // blockwise fl(max_elem / amax) (1 for a zero block)
      const amax = q.amax[blk]!;
      const enc = q.plan.kind === "mx" ? 1 / s : q.plan.kind === "blockwise" ? (amax > 0 ? Math.fround(e.max / amax) : 1) : Math.min(3.4028234663852886e38, Math.fround(1 / Math.fround(s * q.tensorScale)));
      ys[i] = Math.fround(x[i]! * enc);
    }
    const want = referenceCodes(q.plan.element as ElementFormat, new Uint32Array(ys.buffer));
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const mag = want[i]! & (e.signBit - 1);
      const sat = mag === e.infBits || (e.infBits === null && mag === e.nanBits) ? (want[i]! & e.signBit) | e.maxBits : want[i]!;
      if (sat !== q.codes[i]) bad++;
    }
    assert.equal(bad, 0, `${JSON.stringify(recipe)}: ${bad} codes differ from ml_dtypes`);
  }
});

test("columnwise is the transpose quantised on its own; 16x16 weight blocks give the same values both ways", () => {
  const r = mulberry32(3);
  const x = Float32Array.from({ length: 48 * 64 }, () => (r() / 2 ** 32 - 0.5) * 10);
  const q = quantize(x, [48, 64], { recipe: "mxfp8" });
  const t = quantize(transpose(x, 48, 64), [64, 48], { recipe: "mxfp8" }, { columnwise: false });
  assert.deepEqual(q.columnwise!.values, t.rowwise.values);
  assert.notDeepEqual(transpose(q.rowwise.values, 48, 64), q.columnwise!.values, "1x32 blocks along rows and along columns differ");
  const w = quantize(x, [48, 64], { recipe: "nvfp4" }, { role: "weight" });
  assert.deepEqual(transpose(w.rowwise.values, 48, 64), w.columnwise!.values, "2D blocks: the same quantised weight forward and backward");
  assert.deepEqual([w.rowwise.blockRows, w.rowwise.blockCols], [3, 4]);
});

test("the Hadamard transform: fp32 sums within a few ulps of fp64, orthogonal, and the weight-gradient product kept", () => {
  const r = mulberry32(5);
  const rows = 3, cols = 40; // two full chunks and a trailing 8 left alone
  const x = Float32Array.from({ length: rows * cols }, () => r() / 2 ** 32 - 0.5);
  const h = hadamard16(x, rows, cols);
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < 32; j++) {
      const c0 = j - (j % 16);
      let exact = 0, mag = 0;
      for (let i = 0; i < 16; i++) { exact += 0.25 * hadamardSign(i, j % 16) * x[row * cols + c0 + i]!; mag += 0.25 * Math.abs(x[row * cols + c0 + i]!); }
      assert.ok(Math.abs(h[row * cols + j]! - exact) <= 16 * 2 ** -24 * mag, `row ${row} col ${j}`);
    }
    for (let j = 32; j < 40; j++) assert.equal(h[row * cols + j], x[row * cols + j]);
  }
  // orthogonal: |Mx| = |x| per chunk (fp64 of the fp32 results, within rounding)
  let nx = 0, nh = 0;
  for (let i = 0; i < 16; i++) { nx += x[i]! ** 2; nh += h[i]! ** 2; }
  assert.ok(Math.abs(nx - nh) < 1e-6 * nx);
  // (dYᵀM)(XᵀM)ᵀ = dYᵀX: transform both along the contraction dimension (length 32)
  const dy = Float32Array.from({ length: 32 * 2 }, () => r() / 2 ** 32 - 0.5), xin = Float32Array.from({ length: 32 * 3 }, () => r() / 2 ** 32 - 0.5);
  const dyT = hadamard16(transpose(dy, 32, 2), 2, 32), xT = hadamard16(transpose(xin, 32, 3), 3, 32);
  for (let o = 0; o < 2; o++) for (let k = 0; k < 3; k++) {
    let plain = 0, transformed = 0;
    for (let t = 0; t < 32; t++) { plain += dy[t * 2 + o]! * xin[t * 3 + k]!; transformed += dyT[o * 32 + t]! * xT[k * 32 + t]!; }
    assert.ok(Math.abs(plain - transformed) < 1e-6, `dW[${o}][${k}]: ${plain} vs ${transformed}`);
  }
});

test("quantize refuses bad input before any work, naming the field and what is allowed", () => {
  assert.throws(() => quantize([1], [1], { recipe: "mxfp3" } as never), /recipe must be one of "mxfp8", "mxfp6", "mxfp4", "nvfp4", "blockwise"/);
  assert.throws(() => quantize([1], [1], { recipe: "mxfp8", element: "e2m1" } as never), /mxfp8 element must be "e4m3" or "e5m2"/);
  assert.throws(() => quantize([1], [1], { recipe: "mxfp4", scaleRule: "ceil" } as never), /scaleRule must be "floor" \(OCP MX\) or "rceil"/);
  assert.throws(() => quantize([1], [1], { recipe: "nvfp4", hadamardSize: 16 } as never), /nvfp4 recipe has unknown key "hadamardSize"; allowed: recipe, weightBlocks, hadamard, gradientRounding/);
  assert.throws(() => quantize([1, 2], [3], { recipe: "mxfp8" }), /shape \[3\] holds 3 values, values has 2/);
  assert.throws(() => quantize([1], [0], { recipe: "mxfp8" }), /shape must be a non-empty array of positive integers/);
  assert.throws(() => quantize([1], [1], { recipe: "mxfp8" }, { role: "bias" as never }), /role must be one of "activation", "weight", "gradient"/);
  assert.throws(() => quantize([1], [1], { recipe: "blockwise", blockSize: 0 }), /blockSize must be an integer from 1 to 1024/);
});

test("stochastic rounding of gradients: deterministic per seed, the columnwise layout on its own stream, unbiased over seeds", () => {
  // every 1x16 block holds a 6: S_enc = 2688/6 = 448, s_b = E4M3(fl(6 · fl(448 · fl(1/6)))) = 448, blockEncode =
  // fl(1 / fl(448 · fl(1/448))) = 1, so y = fl(2.6) lies between the E2M1 codes 4 (2) and 5 (3), 0.6 of the way up
  const x = Float32Array.from({ length: 16 * 16 }, (_, i) => (i % 16 === 0 ? 6 : 2.6));
  const recipe = { recipe: "nvfp4", hadamard: false } as const;
  const a = quantize(x, [16, 16], recipe, { role: "gradient", seed: 5 });
  const b = quantize(x, [16, 16], recipe, { role: "gradient", seed: 5 });
  assert.deepEqual(a.rowwise.codes, b.rowwise.codes);
  assert.deepEqual([...a.rowwise.scales], Array(16).fill(448));
  assert.notEqual(a.rowwise.plan.seed, a.columnwise!.plan.seed);
  const up = (codes: Uint8Array) => codes.filter((c, i) => i % 16 !== 0 && c === 5).length;
  assert.ok(a.rowwise.codes.every((c, i) => i % 16 === 0 ? c === 7 : c === 4 || c === 5), "each 2.6 goes to 2 or 3");
  let ups = 0, count = 0;
  for (let seed = 0; seed < 64; seed++) {
    const q = quantize(x, [16, 16], recipe, { role: "gradient", seed, columnwise: false });
    ups += up(q.rowwise.codes); count += 240;
  }
  const p = Math.fround(2.6) - 2, sigma = Math.sqrt(p * (1 - p)); // one rounding of 2.6 between 2 and 3
  assert.ok(Math.abs(ups / count - p) < (6 * sigma) / Math.sqrt(count), `share rounded up ${ups / count}, want ${p}`);
  const nearest = quantize(x, [16, 16], { ...recipe, gradientRounding: "nearest" }, { role: "gradient" });
  assert.equal(up(nearest.rowwise.codes), 240, "round to nearest always gives 3: biased by 0.4");
});

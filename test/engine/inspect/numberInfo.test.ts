// Hover numbers: fp16/bf16 values, bits and kinds checked against hand-derived encodings.
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeNumber, formatNumberInfo, numberAt } from "../../../engine/inspect/numberInfo.js";

test("describeNumber: values, bits, errors and kinds in fp16 and bf16", () => {
  const tenth = describeNumber(0.1);
  // fp16: 0.1 = 1.6 · 2^-4 -> mantissa round(0.6 · 1024) = 614 = 0x266, exponent 11 -> 0x2e66 = 0.0999755859375
  assert.deepEqual([tenth.fp16.value, tenth.fp16.bits, tenth.fp16.kind], [0.0999755859375, "0x2e66", "normal"]);
  // bf16: fp32 0x3dcccccd, low half 0xcccd > 0x8000 rounds up -> 0x3dcd = 0.10009765625
  assert.deepEqual([tenth.bf16.value, tenth.bf16.bits], [0.10009765625, "0x3dcd"]);
  assert.equal(tenth.fp16.absError, Math.abs(0.0999755859375 - Math.fround(0.1)));
  assert.deepEqual([describeNumber(1).fp16.bits, describeNumber(1).bf16.bits, describeNumber(1).fp16.absError], ["0x3c00", "0x3f80", 0]);
  // 65519 rounds down to 65504; 65520 is the tie to 65536, beyond the range: Inf
  assert.deepEqual([describeNumber(65519).fp16.value, describeNumber(65519).fp16.kind], [65504, "normal"]);
  const big = describeNumber(65520);
  assert.deepEqual([big.fp16.value, big.fp16.kind, big.fp16.relError, big.bf16.kind, big.bf16.value], [Infinity, "overflow", Infinity, "normal", 65536]);
  // 1e-5 / 2^-24 = 167.77 -> 168 · 2^-24, subnormal
  const sub = describeNumber(1e-5);
  assert.deepEqual([sub.fp16.value, sub.fp16.kind, sub.fp16.bits], [168 * 2 ** -24, "subnormal", "0x00a8"]);
  // below 2^-25 everything rounds to zero in fp16, not in bf16
  const tiny = describeNumber(1e-8);
  assert.deepEqual([tiny.fp16.value, tiny.fp16.kind, tiny.fp16.relError, tiny.bf16.kind], [0, "underflow", 1, "normal"]);
  assert.equal(describeNumber(0).fp16.kind, "zero");
  assert.equal(describeNumber(-Infinity).bf16.kind, "inf");
  const md = formatNumberInfo(big);
  assert.match(md, /\| fp16 \| Infinity \| 0x7c00 \| ∞ \| overflows to Inf \|/);
  assert.match(formatNumberInfo(sub), /\| fp16 \| 0\.000010013580322265625 \| 0x00a8 \| [0-9.e-]+ \(0\.136%\) \| subnormal/);
});

test("numberAt finds the literal under the cursor, and not inside identifiers", () => {
  const t = "scaler = staticScaler(1.5e-3); x1 = a-1; f(-2, 0x10, 1_000)";
  const at = (s: string, k = 0) => numberAt(t, t.indexOf(s) + k);
  assert.deepEqual(at("1.5e-3", 3), { start: t.indexOf("1.5e-3"), end: t.indexOf("1.5e-3") + 6, value: 0.0015 });
  assert.equal(at("x1", 1), null);
  assert.deepEqual(at("a-1", 2)?.value, 1);
  assert.deepEqual(at("-2", 1)?.value, -2);
  assert.deepEqual(at("0x10", 2)?.value, 16);
  assert.deepEqual(at("1_000", 4)?.value, 1000);
  assert.equal(at("scaler", 2), null);
});

test("describeNumber: E4M3 and E5M2 values and bits beside fp16 and bf16 (the layout by hand)", () => {
  const tenth = describeNumber(0.1);
  // 0.1 = 1.6 · 2^-4: E4M3 exponent 3 (bias 7), mantissa 0.625 -> 101: 0 0011 101 = 0x1d = 0.1015625
  assert.deepEqual([tenth.e4m3.value, tenth.e4m3.bits, tenth.e4m3.kind], [0.1015625, "0x1d", "normal"]);
  // E5M2: exponent 11 (bias 15), 1.6 -> 1.5 (10): 0 01011 10 = 0x2e = 0.09375
  assert.deepEqual([tenth.e5m2.value, tenth.e5m2.bits], [0.09375, "0x2e"]);
  const big = describeNumber(500);
  assert.ok(Number.isNaN(big.e4m3.value));
  assert.equal(big.e4m3.kind, "overflow");
  assert.deepEqual([big.e5m2.value, big.e5m2.bits], [512, "0x60"]);
  assert.deepEqual([describeNumber(2 ** -10).e4m3.kind, describeNumber(2 ** -10).e4m3.value], ["underflow", 0]);
  assert.deepEqual([describeNumber(2 ** -9).e4m3.kind, describeNumber(2 ** -9).e4m3.bits], ["subnormal", "0x01"]);
  const md = formatNumberInfo(big);
  assert.match(md, /\| fp8 E4M3 \| NaN \| 0x7f \| ∞ \| beyond ±448: NaN \(±448 saturating\) \|/);
  assert.match(md, /\| fp8 E5M2 \| 512 \| 0x60 \|/);
});

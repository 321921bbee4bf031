// Stochastic rounding on the CPU reference, against the definition written out in fp64:
// the two neighbours of |x| are found in the format's own value table (not by the
// encoder), and the result must be the upper one exactly when the random bits r are
// below floor(frac · 2^32), frac = (|x| - down) / (up - down). Then: deterministic for
// a seed, and unbiased: the mean of many roundings of one value converges to it (fixed
// seeds, so the bound is checked on fixed data and cannot flake).
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeBits, ELEMENT_FORMATS, encodeBits, FORMATS, type ElementFormat } from "../../../engine/numerics/formats.js";
import { randomBits } from "../../../engine/numerics/randomBits.js";
import { roundArray, roundTo } from "../../../engine/numerics/round.js";
import { edgeInputs, f32OfBits, positiveValues } from "./formatInputs.js";

/** The neighbours of a ≥ 0 in the value table: [down, up]; up is undefined past the largest value. */
function neighbours(values: number[], a: number): [number, number | undefined] {
  let lo = 0, hi = values.length - 1;
  if (a >= values[hi]!) return [values[hi]!, a === values[hi] ? values[hi] : undefined];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= a) lo = mid;
    else hi = mid;
  }
  return values[lo] === a ? [a, a] : [values[lo]!, values[hi]!];
}

for (const format of ELEMENT_FORMATS) {
  const f = FORMATS[format];
  test(`${format}: stochastic rounding goes up exactly when r < floor(frac · 2^32), to one of the two neighbours`, () => {
    const values = positiveValues(format);
    const inputs = edgeInputs(format, 4000, 5);
    let checked = 0;
    for (const b of inputs) {
      const x = f32OfBits(b);
      if (!Number.isFinite(x) || (format === "e8m0" && !(x > 0))) continue;
      const a = Math.abs(x);
      if (format === "e8m0" && a <= 2 ** -127) {
        for (const r of [0, 0xffffffff]) assert.equal(encodeBits(b, f, false, r), 0, "nothing below 2^-127: it is the only choice");
        continue;
      }
      const [down, up] = neighbours(values, a);
      const sign = b >>> 31 ? -1 : 1;
      const value = (r: number, sat: boolean) => decodeBits(encodeBits(b, f, sat, r), f);
      if (up === down) {
        for (const r of [0, 12345, 0xffffffff]) assert.ok(Object.is(value(r, false), sign * a), `${format} ${x}: exact values stay`);
        continue;
      }
      if (up === undefined) {
        // past the largest value: a step beyond it would overflow; saturating gives ±max
        assert.equal(value(0, true), sign * f.max);
        continue;
      }
      const F = Math.floor(((a - down) / (up - down)) * 2 ** 32);
      assert.ok(F < 2 ** 32, `${format} ${x}: strictly between neighbours`);
      if (F === 0) {
        // less than 2^-32 of a step above `down`: the 32 random bits cannot round it up (the documented bias)
        assert.ok(Object.is(value(0, false), sign * down), `${format} ${x}: frac below 2^-32 stays down`);
        continue;
      }
      assert.ok(Object.is(value(F - 1, false), sign * up), `${format} ${x}: r = F-1 rounds up to ${up}`);
      assert.ok(Object.is(value(F, false), sign * down), `${format} ${x}: r = F rounds down to ${down}`);
      assert.ok(Object.is(value(0xffffffff, false), sign * down));
      checked++;
    }
    assert.ok(checked > 1000, `${checked} inputs between two neighbours`);
  });
}

test("stochastic rounding is deterministic for a seed and index, and differs across indices and seeds", () => {
  const x = 1 + 2 ** -9;
  const a = roundTo(x, "bf16", { rounding: "stochastic", seed: 42, index: 7 });
  assert.equal(roundTo(x, "bf16", { rounding: "stochastic", seed: 42, index: 7 }), a);
  const arr = Float32Array.from({ length: 4096 }, () => x);
  const one = roundArray(arr, "bf16", { rounding: "stochastic", seed: 42 });
  const two = roundArray(arr, "bf16", { rounding: "stochastic", seed: 42 });
  assert.deepEqual(one.codes, two.codes);
  assert.equal(one.values[7], a, "roundArray's element i draws index i");
  const other = roundArray(arr, "bf16", { rounding: "stochastic", seed: 43 });
  assert.ok(one.codes.some((c, i) => c !== other.codes[i]));
});

test("the random bits look uniform: the 16 top-nibble bins of 65536 draws per seed are within chi-square 60 (15 dof)", () => {
  for (const seed of [0, 1, 2, 0xffffffff]) {
    const bins = new Array(16).fill(0);
    for (let i = 0; i < 65536; i++) bins[randomBits(seed, i) >>> 28]++;
    const chi = bins.reduce((s, n) => s + (n - 4096) ** 2 / 4096, 0);
    assert.ok(chi < 60, `seed ${seed}: chi-square ${chi.toFixed(1)}`);
  }
});

const UNBIASED: [ElementFormat, number][] = [
  ["bf16", 1 + 2 ** -10], ["bf16", -3.14159], ["f16", 1e-6], ["e4m3", 0.3], ["e5m2", 1000.5],
  ["e2m1", 2.6], ["e2m1", 0.1], ["e2m3", 5.3], ["e3m2", 0.07], ["e8m0", 0.3], ["e8m0", 100],
];
for (const [format, x] of UNBIASED) {
  test(`${format}: the mean of 2^16 stochastic roundings of ${x} is x within 6 standard errors (fixed seeds)`, () => {
    const n = 1 << 16;
    const arr = Float32Array.from({ length: n }, () => x);
    const x32 = Math.fround(x);
    const [down, up] = neighbours(positiveValues(format), Math.abs(x32));
    const p = (Math.abs(x32) - down) / (up! - down);
    const sigma = (up! - down) * Math.sqrt(p * (1 - p)); // one rounding's standard deviation
    for (const seed of [1, 2024]) {
      const { values } = roundArray(arr, format, { rounding: "stochastic", seed });
      let sum = 0;
      for (const v of values) sum += v;
      const err = Math.abs(sum / n - x32);
      assert.ok(err <= (6 * sigma) / Math.sqrt(n), `seed ${seed}: mean off by ${err}, bound ${(6 * sigma) / Math.sqrt(n)}`);
      // nearest rounding of the same value is off by the whole distance to the nearer neighbour
      const nearest = roundTo(x32, format);
      if (Math.abs(nearest - x32) > (6 * sigma) / Math.sqrt(n)) assert.ok(err < Math.abs(nearest - x32));
    }
  });
}

// E4M3 / E5M2 against the definition: an fp64 grid rounding (reference.ts) and the
// bit layout written out by hand; every pattern, the edges the issue names, random inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FP8, amaxOf, fp8Bits, fromFp8Bits, overflowsFp8, roundFp8, type Fp8Format } from "../../../engine/numerics/fp8.js";
import { f32FromBits, mulberry32, roundToGrid } from "./reference.js";

const DEF = {
  e4m3: { minNormalExp: -6, mantissaBits: 3, max: 448 },
  e5m2: { minNormalExp: -14, mantissaBits: 2, max: 57344 },
} as const;

/** The fp64 reference: grid rounding of the fp32 input; beyond max -> ±max or the format's overflow value. */
function ref(f: Fp8Format, x: number, saturate: boolean): number {
  const x32 = Math.fround(x);
  if (Number.isNaN(x32)) return NaN;
  if (!Number.isFinite(x32)) return f === "e4m3" ? NaN : x32;
  const r = roundToGrid(x32, DEF[f]);
  if (Number.isFinite(r)) return r;
  if (saturate) return Math.sign(r) * DEF[f].max;
  return f === "e4m3" ? NaN : r;
}

/** Value of a pattern from the bit layout (sign, exponent, mantissa) by hand. */
function valueByHand(f: Fp8Format, bits: number): number {
  const [eb, mb, bias] = f === "e4m3" ? [4, 3, 7] : [5, 2, 15];
  const sign = bits & 0x80 ? -1 : 1;
  const e = (bits >> mb) & ((1 << eb) - 1), m = bits & ((1 << mb) - 1);
  if (f === "e4m3" && e === 15 && m === 7) return NaN;
  if (f === "e5m2" && e === 31) return m ? NaN : sign * Infinity;
  return e === 0 ? sign * m * 2 ** (1 - bias - mb) : sign * (1 + m / 2 ** mb) * 2 ** (e - bias);
}

const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);

for (const f of ["e4m3", "e5m2"] as const) {
  test(`${f}: all 256 patterns decode as the layout says and round trip (both modes)`, () => {
    let nans = 0;
    for (let bits = 0; bits < 256; bits++) {
      const v = fromFp8Bits(f, bits);
      assert.ok(same(v, valueByHand(f, bits)), `0x${bits.toString(16)}: ${v}`);
      if (Number.isNaN(v)) {
        nans++;
        for (const sat of [true, false]) assert.equal(fp8Bits(f, v, sat) & 0x7f, FP8[f].nanBits);
        continue;
      }
      for (const sat of [true, false]) {
        // ±Inf (e5m2) stays Inf in both modes: saturation applies to finite values only
        assert.equal(fp8Bits(f, v, sat), bits, `0x${bits.toString(16)} (${v}) saturate=${sat}`);
        assert.ok(same(roundFp8(f, v, sat), v));
      }
    }
    assert.equal(nans, f === "e4m3" ? 2 : 6); // e4m3: only S.1111.111; e5m2: S.11111.{01,10,11}
  });

  test(`${f}: the spec's constants`, () => {
    const s = FP8[f];
    assert.equal(fromFp8Bits(f, s.maxBits), s.max);
    assert.equal(fromFp8Bits(f, 1), s.minSubnormal);
    assert.equal(fromFp8Bits(f, 1 << s.mbits), s.minNormal);
    assert.equal(s.max, DEF[f].max);
    assert.equal(s.minNormal, 2 ** DEF[f].minNormalExp);
  });

  test(`${f}: 300,000 random fp32 inputs (all exponents) round as the fp64 reference, both modes`, () => {
    const r = mulberry32(f === "e4m3" ? 8 : 9);
    for (let i = 0; i < 300_000; i++) {
      // half fully random patterns, half with an exponent near the fp8 range
      const raw = r();
      const bits = i % 2 ? raw : (raw & 0x807fffff) | ((100 + (r() % 50)) << 23);
      const x = f32FromBits(bits);
      for (const sat of [true, false]) {
        const got = roundFp8(f, x, sat), want = ref(f, x, sat);
        if (!same(got, want)) assert.fail(`0x${(bits >>> 0).toString(16)} (${x}) sat=${sat}: got ${got}, want ${want}`);
      }
    }
  });

  test(`${f}: every midpoint between neighbours (subnormal ties included) goes to the even pattern`, () => {
    for (let bits = 0; bits < 0x7f; bits++) {
      const lo = fromFp8Bits(f, bits), hi = fromFp8Bits(f, bits + 1);
      if (!Number.isFinite(hi) || Number.isNaN(hi)) continue;
      const mid = (lo + hi) / 2; // exact in fp32
      const even = bits % 2 === 0 ? bits : bits + 1;
      assert.equal(fp8Bits(f, mid, false), even, `midpoint of 0x${bits.toString(16)} and its successor`);
      assert.equal(fp8Bits(f, -mid, false), 0x80 | even);
      assert.equal(fp8Bits(f, Math.fround(mid * (1 + 2 ** -20)), false), bits + 1);
      assert.equal(fp8Bits(f, Math.fround(mid * (1 - 2 ** -20)), false), bits);
    }
  });
}

test("e4m3 edges: 464 rounds to 448 and anything larger overflows (NaN, or 448 saturating)", () => {
  assert.equal(roundFp8("e4m3", 464, false), 448);
  const above = f32FromBits(0x43e80001); // the next fp32 after 464
  assert.ok(above > 464);
  assert.ok(Number.isNaN(roundFp8("e4m3", above, false)));
  assert.equal(roundFp8("e4m3", above, true), 448);
  assert.equal(roundFp8("e4m3", -1e30, true), -448);
  assert.ok(overflowsFp8("e4m3", above) && !overflowsFp8("e4m3", 464));
  assert.ok(Number.isNaN(roundFp8("e4m3", Infinity, true)), "Inf stays non-finite: e4m3 has only NaN");
  // subnormals: 2^-10 is the tie between 0 and 2^-9 (-> 0), 3*2^-10 between 2^-9 and 2^-8 (-> 2^-8)
  assert.ok(Object.is(roundFp8("e4m3", 2 ** -10, false), 0));
  assert.ok(Object.is(roundFp8("e4m3", -(2 ** -10), false), -0));
  assert.equal(roundFp8("e4m3", 3 * 2 ** -10, false), 2 ** -8);
  assert.equal(roundFp8("e4m3", Math.fround(2 ** -10 * (1 + 2 ** -23)), false), 2 ** -9);
});

test("e5m2 edges: 61440 and up overflow (the tie goes to even as fp16's at 65520), Inf kept", () => {
  assert.equal(roundFp8("e5m2", Math.fround(61440 * (1 - 2 ** -23)), false), 57344);
  assert.equal(roundFp8("e5m2", 61440, false), Infinity);
  assert.equal(roundFp8("e5m2", -61440, false), -Infinity);
  assert.equal(roundFp8("e5m2", 61440, true), 57344);
  assert.equal(roundFp8("e5m2", -Infinity, true), -Infinity);
  assert.ok(overflowsFp8("e5m2", 61440) && !overflowsFp8("e5m2", 61439.99));
  // subnormal ties: 2^-17 -> 0 (even), 3 * 2^-17 -> 2^-15 (0x02, even)
  assert.equal(roundFp8("e5m2", 2 ** -17, false), 0);
  assert.equal(roundFp8("e5m2", 3 * 2 ** -17, false), 2 ** -15);
  assert.equal(fp8Bits("e5m2", NaN, false), 0x7e);
});

test("amaxOf orders by bit pattern: NaN beats Inf beats finite; 0 for an all-zero tensor", () => {
  assert.equal(amaxOf(Float32Array.of(1, -3, 2)), 3);
  assert.equal(amaxOf(Float32Array.of(0, -0)), 0);
  assert.equal(amaxOf(Float32Array.of(1, -Infinity)), Infinity);
  assert.ok(Number.isNaN(amaxOf(Float32Array.of(NaN, Infinity, 5))));
});

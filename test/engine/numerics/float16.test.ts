// fp16 conversion against the definition: every bit pattern, the boundaries, and
// 100k seeded random fp32 values against a reference written here in fp64.
import { test } from "node:test";
import assert from "node:assert/strict";
import { f16Bits, fromF16Bits, roundF16, roundF16Array, F16_MAX } from "../../../engine/numerics/float16.js";
import { mulberry32, f32FromBits, roundToGrid } from "./reference.js";

/** fp16 from the definition: exponent range [-14, 15], 10 fraction bits, subnormal step 2^-24. */
function refF16(x: number): number {
  return roundToGrid(x, { minNormalExp: -14, mantissaBits: 10, max: 65504 });
}

test("all 65,536 fp16 bit patterns round trip; NaNs stay NaN", () => {
  let nans = 0;
  for (let bits = 0; bits < 65536; bits++) {
    const v = fromF16Bits(bits);
    const isNaNPattern = (bits & 0x7c00) === 0x7c00 && (bits & 0x03ff) !== 0;
    if (isNaNPattern) {
      nans++;
      assert.ok(Number.isNaN(v), `bits ${bits.toString(16)}`);
      assert.ok(Number.isNaN(roundF16(v)));
      const back = f16Bits(v);
      assert.ok((back & 0x7c00) === 0x7c00 && (back & 0x03ff) !== 0, `NaN ${bits.toString(16)} -> ${back.toString(16)}`);
      continue;
    }
    assert.equal(f16Bits(v), bits, `bits ${bits.toString(16)} (value ${v})`);
    assert.ok(Object.is(roundF16(v), v));
    // the value from the bit layout
    const sign = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 31, m = bits & 1023;
    const expected = e === 31 ? sign * Infinity : e === 0 ? sign * m * 2 ** -24 : sign * (1 + m / 1024) * 2 ** (e - 15);
    assert.ok(Object.is(v, expected), `bits ${bits.toString(16)}: ${v} vs ${expected}`);
  }
  assert.equal(nans, 2 * 1023);
});

test("boundaries", () => {
  assert.equal(F16_MAX, 65504);
  assert.equal(roundF16(65504), 65504);
  assert.equal(roundF16(65519.99), 65504); // fp32(65519.99) = 65519.98828125 < 65520, the midpoint
  assert.equal(roundF16(65520), Infinity); // the midpoint to 2^16; ties to even (2^16) -> beyond range
  assert.equal(roundF16(-65520), -Infinity);
  assert.equal(roundF16(1e6), Infinity);
  assert.equal(roundF16(2 ** -14), 2 ** -14); // min normal
  assert.equal(roundF16(2 ** -24), 2 ** -24); // min subnormal
  assert.ok(Object.is(roundF16(2 ** -25), 0)); // tie between 0 and 2^-24: even -> 0
  assert.ok(Object.is(roundF16(-(2 ** -25)), -0));
  assert.equal(roundF16(3 * 2 ** -26), 2 ** -24); // 0.75 * 2^-24: nearer 2^-24
  assert.equal(roundF16(3 * 2 ** -25), 2 ** -23); // 1.5 * 2^-24: tie between 1 and 2 units -> 2 (even)
  assert.equal(roundF16(2 ** -25 * (1 + 2 ** -23)), 2 ** -24); // just above the tie
  assert.ok(Object.is(roundF16(-0), -0));
  assert.equal(f16Bits(-0), 0x8000);
  assert.equal(f16Bits(0), 0);
  assert.equal(roundF16(1 + 2 ** -11), 1); // tie between 1 and 1+2^-10: even -> 1
  assert.equal(roundF16(1 + 3 * 2 ** -11), 1 + 2 ** -9); // tie: 1+2^-10 (odd) vs 1+2^-9 (even)
  assert.ok(Number.isNaN(roundF16(NaN)));
  assert.equal(roundF16(Infinity), Infinity);
  assert.equal(f16Bits(Infinity), 0x7c00);
  assert.equal(f16Bits(-Infinity), 0xfc00);
});

test("100k random fp32 values match the fp64 reference (round to nearest even)", () => {
  const rand = mulberry32(12345);
  const xs = new Float32Array(100_000);
  for (let i = 0; i < xs.length; i++) {
    let bits = rand();
    // half of them with exponents near the fp16 range, so most of those round to a finite fp16
    if (i % 2 === 1) bits = (bits & 0x807fffff) | ((100 + (rand() % 46)) << 23);
    xs[i] = f32FromBits(bits);
  }
  const out = roundF16Array(xs, new Float32Array(xs.length));
  let finite = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], ref = refF16(x);
    const got = roundF16(x);
    if (Number.isNaN(ref)) {
      assert.ok(Number.isNaN(got) && Number.isNaN(out[i]), `x=${x}`);
      continue;
    }
    if (ref !== 0 && Number.isFinite(ref)) finite++;
    assert.ok(Object.is(got, ref), `x=${x}: got ${got}, reference ${ref}`);
    assert.ok(Object.is(out[i], ref), `array x=${x}: got ${out[i]}, reference ${ref}`);
    assert.ok(Object.is(fromF16Bits(f16Bits(x)), ref), `bits x=${x}`);
  }
  assert.ok(finite > 30_000, `only ${finite} values exercised finite rounding`);
});

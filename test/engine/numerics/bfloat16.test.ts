// bf16 conversion against the definition (see float16.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { bf16Bits, fromBf16Bits, roundBf16, roundBf16Array, BF16_MAX } from "../../../engine/numerics/bfloat16.js";
import { mulberry32, f32FromBits, roundToGrid } from "./reference.js";

const BF16_MAX_DEF = (2 - 2 ** -7) * 2 ** 127;
function refBf16(x: number): number {
  return roundToGrid(x, { minNormalExp: -126, mantissaBits: 7, max: BF16_MAX_DEF });
}

test("all 65,536 bf16 bit patterns round trip; NaNs stay NaN", () => {
  for (let bits = 0; bits < 65536; bits++) {
    const v = fromBf16Bits(bits);
    const sign = bits & 0x8000 ? -1 : 1, e = (bits >> 7) & 255, m = bits & 127;
    if (e === 255 && m !== 0) {
      assert.ok(Number.isNaN(v));
      const back = bf16Bits(v);
      assert.ok(((back >> 7) & 255) === 255 && (back & 127) !== 0, `NaN ${bits.toString(16)} -> ${back.toString(16)}`);
      continue;
    }
    const expected = e === 255 ? sign * Infinity : e === 0 ? sign * m * 2 ** -133 : sign * (1 + m / 128) * 2 ** (e - 127);
    assert.ok(Object.is(v, expected), `bits ${bits.toString(16)}: ${v} vs ${expected}`);
    assert.equal(bf16Bits(v), bits);
    assert.ok(Object.is(roundBf16(v), v));
  }
});

test("boundaries: overflow to Inf, subnormals, ties, NaN, signed zero", () => {
  assert.equal(BF16_MAX, BF16_MAX_DEF);
  assert.equal(roundBf16(BF16_MAX), BF16_MAX);
  assert.equal(roundBf16((2 - 2 ** -8) * 2 ** 127), Infinity); // the tie above max: even -> 2^128 -> Inf
  assert.equal(roundBf16((2 - 2 ** -8 - 2 ** -23) * 2 ** 127), BF16_MAX); // just below the tie
  assert.equal(roundBf16(3.4028234663852886e38), Infinity); // fp32 max
  assert.equal(roundBf16(-3.4028234663852886e38), -Infinity);
  assert.equal(roundBf16(2 ** -126), 2 ** -126); // min normal
  assert.equal(roundBf16(2 ** -133), 2 ** -133); // min subnormal
  assert.ok(Object.is(roundBf16(2 ** -134), 0)); // tie: even -> 0
  assert.ok(Object.is(roundBf16(-(2 ** -134)), -0));
  assert.equal(roundBf16(3 * 2 ** -135), 2 ** -133);
  assert.equal(roundBf16(1 + 2 ** -8), 1); // tie -> even
  assert.equal(roundBf16(1 + 3 * 2 ** -8), 1 + 2 ** -6);
  assert.ok(Object.is(roundBf16(-0), -0));
  assert.ok(Number.isNaN(roundBf16(NaN)));
  assert.equal(roundBf16(-Infinity), -Infinity);
  // a NaN whose payload sits only in the low 16 bits must not become Inf
  assert.ok(Number.isNaN(roundBf16(f32FromBits(0x7f800001))));
});

test("100k random fp32 values match the fp64 reference (round to nearest even)", () => {
  const rand = mulberry32(67890);
  const xs = new Float32Array(100_000);
  for (let i = 0; i < xs.length; i++) {
    let bits = rand();
    if (i % 4 === 1) bits &= 0x807fffff; // fp32 subnormals (bf16 subnormal range)
    if (i % 4 === 2) bits |= 0x7f000000; // the top binades (overflow path)
    xs[i] = f32FromBits(bits);
  }
  const out = roundBf16Array(xs, new Float32Array(xs.length));
  let inf = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], ref = refBf16(x), got = roundBf16(x);
    if (Number.isNaN(ref)) {
      assert.ok(Number.isNaN(got) && Number.isNaN(out[i]), `x=${x}`);
      continue;
    }
    if (!Number.isFinite(ref) && Number.isFinite(x)) inf++;
    assert.ok(Object.is(got, ref), `x=${x}: got ${got}, reference ${ref}`);
    assert.ok(Object.is(out[i], ref), `array x=${x}`);
  }
  assert.ok(inf > 10, `only ${inf} values overflowed`);
});

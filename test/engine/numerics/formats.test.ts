// Every element format against the real ml_dtypes 0.6 (numpy for float16): every code
// decodes to ml_dtypes' value, and every edge, tie and random fp32 input encodes to
// ml_dtypes' code, bit for bit. Saturating mode is ml_dtypes' code with a finite
// overflow replaced by ±max (ml_dtypes' astype does not saturate e4m3/e5m2/f16/bf16).
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeBits, ELEMENT_FORMATS, encodeBits, FORMATS, type ElementFormat } from "../../../engine/numerics/formats.js";
import { bitsOf, fromBits, roundArray, roundTo } from "../../../engine/numerics/round.js";
import { edgeInputs, f32BitsOf, f32OfBits } from "./formatInputs.js";
import { referenceCodes, referenceValues } from "./mlDtypes.js";

const hex = (n: number) => "0x" + (n >>> 0).toString(16);

/** What a saturating cast gives where ml_dtypes (not saturating) gave `ref` for the fp32 input `b`. */
function saturated(format: ElementFormat, b: number, ref: number): number {
  const f = FORMATS[format];
  const x = f32OfBits(b);
  if (!Number.isFinite(x)) return ref;
  if (format === "e8m0") return ref === 0xff && x > 0 ? 0xfe : ref;
  const mag = ref & (f.signBit - 1);
  const overflowed = mag === f.infBits || (f.infBits === null && mag === f.nanBits);
  return overflowed ? (ref & f.signBit) | f.maxBits : ref;
}

for (const format of ELEMENT_FORMATS) {
  const f = FORMATS[format];

  test(`${format}: every code decodes to ml_dtypes' fp32 value (${f.reference})`, () => {
    const codes = Uint16Array.from({ length: 2 ** f.bits }, (_, c) => c);
    const want = referenceValues(format, codes);
    let nans = 0;
    for (const c of codes) {
      const got = decodeBits(c, f), ref = f32OfBits(want[c]!);
      if (Number.isNaN(ref)) {
        nans++;
        assert.ok(Number.isNaN(got), `${format} code ${hex(c)}: ml_dtypes NaN, ours ${got}`);
      } else assert.equal(f32BitsOf(got), want[c], `${format} code ${hex(c)}: ours ${got}, ml_dtypes ${ref}`);
      assert.ok(Object.is(fromBits(c, format), got));
    }
    const expectNans = { e4m3: 2, e5m2: 6, e2m3: 0, e3m2: 0, e2m1: 0, e8m0: 1, f16: 2046, bf16: 254 }[format];
    assert.equal(nans, expectNans, `${format} NaN codes`);
  });

  test(`${format}: edge, tie and random fp32 inputs encode to ml_dtypes' codes, both saturation modes`, () => {
    const inputs = edgeInputs(format, 60_000, 11 + format.length);
    const want = referenceCodes(format, inputs);
    let ties = 0, mismatches: string[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const b = inputs[i]!;
      const got = encodeBits(b, f, false), gotSat = encodeBits(b, f, true);
      const x = f32OfBits(b);
      // a NaN input: ml_dtypes keeps some of its payload in the wide formats; ours writes the canonical NaN (a JS NaN has no payload)
      const ref = Number.isNaN(x) && f.nanBits !== null && format !== "e8m0" ? (want[i]! & f.signBit) | f.nanBits : want[i]!;
      if (got !== ref) mismatches.push(`${hex(b)} (${x}): ours ${hex(got)}, ml_dtypes ${hex(want[i]!)}`);
      if (gotSat !== saturated(format, b, ref)) mismatches.push(`${hex(b)} (${x}) saturating: ours ${hex(gotSat)}, want ${hex(saturated(format, b, ref))}`);
      if (Number.isFinite(x) && Math.abs(x) !== 0 && decodeBits(ref, f) !== x && Number.isFinite(decodeBits(ref, f))) ties++;
    }
    assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} mismatches of ${inputs.length}`);
    assert.ok(ties > 1000, "the inputs exercise rounding, not only exact values");
  });
}

test("the API validates its arguments before any work and names what is allowed", () => {
  assert.throws(() => roundTo(1, "fp4" as ElementFormat), /format must be one of "e4m3", "e5m2", "e2m3", "e3m2", "e2m1", "e8m0", "f16", "bf16"/);
  assert.throws(() => roundTo(1, "e2m1", { rounding: "stochastic" }), /needs a seed/);
  assert.throws(() => roundTo(1, "e2m1", { rounding: "up" as "nearest" }), /rounding must be "nearest" or "stochastic"/);
  assert.throws(() => roundTo(1, "e2m1", { seed: -1, rounding: "stochastic" }), /seed must be an integer from 0 to 4294967295/);
  assert.throws(() => roundTo(1, "e2m1", { saturation: true } as never), /unknown option "saturation"; allowed: saturate, rounding, seed, index/);
  assert.throws(() => fromBits(16, "e2m1"), /bits must be an integer from 0 to 15 for e2m1/);
});

test("the API's answers are the encoder's: the examples of its header and the OCP tables", () => {
  assert.equal(roundTo(0.3, "e2m1"), 0.5);
  assert.equal(bitsOf(448, "e4m3"), 0x7e);
  assert.ok(Number.isNaN(roundTo(464.5, "e4m3")));
  assert.equal(roundTo(464.5, "e4m3", { saturate: true }), 448);
  assert.equal(roundTo(100, "e8m0"), 128);
  assert.equal(roundTo(0.3, "e8m0"), 0.25);
  assert.equal(roundTo(1e9, "e3m2"), 28);
  assert.equal(roundTo(-1e9, "e2m3"), -7.5);
  assert.deepEqual([FORMATS.e2m1.max, FORMATS.e2m3.max, FORMATS.e3m2.max, FORMATS.e4m3.max, FORMATS.e5m2.max], [6, 7.5, 28, 448, 57344]);
  assert.deepEqual([FORMATS.e2m1.minSubnormal, FORMATS.e2m3.minSubnormal, FORMATS.e3m2.minSubnormal], [0.5, 0.125, 0.0625]);
  const arr = roundArray(Float32Array.of(0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5), "e2m1");
  assert.deepEqual([...arr.values], [0, 1, 1, 2, 2, 4, 4], "e2m1 ties go to the even code");
  assert.deepEqual([...arr.codes], [0, 2, 2, 4, 4, 6, 6]);
});

// The element-format ops on every backend (wasm: their .wat kernels in the wasm backend's
// module, one thread and two; WebGPU: their .wgsl kernels, on SwiftShader here) bit for
// bit against the CPU backend, whose kernels are engine/numerics (the one definition):
// castElements over every code of every format and the edge inputs, both saturation
// modes, nearest and stochastic; blockQuantize of every recipe, role and direction on
// the traces and random, tiny, huge and non-finite tensors, from f32 and bf16 inputs
// (values, codes and the whole record); hadamard16; roundedUpdate on f32, bf16 and f16
// weights with its lost count. Values compare as bits, NaN included: every backend
// writes the one quiet NaN. Then stochastic rounding on each backend: deterministic for
// a seed, unbiased (fixed seeds: the bounds are checked on fixed data).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, DType } from "../../../../engine/backend/backend.js";
import { ops } from "../../../../engine/index.js";
import { recordWords } from "../../../../engine/ops/blockQuantize/blockQuantize.js";
import { recordOf } from "../../../../engine/ops/blockQuantize/cpu.js";
import { castArray } from "../../../../engine/ops/castElements/cpu.js";
import type { CastElementsParams } from "../../../../engine/ops/castElements/castElements.js";
import type { RoundedUpdateParams } from "../../../../engine/ops/roundedUpdate/roundedUpdate.js";
import { roundedUpdateArray } from "../../../../engine/ops/roundedUpdate/cpu.js";
import { quantizeLayout, type LayoutPlan } from "../../../../engine/numerics/blockQuantize.js";
import { hadamard16 } from "../../../../engine/numerics/hadamard.js";
import type { ElementFormat } from "../../../../engine/numerics/formats.js";
import { cpu, otherBackends, releaseWebGpu } from "../../backend/backends.js";
import { blockCases, castInputs, CAST_FORMATS, hadamardInputs } from "./cases.js";

after(releaseWebGpu);
const reference = cpu();
const backends = [{ name: "cpu" as string, backend: reference as Backend | undefined, skip: undefined as string | undefined }, ...(await otherBackends())];

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);
const hex = (n: number) => "0x" + (n >>> 0).toString(16);

/** Where two word arrays differ (at most 5), for a readable failure. */
function differences(got: Uint32Array, want: Uint32Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < want.length && out.length < 5; i++) if (got[i] !== want[i]) out.push(`[${i}] ${hex(got[i]!)} vs ${hex(want[i]!)}`);
  if (got.length !== want.length) out.push(`length ${got.length} vs ${want.length}`);
  return out;
}

async function cast(be: Backend, x: Float32Array, p: CastElementsParams, dtype: DType = "f32") {
  const tx = be.tensor([x.length], dtype, x), out = be.tensor([x.length], "f32"), codes = be.tensor([x.length], "f32");
  ops.castElements(be, { out, x: tx, codes, p });
  const r = { values: await be.read(out), codes: await be.read(codes) };
  for (const t of [tx, out, codes]) be.dispose(t);
  return r;
}

async function blocks(be: Backend, x: Float32Array, rows: number, cols: number, plan: LayoutPlan, dtype: DType = "f32") {
  const tx = be.tensor([rows, cols], dtype, x), out = be.tensor([rows, cols], "f32"), codes = be.tensor([rows, cols], "f32");
  const record = be.tensor([recordWords(plan, rows, cols)], "f32");
  ops.blockQuantize(be, { out, x: tx, rows, cols, plan, record, codes });
  const r = { values: await be.read(out), codes: await be.read(codes), record: await be.read(record) };
  for (const t of [tx, out, codes, record]) be.dispose(t);
  return r;
}

async function update(be: Backend, w0: Float32Array, u: Float32Array, p: RoundedUpdateParams, dtype: DType) {
  const w = be.tensor([w0.length], dtype, w0), tu = be.tensor([u.length], "f32", u), record = be.tensor([3], "f32");
  ops.roundedUpdate(be, { w, u: tu, p, record, slot: 1 });
  const r = { w: await be.read(w), lost: (await be.read(record))[1]! };
  for (const t of [w, tu, record]) be.dispose(t);
  return r;
}

test("the CPU backend's kernels are engine/numerics: castArray, quantizeLayout, hadamard16, roundedUpdateArray", async () => {
  const x = castInputs("e2m1");
  const p: CastElementsParams = { format: "e2m1", saturate: true, rounding: "stochastic", seed: 3, indexBase: 9 };
  const values = new Float32Array(x.length), codes = new Float32Array(x.length);
  castArray(x, p, values, codes);
  const got = await cast(reference, x, p);
  assert.deepEqual(differences(bits(got.values), bits(values)), []);
  assert.deepEqual(differences(bits(got.codes), bits(codes)), []);
  for (const c of blockCases().slice(0, 12)) {
    const want = quantizeLayout(c.x, c.rows, c.cols, c.plan), r = await blocks(reference, c.x, c.rows, c.cols, c.plan);
    assert.deepEqual(differences(bits(r.values), bits(want.values)), [], c.name);
    assert.deepEqual(differences(bits(r.record), recordOf(want)), [], `${c.name}: record`);
  }
  const [hx, rows, cols] = hadamardInputs()[0]!;
  const th = reference.tensor([rows, cols], "f32", hx), out = reference.tensor([rows, cols], "f32");
  ops.hadamard16(reference, { out, x: th, rows, cols });
  assert.deepEqual(differences(bits(await reference.read(out)), bits(hadamard16(hx, rows, cols))), []);
  const w = new Float32Array(64).fill(1), u = new Float32Array(64).fill(2 ** -10);
  const lost = roundedUpdateArray(w, u, { format: "bf16", rounding: "stochastic", seed: 1, indexBase: 0 });
  const r = await update(reference, new Float32Array(64).fill(1), u, { format: "bf16", rounding: "stochastic", seed: 1, indexBase: 0 }, "bf16");
  assert.deepEqual([...r.w], [...w]);
  assert.equal(r.lost, lost);
});

for (const { name, backend, skip } of backends.slice(1)) {
  const be = backend!;

  test(`${name}: castElements of every code and the edge inputs, every format, both modes, nearest and stochastic`, { skip }, async () => {
    for (const format of CAST_FORMATS) {
      const x = castInputs(format);
      for (const saturate of [false, true]) for (const rounding of ["nearest", "stochastic"] as const) {
        const p: CastElementsParams = { format, saturate, rounding, seed: 99, indexBase: 12345 };
        const want = await cast(reference, x, p), got = await cast(be, x, p);
        assert.deepEqual(differences(bits(got.codes), bits(want.codes)), [], `${format} ${JSON.stringify(p)}: codes`);
        assert.deepEqual(differences(bits(got.values), bits(want.values)), [], `${format} ${JSON.stringify(p)}: values`);
      }
    }
    // from bf16 and f16 tensors (the WGSL kernels decode packed halves)
    for (const dtype of ["bf16", "f16"] as const) {
      const x = castInputs("e4m3").slice(0, 4096);
      const p: CastElementsParams = { format: "e2m1", saturate: true, rounding: "stochastic", seed: 1, indexBase: 0 };
      const want = await cast(reference, x, p, dtype), got = await cast(be, x, p, dtype);
      assert.deepEqual(differences(bits(got.values), bits(want.values)), [], `${dtype} input`);
    }
  });

  test(`${name}: blockQuantize of every recipe, role and direction: values, codes and the record equal the CPU's`, { skip }, async () => {
    for (const c of blockCases()) {
      const want = await blocks(reference, c.x, c.rows, c.cols, c.plan), got = await blocks(be, c.x, c.rows, c.cols, c.plan);
      assert.deepEqual(differences(bits(got.values), bits(want.values)), [], `${c.name}: values`);
      assert.deepEqual(differences(bits(got.codes), bits(want.codes)), [], `${c.name}: codes`);
      assert.deepEqual(differences(bits(got.record), bits(want.record)), [], `${c.name}: record (tensor amax and decode; per block amax, scale, code, saturated, flushed)`);
    }
    for (const c of blockCases().filter((_, i) => i % 7 === 0)) {
      const want = await blocks(reference, c.x, c.rows, c.cols, c.plan, "bf16"), got = await blocks(be, c.x, c.rows, c.cols, c.plan, "bf16");
      assert.deepEqual(differences(bits(got.record), bits(want.record)), [], `${c.name} from bf16: record`);
      assert.deepEqual(differences(bits(got.values), bits(want.values)), [], `${c.name} from bf16: values`);
    }
  });

  test(`${name}: hadamard16, subnormal sums and non-finite values included, from f32 and bf16`, { skip }, async () => {
    for (const [x, rows, cols] of hadamardInputs()) for (const dtype of ["f32", "bf16"] as const) {
      const run = async (b: Backend) => {
        const tx = b.tensor([rows, cols], dtype, x), out = b.tensor([rows, cols], "f32");
        ops.hadamard16(b, { out, x: tx, rows, cols });
        const r = await b.read(out);
        b.dispose(tx); b.dispose(out);
        return r;
      };
      assert.deepEqual(differences(bits(await run(be)), bits(await run(reference))), [], `${rows}x${cols} ${dtype}`);
    }
  });

  test(`${name}: roundedUpdate of f32, bf16 and f16 weights, nearest and stochastic, with the lost count`, { skip }, async () => {
    const n = 5001;
    const w0 = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 4);
    const u = Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : Math.cos(i) * 2 ** -(i % 20)));
    u[3] = NaN; u[4] = Infinity; w0[5] = 0; u[5] = -1e-45;
    const cases: [DType, ElementFormat][] = [["bf16", "bf16"], ["f16", "f16"], ["f32", "bf16"], ["f32", "e4m3"], ["f32", "e2m1"]];
    for (const [dtype, format] of cases) for (const rounding of ["nearest", "stochastic"] as const) {
      const p: RoundedUpdateParams = { format, rounding, seed: 31, indexBase: 7 };
      const want = await update(reference, w0, u, p, dtype), got = await update(be, w0, u, p, dtype);
      assert.deepEqual(differences(bits(got.w), bits(want.w)), [], `${dtype} weights, ${format} ${rounding}`);
      assert.equal(got.lost, want.lost, `${dtype} ${format} ${rounding}: lost updates`);
    }
  });
}

for (const { name, backend, skip } of backends) {
  const be = backend!;
  test(`${name}: stochastic rounding is deterministic for a seed and unbiased, in castElements and roundedUpdate (fixed seeds)`, { skip }, async () => {
    const n = 1 << 16;
    for (const [format, x, down, up] of [["bf16", 1 + 2 ** -10, 1, 1 + 2 ** -7], ["e2m1", 2.6, 2, 3], ["e4m3", 0.3, 0.28125, 0.3125]] as const) {
      const xs = new Float32Array(n).fill(x);
      const p: CastElementsParams = { format, saturate: false, rounding: "stochastic", seed: 5, indexBase: 0 };
      const a = await cast(be, xs, p), b = await cast(be, xs, p), other = await cast(be, xs, { ...p, seed: 6 });
      assert.deepEqual(a.codes, b.codes, `${format}: the same seed, the same draws`);
      assert.ok(a.codes.some((c, i) => c !== other.codes[i]), `${format}: another seed, other draws`);
      let sum = 0;
      for (const v of a.values) { assert.ok(v === down || v === up); sum += v; }
      const x32 = Math.fround(x), q = (x32 - down) / (up - down), sigma = (up - down) * Math.sqrt(q * (1 - q));
      assert.ok(Math.abs(sum / n - x32) < (6 * sigma) / Math.sqrt(n), `${format}: mean ${sum / n} of ${x32}`);
    }
    // bf16 weights at 1.0 (steps of 2^-7 up), updates of 2^-10: nearest loses every one, stochastic keeps the mean
    const w = new Float32Array(n).fill(1), u = new Float32Array(n).fill(2 ** -10);
    const nearest = await update(be, w, u, { format: "bf16", rounding: "nearest", seed: 0, indexBase: 0 }, "bf16");
    assert.equal(nearest.lost, n);
    assert.ok(nearest.w.every((v) => v === 1), "stagnation: nothing moved");
    const sr = await update(be, w, u, { format: "bf16", rounding: "stochastic", seed: 3, indexBase: 0 }, "bf16");
    let sum = 0;
    for (const v of sr.w) sum += v;
    const q = 2 ** -10 / 2 ** -7, sigma = 2 ** -7 * Math.sqrt(q * (1 - q));
    assert.ok(Math.abs(sum / n - (1 + 2 ** -10)) < (6 * sigma) / Math.sqrt(n), `update mean ${sum / n}`);
    assert.ok(Math.abs(sr.lost / n - (1 - q)) < 6 * Math.sqrt((q * (1 - q)) / n), `lost share ${sr.lost / n}`);
  });
}

// The wasm GEMM (gemm.wat) on shapes the shared backend cases do not reach: K past one
// K block (256) so partial sums carry over between blocks, edge tiles on both sides
// (M % 4, N % 8), every product of a linear layer, the fused bias, ReLU and fp16 store, and
// the f32 side outputs. Against the CPU reference (fp64 sums): within fp32 accumulation error.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, DType, Tensor } from "../../../../engine/backend/backend.js";
import { createWasmBackend } from "../../../../engine/backend/wasm/wasmBackend.js";
import { roundTo } from "../../../../engine/numerics/dtype.js";
import { cpu, uniform } from "../backends.js";
import { linearBackward, linearForward } from "../linearOps.js";

const wasm = await createWasmBackend(undefined, { threads: 1 });

async function layer(b: Backend, B: number, I: number, O: number, dt: DType) {
  const mk = (shape: number[], t: DType, data?: Float32Array): Tensor => b.tensor(shape, t, data);
  const x = mk([B, I], dt, uniform(B * I, -1, 1, 1)), w = mk([O, I], dt, uniform(O * I, -1, 1, 2)), bias = mk([O], dt, uniform(O, -1, 1, 3));
  const dout = mk([B, O], dt, uniform(B * O, -1, 1, 4));
  const z = mk([B, O], dt), a = mk([B, O], dt), z32 = mk([B, O], "f32"), dx = mk([B, I], dt), dx32 = mk([B, I], "f32"), dw = mk([O, I], dt), dw32 = mk([O, I], "f32"), db = mk([O], dt);
  linearForward(b, z, x, w, bias, z32, { act: "relu", out: a });
  linearBackward(b, dx, dw, db, dout, x, w, dx32, dw32);
  const out: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries({ z, a, z32, dx, dx32, dw, dw32, db })) out[k] = await b.read(t);
  for (const t of [x, w, bias, dout, z, a, z32, dx, dx32, dw, dw32, db]) b.dispose(t);
  return out;
}

for (const [B, I, O] of [[37, 21, 11], [600, 19, 13], [2050, 64, 16], [7, 300, 9]]) {
  for (const dt of ["f32", "f16"] as DType[]) {
    test(`wasm GEMM ${dt}: B=${B} I=${I} O=${O} (K blocks, edge tiles) matches the CPU reference`, async () => {
      const ref = await layer(cpu(), B, I, O, dt), got = await layer(wasm, B, I, O, dt);
      // fp32 sums of K products of magnitude <= 1: error below K * 2^-23, plus one ulp of the format
      const K: Record<string, number> = { z: I + 1, a: I + 1, z32: I + 1, dx: O, dx32: O, dw: B, dw32: B, db: B };
      for (const key of Object.keys(ref)) {
        const e = ref[key], a = got[key], ulp = key.endsWith("32") || dt === "f32" ? 2 ** -23 : 2 ** -10;
        for (let i = 0; i < e.length; i++) {
          const tol = K[key] * 2 ** -22 + Math.abs(e[i]) * ulp;
          if (!(Math.abs(a[i] - e[i]) <= tol)) assert.fail(`${key}[${i}]: ${a[i]}, cpu ${e[i]} (tolerance ${tol})`);
        }
      }
      // the rounded outputs are the f32 outputs rounded, bit for bit
      for (const [r, r32] of [["z", "z32"], ["dx", "dx32"], ["dw", "dw32"]]) {
        const want = got[r32].map((v) => roundTo(dt, v));
        for (let i = 0; i < want.length; i++) if (!Object.is(got[r][i], want[i])) assert.fail(`${r}[${i}] = ${got[r][i]}, its f32 output rounds to ${want[i]}`);
      }
      // the ReLU stored beside z is relu(z), bit for bit
      for (let i = 0; i < got.z.length; i++) if (!Object.is(got.a[i], got.z[i] > 0 ? got.z[i] : 0)) assert.fail(`a[${i}] = ${got.a[i]}, z = ${got.z[i]}`);
    });
  }
}

test("wasm on 2 threads (a worker takes the bottom rows of each large GEMM) gives the 1-thread results bit for bit", async () => {
  await import("../../../../engine/backend/wasm/nodeWorkers.js");
  const two = await createWasmBackend(undefined, { threads: 2 });
  try {
    assert.match(two.info.adapter, /2 threads$/);
    for (const [B, I, O] of [[256, 64, 256], [2050, 64, 16], [37, 300, 11]]) {
      const one = await layer(wasm, B, I, O, "f16"), both = await layer(two, B, I, O, "f16");
      for (const key of Object.keys(one)) {
        for (let i = 0; i < one[key].length; i++) if (!Object.is(one[key][i], both[key][i])) assert.fail(`B=${B} I=${I} O=${O} ${key}[${i}]: ${both[key][i]} on 2 threads, ${one[key][i]} on 1`);
      }
    }
  } finally {
    two.destroy();
  }
});

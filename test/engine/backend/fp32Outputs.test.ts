// The ops' fp32 copies from the op context (matmul's out, as the Linear layer's forward and dx, dw
// products use it, and mseLoss's seed), on every backend: each equals, bit for bit, the same op
// run into an f32 tensor, and asking for it leaves the rounded output unchanged.
// (Cross-backend agreement of these outputs is in backendCases.ts.)
import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, DType, Tensor } from "../../../engine/backend/backend.js";
import { initialScalerState } from "../../../engine/scaler/lossScaler.js";
import { staticRule } from "./backendCases.js";
import { cpu, otherBackends, releaseWebGpu, uniform } from "./backends.js";
import { mseLoss } from "../../../engine/ops/mse/mse.js";
import { copiesOf } from "../../../engine/ops/op.js";
import { linearBackward, linearForward } from "./linearOps.js";

after(releaseWebGpu);

const backends = [{ name: "cpu", backend: cpu() as Backend | undefined, skip: undefined as string | undefined }, ...(await otherBackends())];
const DTYPES: DType[] = ["f16", "bf16", "f32"];

async function same(b: Backend, got: Tensor, want: Tensor, what: string): Promise<void> {
  const g = await b.read(got), w = await b.read(want);
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) assert.fail(`${what}[${i}]: ${g[i]}, expected ${w[i]}`);
}

for (const { name, backend, skip } of backends) {
  for (const dt of DTYPES) {
    // [5,7]·[3,7]^T: an odd output width (the packed store's other path on WebGPU)
    for (const [B, I, O] of [[6, 16, 12], [5, 7, 3]]) {
      test(`${name}: ${dt} [${B},${I}]x[${O},${I}] fp32 outputs equal the same ops into f32`, { skip }, async () => {
        const b = backend!;
        const mk = (shape: number[], t: DType, data?: Float32Array) => b.tensor(shape, t, data);
        const x = mk([B, I], dt, uniform(B * I, -2, 2, 3)), w = mk([O, I], dt, uniform(O * I, -1, 1, 4));
        const bias = mk([O], dt, uniform(O, -1, 1, 5)), dout = mk([B, O], dt, uniform(B * O, -1, 1, 6));
        const z = mk([B, O], dt), zBoth = mk([B, O], dt), z32 = mk([B, O], "f32"), zRef = mk([B, O], "f32");
        linearForward(b, z, x, w, bias);
        linearForward(b, zBoth, x, w, bias, z32);
        linearForward(b, zRef, x, w, bias);
        await same(b, zBoth, z, "z with out32");
        await same(b, z32, zRef, "out32");
        const dx = mk([B, I], dt), dw = mk([O, I], dt), db = mk([O], dt);
        const dx2 = mk([B, I], dt), dw2 = mk([O, I], dt), db2 = mk([O], dt), dx32 = mk([B, I], "f32"), dw32 = mk([O, I], "f32");
        const dxRef = mk([B, I], "f32"), dwRef = mk([O, I], "f32"), dbRef = mk([O], "f32");
        linearBackward(b, dx, dw, db, dout, x, w);
        linearBackward(b, dx2, dw2, db2, dout, x, w, dx32, dw32);
        linearBackward(b, dxRef, dwRef, dbRef, dout, x, w);
        await same(b, dx2, dx, "dx with dx32");
        await same(b, dw2, dw, "dw with dw32");
        await same(b, dx32, dxRef, "dx32");
        await same(b, dw32, dwRef, "dw32");
        const y = mk([B, O], "f32", uniform(B * O, -2, 2, 7));
        const seed = mk([B, O], dt), seedBoth = mk([B, O], dt), seed32 = mk([B, O], "f32"), seedRef = mk([B, O], "f32");
        const rule = staticRule(1024);
        b.initStepState(rule, initialScalerState(rule), 0);
        const losses: number[] = [];
        for (const withCopy of [false, true]) {
          b.beginStep(0);
          if (withCopy) mseLoss(b, { seed: seedBoth, yhat: z, y, weight: 0.5, addToLoss: true }, copiesOf([[seedBoth, seed32]]));
          else mseLoss(b, { seed, yhat: z, y, weight: 0.5, addToLoss: true });
          mseLoss(b, { seed: seedRef, yhat: z, y, weight: 0.5, addToLoss: false });
          b.endStep();
          losses.push((await b.flush())[0].loss);
        }
        assert.equal(losses[1], losses[0], "the loss is counted once either way");
        await same(b, seedBoth, seed, "seed with seed32");
        await same(b, seed32, seedRef, "seed32");
        for (const t of [x, w, bias, dout, z, zBoth, z32, zRef, dx, dw, db, dx2, dw2, db2, dx32, dw32, dxRef, dwRef, dbRef, y, seed, seedBoth, seed32, seedRef]) b.dispose(t);
      });
    }
  }
}

// The (layer, role) slot table: slots are dense and unique, describeSlot names each
// one back, and whole runs name the right layer and role as the first non-finite
// tensor, each case built by hand so that exactly that tensor overflows first
// (on the CPU reference and on WebGPU when it initialised).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { ROLES, ROLE_ORDER, ROLES_PER_LAYER, describeSlot, slot, slotCount } from "../../../engine/train/slots.js";
import { train } from "../../../engine/train/run.js";
import { otherBackends, releaseWebGpu } from "../backend/backends.js";

after(releaseWebGpu);
const backends: { name: string; backend?: unknown; skip?: string }[] = [{ name: "cpu", backend: "cpu" }, ...(await otherBackends())];

test("slots number every (layer, role) once, densely, and describeSlot names them back", () => {
  const seen = new Set<number>();
  for (let l = 0; l < 4; l++) {
    for (const role of ROLE_ORDER) {
      const s = slot(l, role);
      assert.ok(!seen.has(s), `slot ${s} twice`);
      seen.add(s);
      assert.deepEqual(describeSlot(s), { layer: l + 1, tensor: ROLES[role].label });
    }
  }
  assert.deepEqual([...seen].sort((a, b) => a - b), [...Array(slotCount(4)).keys()]);
  assert.equal(ROLES_PER_LAYER, ROLE_ORDER.length);
});

// x·w + b in fp16 with a static scale S, batch B, one output, MSE seed 2(z-y)/B·S.
const one = (x: number, w: number, scale: number, hidden: number[] = [], layers?: { weight: number[]; bias: number[] }[]) => ({
  model: { inputs: 1, hidden, outputs: 1, activation: "relu", weights: layers ?? [{ weight: [w], bias: [0] }] },
  data: { type: "arrays", xs: Array.from({ length: 32 }, () => [x]), ys: Array.from({ length: 32 }, () => [0]) },
  precision: "mixed-fp16", steps: 1, batchSize: 32, scaler: { type: "static", scale }, optimizer: { type: "sgd", lr: 0.01 },
});

const cases = [
  // z = 1, seed 2/32·64 = 4, dw = 32·4·1000 = 128000 > 65504 while db = 128: the weight gradient
  { name: "weight gradients of layer 1", config: one(1000, 0.001, 64), want: { layer: 1, tensor: "weight gradients" } },
  // z ≈ 1, seed 2/32·2^15 = 2048, dw = 32·2048·0.001 ≈ 65.5, db = 65536 (≥ 65520 rounds to Inf): the bias gradient
  { name: "bias gradients of layer 1", config: one(0.001, 1000, 2 ** 15), want: { layer: 1, tensor: "bias gradients" } },
  // layer 1 is fine (z1 = 2), layer 2's weight of 60000 puts z2 = 120000 beyond fp16: layer 2's activations
  { name: "activations of layer 2", config: one(2, 0, 1, [1], [{ weight: [1], bias: [0] }, { weight: [60000], bias: [0] }]), want: { layer: 2, tensor: "activations" } },
  // the seed 2·z/32·2^20 with z = 1 is 65536: layer 2's activation gradient (the seed) comes first
  { name: "activation gradients of layer 2", config: one(1, 0, 2 ** 20, [1], [{ weight: [1], bias: [0] }, { weight: [1], bias: [0] }]), want: { layer: 2, tensor: "activation gradients" } },
];

for (const b of backends) {
  for (const c of cases) {
    test(`${b.name}: the first non-finite tensor is the ${c.name}`, { skip: b.skip }, async () => {
      const r = await train(c.config, { backend: b.backend as "cpu" });
      assert.deepEqual(r.overflowSteps, [0]);
      assert.deepEqual(r.firstNonFinite, [{ step: 0, ...c.want }]);
    });
  }
}

// The backward pass of every activation, the Linear layer and the MSE loss,
// checked against fp64 central finite differences of an independent model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createCpuBackend } from "../../../engine/backend/cpu/cpuBackend.js";
import { initialScalerState } from "../../../engine/scaler/lossScaler.js";
import type { ScalerRule } from "../../../engine/backend/backend.js";
import { mlp, initWeights, layerShapes } from "../../../engine/model/mlp.js";
import { Net } from "../../../engine/train/net.js";
import { policyFor } from "../../../engine/train/policy.js";
import { fdGrads, type Act, type Layer64 } from "../../helpers/reference.js";
import { mulberry32 } from "../../../engine/data/rng.js";
import { mseLoss } from "../../../engine/ops/mse/mse.js";

const none: ScalerRule = { kind: "none", rule: "pytorch", initScale: 1, growthFactor: 2, backoffFactor: 0.5, growthInterval: 1, hysteresis: 1, minScale: 0, maxScale: Infinity };

for (const act of ["relu", "gelu", "tanh", "sigmoid", "linear"] as Act[]) {
  test(`analytic gradients match fp64 finite differences (${act})`, async () => {
    const spec = mlp({ inputs: 3, hidden: [5, 4], outputs: 2, activation: act, seed: 7 });
    const weights = initWeights(spec);
    const rng = mulberry32(3);
    const B = 6;
    const xs = Array.from({ length: B }, () => Array.from({ length: 3 }, () => rng() * 2 - 1));
    const ys = Array.from({ length: B }, () => Array.from({ length: 2 }, () => rng() * 2 - 1));
    const be = createCpuBackend();
    be.initStepState(none, initialScalerState(none), 0);
    const net = new Net(be, spec, policyFor("fp32"), B, weights);
    be.write(net.x, Float32Array.from(xs.flat()));
    be.write(net.y, Float32Array.from(ys.flat()));
    be.beginStep(0);
    net.forward();
    mseLoss(be, { seed: net.layers[net.layers.length - 1].da, yhat: net.output, y: net.y, weight: 1, addToLoss: true });
    for (let l = net.layers.length - 1; l >= 0; l--) net.backwardLayer(l);
    const ref: Layer64[] = layerShapes(spec).map((s, l) => ({ ...s, act: s.activation as Act, w: [...weights[l].weight], b: [...weights[l].bias] }));
    const fd = fdGrads(ref, xs, ys);
    for (let l = 0; l < net.layers.length; l++) {
      const dw = await be.read(net.layers[l].dw), db = await be.read(net.layers[l].db);
      fd[l].w.forEach((g, i) => assert.ok(Math.abs(dw[i] - g) <= 1e-4 + 1e-3 * Math.abs(g), `layer ${l} dw[${i}]: ${dw[i]} vs ${g}`));
      fd[l].b.forEach((g, i) => assert.ok(Math.abs(db[i] - g) <= 1e-4 + 1e-3 * Math.abs(g), `layer ${l} db[${i}]: ${db[i]} vs ${g}`));
    }
    const [rec] = (be.endStep(), await be.flush());
    assert.ok(Math.abs(rec.loss - (await import("../../helpers/reference.js")).mse64(ref, xs, ys)) < 1e-6);
  });
}

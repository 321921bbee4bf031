// One training step of any precision policy, top to bottom (DESIGN.md §2):
//  1. forward in the policy's dtype (fp32 accumulation, output rounded)
//  2. MSE in fp32          3. seed × scale, cast to the gradient dtype
//  4. backward             5. unscale into fp32 + non-finite check, same pass
//  6. micro-batches summed in fp32
//  7. optimizer on the fp32 master unless the step overflowed, re-cast
//  8. scaler update with the overflow flag (Backend.endStep)
// Statistics are not taken here: at an observed step the caller passes a StepObserver
// (stepObserver.ts), whose fp32 copies the ops fill and which looks at each layer.
import type { Backend, Tensor } from "../backend/backend.js";
import type { LayerWeights, TrainConfig } from "../config/schema.js";
import type { Dataset } from "../data/datasets.js";
import { optimizerSlots } from "../optim/optimizers.js";
import { adamStep } from "../ops/adamw/adamw.js";
import { gatherRows } from "../ops/gatherRows/gatherRows.js";
import { mseLoss } from "../ops/mse/mse.js";
import { NO_COPIES } from "../ops/op.js";
import { sgdStep } from "../ops/sgd/sgd.js";
import { Net } from "./net.js";
import type { Policy } from "./policy.js";
import { slot } from "./slots.js";
import type { StepObserver } from "./stepObserver.js";

export class TrainStep {
  readonly net: Net;
  private readonly dataX: Tensor;
  private readonly dataY: Tensor;
  readonly idx: Tensor;
  private readonly opt: Tensor[][] = []; // per layer: state tensors for w then b

  constructor(
    readonly backend: Backend,
    readonly config: TrainConfig,
    readonly policy: Policy,
    data: Dataset,
    weights: LayerWeights[],
    /** the most steps one chunk runs (sizes the index buffer) */
    readonly maxChunk: number,
  ) {
    const K = config.accumulationSteps, B = config.batchSize;
    const net = (this.net = new Net(backend, config.model, policy, B, weights, K, config.fp8));
    this.dataX = net.alloc("data", [data.samples, data.inputs], "f32", data.x);
    this.dataY = net.alloc("data", [data.samples, data.outputs], "f32", data.y);
    this.idx = net.alloc("data", [maxChunk * K * B], "f32");
    const slots = optimizerSlots(config.optimizer);
    for (const L of net.layers) {
      const st: Tensor[] = [];
      for (let i = 0; i < slots; i++) st.push(net.alloc("optimizer", [...L.w.shape], "f32"), net.alloc("optimizer", [...L.b.shape], "f32"));
      this.opt.push(st);
    }
  }

  /**
   * Runs step `step`, the `chunkStep`-th of the current chunk (indices already written).
   * With an observer, its statistics take the last micro-batch.
   */
  run(step: number, chunkStep: number, observer: StepObserver | null): void {
    const be = this.backend, net = this.net, cfg = this.config, K = cfg.accumulationSteps, B = cfg.batchSize;
    const layers = net.layers, L = layers.length, last = layers[L - 1];
    be.beginStep(step);
    for (let m = 0; m < K; m++) {
      const lastMicro = m === K - 1;
      const obs = lastMicro ? observer : null, ctx = obs?.ctx ?? NO_COPIES;
      const offset = (chunkStep * K + m) * B;
      gatherRows(be, { out: net.x, src: this.dataX, idx: this.idx, offset });
      gatherRows(be, { out: net.y, src: this.dataY, idx: this.idx, offset });
      // 1. forward: z = a·W^T + b, a = act(z), layer by layer
      for (let l = 0; l < L; l++) {
        net.forwardLayer(l, ctx);
        be.checkFinite(layers[l].z, slot(l, "activations"));
        obs?.forward(l);
      }
      // 2-3. loss in fp32, the scaled seed cast to the gradient dtype
      mseLoss(be, { seed: last.da, yhat: net.output, y: net.y, weight: 1 / K, addToLoss: true }, ctx);
      // 4. backward, from the last layer
      for (let l = L - 1; l >= 0; l--) {
        net.backwardLayer(l, ctx);
        obs?.backward(l);
      }
      // 5-6. unscale into fp32 (summing micro-batches) with the non-finite check, in backward order
      for (let l = L - 1; l >= 0; l--) {
        const Ly = layers[l];
        be.checkFinite(Ly.dz, slot(l, "activationGrads"));
        be.unscaleCheck(Ly.gw32, Ly.dw, m > 0, lastMicro, slot(l, "weightGrads"));
        be.unscaleCheck(Ly.gb32, Ly.db, m > 0, lastMicro, slot(l, "biasGrads"));
      }
    }
    // 7. optimizer on the fp32 master (skipped by the backend on overflow), re-cast
    const o = cfg.optimizer;
    layers.forEach((Ly, l) => {
      const p = net.params(l), st = this.opt[l];
      const pairs: [Tensor, Tensor, number][] = [[p.w, Ly.gw32, 0], [p.b, Ly.gb32, 1]];
      for (const [w, g, k] of pairs) {
        if (o.type === "adam") adamStep(be, { w, g32: g, m: st[k], v: st[k + 2], p: o });
        else sgdStep(be, { w, g32: g, buf: st[k] ?? g, p: o }); // momentum 0: the buffer is unused
      }
      if (Ly.wMaster && Ly.bMaster) {
        be.cast(Ly.w, Ly.wMaster);
        be.cast(Ly.b, Ly.bMaster);
      }
    });
    // 8. step record + scaler update
    be.endStep();
  }

  dispose(): void {
    this.net.dispose();
  }
}

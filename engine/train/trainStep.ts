// One training step of any precision policy, top to bottom (DESIGN.md §2):
//  1. forward in the policy's dtype (fp32 accumulation, output rounded)
//  2. MSE in fp32          3. seed × scale, cast to the gradient dtype
//  4. backward             5. unscale into fp32 + non-finite check, same pass
//  6. micro-batches summed in fp32
//  7. optimizer on the fp32 master unless the step overflowed, re-cast
//  8. scaler update with the overflow flag (Backend.endStep)
import type { Backend, Tensor } from "../backend/backend.js";
import type { TrainConfig } from "../config/schema.js";
import type { Dataset } from "../data/datasets.js";
import { optimizerSlots } from "../optim/optimizers.js";
import { Net } from "./net.js";
import type { Policy } from "./policy.js";
import { tensorId } from "./tensorIds.js";
import type { LayerWeights } from "../config/schema.js";

/** Statistics slots: 4 a layer (weights, activations, activationGrads, weightGrads). */
export const statsSlot = (layer: number, role: 0 | 1 | 2 | 3) => layer * 4 + role;

interface Scratch { z32: Tensor; dw32: Tensor; db32: Tensor; da32: Tensor; dz32: Tensor }

export class TrainStep {
  readonly net: Net;
  private readonly dataX: Tensor;
  private readonly dataY: Tensor;
  readonly idx: Tensor;
  private readonly opt: Tensor[][] = []; // per layer: state tensors for w then b
  private readonly scratch: Scratch[] = [];

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
    // fp32 recomputations of each cast, for the underflow/overflow statistics
    if (policy.activations !== "f32") {
      net.layers.forEach((L, l) => {
        const [B_, O] = L.z.shape, I = L.shape.inputs;
        this.scratch.push({
          z32: net.alloc("scratch", [B_, O], "f32"),
          dw32: net.alloc("scratch", [O, I], "f32"),
          db32: net.alloc("scratch", [O], "f32"),
          da32: net.alloc("scratch", [B_, O], "f32"),
          dz32: L.dz === L.da ? (undefined as never) : net.alloc("scratch", [B_, O], "f32"),
        });
        if (L.dz === L.da) this.scratch[l].dz32 = this.scratch[l].da32;
      });
    }
  }

  /** Runs step `step`, the `chunkStep`-th of the current chunk (indices already written). */
  run(step: number, chunkStep: number, observe: boolean): void {
    const be = this.backend, net = this.net, cfg = this.config, K = cfg.accumulationSteps, B = cfg.batchSize;
    const L = net.layers.length, last = net.layers[L - 1];
    be.beginStep(step);
    for (let m = 0; m < K; m++) {
      const lastMicro = m === K - 1, watch = observe && lastMicro;
      const offset = (chunkStep * K + m) * B;
      be.gatherRows(net.x, this.dataX, this.idx, offset);
      be.gatherRows(net.y, this.dataY, this.idx, offset);
      // 1. forward
      net.layers.forEach((Ly, l) => {
        net.forwardLayer(l);
        be.checkFinite(Ly.z, tensorId(l, "activations"));
        if (watch) this.observeForward(l);
      });
      // 2-3. loss in fp32, scaled seed cast to the gradient dtype
      be.mseLoss(last.da, net.output, net.y, 1 / K);
      if (watch && this.scratch.length) be.mseLoss(this.scratch[L - 1].da32, net.output, net.y, 1 / K, false);
      // 4-6. backward, then unscale into fp32 with the non-finite check
      for (let l = L - 1; l >= 0; l--) {
        net.backwardLayer(l);
        const Ly = net.layers[l];
        be.checkFinite(Ly.dz, tensorId(l, "activation gradients"));
        if (watch) this.observeBackward(l);
        be.unscaleCheck(Ly.gw32, Ly.dw, m > 0, lastMicro, tensorId(l, "weight gradients"));
        be.unscaleCheck(Ly.gb32, Ly.db, m > 0, lastMicro, tensorId(l, "bias gradients"));
      }
    }
    // 7. optimizer on the fp32 master (skipped by the backend on overflow), re-cast
    const o = cfg.optimizer;
    net.layers.forEach((Ly, l) => {
      const p = net.params(l), st = this.opt[l];
      const pairs: [Tensor, Tensor, number][] = [[p.w, Ly.gw32, 0], [p.b, Ly.gb32, 1]];
      for (const [w, g, k] of pairs) {
        if (o.type === "adam") be.adamStep(w, g, st[k], st[k + 2], o);
        else be.sgdStep(w, g, st[k] ?? g, o); // momentum 0: the buffer is unused
      }
      if (Ly.wMaster && Ly.bMaster) {
        be.cast(Ly.w, Ly.wMaster);
        be.cast(Ly.b, Ly.bMaster);
      }
    });
    // 8. step record + scaler update
    be.endStep();
  }

  private observeForward(l: number): void {
    const be = this.backend, Ly = this.net.layers[l], s = this.scratch[l];
    be.observe(statsSlot(l, 0), Ly.w, Ly.wMaster ?? undefined);
    if (s) be.linearForward(s.z32, this.net.input(l), Ly.w, Ly.b);
    be.observe(statsSlot(l, 1), Ly.z, s?.z32);
  }

  // called after backwardLayer(l): da32 of layer l holds the fp32 gradient at a_l
  private observeBackward(l: number): void {
    const be = this.backend, net = this.net, Ly = net.layers[l], s = this.scratch[l];
    if (s && s.dz32 !== s.da32) be.activationBackward(s.dz32, s.da32, Ly.z, Ly.shape.activation);
    be.observe(statsSlot(l, 2), Ly.dz, s?.dz32);
    if (s) be.linearBackward(l > 0 ? this.scratch[l - 1].da32 : null, s.dw32, s.db32, Ly.dz, net.input(l), Ly.w);
    be.observe(statsSlot(l, 3), Ly.dw, s?.dw32);
  }

  dispose(): void {
    this.net.dispose();
  }
}

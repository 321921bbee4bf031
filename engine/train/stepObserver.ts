// The statistics of an observed step, kept beside the step (trainStep.ts): the step
// hands the observer's fp32 `copies` to its ops, which write the values before each
// cast in the same pass, and calls forward(l) / backward(l) after each layer. Every
// tensor goes into its slot (slots.ts). A value that is nonzero (finite) in its fp32
// copy and zero (±Inf) as stored counts as underflowed (overflowed) at the cast: the
// stored tensor against the same op in fp32 from the same low-precision inputs.
// Weights are compared with their fp32 master; the gradient at z with
// da32 · act'(z), da32 being the fp32 seed or the fp32 product of the layer above.
import type { Backend, Tensor } from "../backend/backend.js";
import { activationBackward } from "../ops/activation/activation.js";
import { copiesOf, NO_COPIES, type OpContext } from "../ops/op.js";
import type { Net } from "./net.js";
import { layerStats } from "./results.js";
import type { LayerStats } from "./runResult.js";
import { slot, slotCount } from "./slots.js";

export class StepObserver {
  /** per layer, the fp32 copies the ops write at an observed step (z, da, dw); undefined under fp32 */
  private readonly copies: { z?: Tensor; da?: Tensor; dw?: Tensor }[] | undefined;
  /** the ops' context at an observed step: where each rounded output's fp32 copy goes */
  readonly ctx: OpContext;
  private readonly dz32: (Tensor | undefined)[];

  constructor(private readonly backend: Backend, private readonly net: Net) {
    const p = net.policy, lowAct = p.activations !== "f32", lowGrad = p.gradients !== "f32";
    const f32 = (shape: readonly number[]) => net.alloc("scratch", [...shape], "f32");
    this.copies = lowAct || lowGrad
      ? net.layers.map((L) => ({ z: lowAct ? f32(L.z.shape) : undefined, da: lowGrad ? f32(L.da.shape) : undefined, dw: lowGrad ? f32(L.dw.shape) : undefined }))
      : undefined;
    this.ctx = this.copies
      ? copiesOf(net.layers.flatMap((L, l) => [[L.z, this.copies![l].z], [L.da, this.copies![l].da], [L.dw, this.copies![l].dw]] as const))
      : NO_COPIES;
    // the fp32 gradient at z: da32 itself where the activation is linear (dz = da)
    this.dz32 = net.layers.map((L, l) => {
      const da32 = this.copies?.[l].da;
      return da32 && L.dz !== L.da ? f32(L.dz.shape) : da32;
    });
  }

  /** Clears the accumulators, one per slot. */
  reset(): void {
    this.backend.resetStats(slotCount(this.net.layers.length));
  }

  /** After layer l's forward: its weights (against the fp32 master) and its linear output z. */
  forward(l: number): void {
    const be = this.backend, L = this.net.layers[l];
    be.observe(slot(l, "weights"), L.w, L.wMaster ?? undefined);
    be.observe(slot(l, "activations"), L.z, this.copies?.[l].z);
  }

  /** After layer l's backward: the gradient at z, and the weight gradient. */
  backward(l: number): void {
    const be = this.backend, L = this.net.layers[l], da32 = this.copies?.[l].da, dz32 = this.dz32[l];
    if (da32 && dz32 && dz32 !== da32) activationBackward(be, { dx: dz32, dout: da32, x: L.z, act: L.shape.activation });
    be.observe(slot(l, "activationGrads"), L.dz, dz32);
    be.observe(slot(l, "weightGrads"), L.dw, this.copies?.[l].dw);
  }

  /** The statistics accumulated since reset(), per layer (waits). */
  async read(): Promise<LayerStats[]> {
    return layerStats(await this.backend.readStats(), this.net.layers.map((L) => L.shape), this.net.policy);
  }
}

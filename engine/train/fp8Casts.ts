// The fp8 casts of a mixed-fp8 step and their per-tensor scales. Each Linear layer
// has three fp8 tensors, each with its own scale:
//   weights  W  (from the fp32 master, forward format: E4M3)
//   inputs   x  (the layer's input activations, forward format)
//   grads    dz (the gradient at its output, backward format: E5M2, or E4M3 with format "e4m3")
// The matmuls read their dequantized values (fp32, exact apart from one rounding of
// q·(1/s)), accumulate in fp32 and store bf16 outputs. The backward matmuls reuse the
// forward's fp8 x and W, as Transformer Engine does.
// Delayed scaling lives here, on the host: after each step the record (amax, scale,
// saturated, flushed of every cast) is read back (one small read a step) and the
// amax histories roll (engine/numerics/fp8Scaling.ts); current and block scaling are
// computed by the backend inside the cast.
import type { Backend, Tensor } from "../backend/backend.js";
import { quantizeFp8, type Fp8Cast } from "../ops/quantize/quantize.js";
import type { Fp8Recipe } from "../config/schema.js";
import type { Fp8Format } from "../numerics/fp8.js";
import { FP8_RECORD_WORDS } from "../numerics/fp8Quantize.js";
import { DelayedScaling } from "../numerics/fp8Scaling.js";
import { FP8_ROLES, type Fp8Role, type Fp8TensorTrace, type Fp8Report } from "./fp8Report.js";

export { FP8_ROLES, type Fp8Role, type Fp8TensorTrace, type Fp8Report } from "./fp8Report.js";

export class Fp8Casts {
  readonly record: Tensor;
  private readonly delayed: DelayedScaling[] = [];
  private readonly traces: Fp8TensorTrace[] = [];
  private readonly sizes: number[] = [];

  constructor(
    private readonly backend: Backend,
    readonly recipe: Fp8Recipe,
    readonly formats: { forward: Fp8Format; backward: Fp8Format },
    /** per layer: elements of W, x and dz */
    layerSizes: { w: number; x: number; dz: number }[],
  ) {
    this.record = backend.tensor([Math.max(1, layerSizes.length * 3 * FP8_RECORD_WORDS)], "f32");
    layerSizes.forEach((n, l) => {
      for (const role of FP8_ROLES) {
        const format = role === "grads" ? formats.backward : formats.forward;
        this.delayed.push(new DelayedScaling(format, recipe.amaxHistoryLen, recipe.amaxComputeAlgo, recipe.margin));
        this.traces.push({ layer: l + 1, role, format, scales: [], amax: [], saturated: [], flushed: [], history: [] });
        this.sizes.push(role === "weights" ? n.w : role === "inputs" ? n.x : n.dz);
      }
    });
  }

  /** Enqueues the cast of tensor (layer, role): out = fp8(x · s) / s, out f32. */
  cast(layer: number, role: Fp8Role, out: Tensor, x: Tensor): void {
    const slot = layer * 3 + FP8_ROLES.indexOf(role);
    const t = this.traces[slot];
    const r = this.recipe;
    const c: Fp8Cast = {
      format: t.format,
      saturate: r.saturate,
      scaling: r.recipe === "delayed" ? "tensor" : r.recipe,
      scale: this.delayed[slot].scale,
    };
    quantizeFp8(this.backend, { out, x, cast: c, record: this.record, slot });
  }

  /** After a step's ops are enqueued: reads the casts' record, logs it, updates the delayed scales. */
  async afterStep(observed: boolean): Promise<void> {
    const rec = await this.backend.read(this.record);
    this.traces.forEach((t, slot) => {
      const o = slot * FP8_RECORD_WORDS, n = this.sizes[slot];
      const amax = rec[o];
      t.scales.push(rec[o + 1]);
      t.amax.push(amax);
      if (observed) {
        t.saturated.push(rec[o + 2] / n);
        t.flushed.push(rec[o + 3] / n);
      }
      if (this.recipe.recipe === "delayed") this.delayed[slot].update(amax);
    });
  }

  /** The report, cut to the steps the run kept (`steps`, `observedKept` observed ones). */
  report(steps: number, observedKept: number): Fp8Report {
    return { recipe: { ...this.recipe }, formats: { ...this.formats }, accumulate: "f32", matmulOutputs: "bf16", tensors: this.tensorTraces(steps, observedKept) };
  }

  private tensorTraces(steps: number, observedKept: number): Fp8TensorTrace[] {
    return this.traces.map((t, slot) => ({
      ...t,
      scales: t.scales.slice(0, steps),
      amax: t.amax.slice(0, steps),
      saturated: t.saturated.slice(0, observedKept),
      flushed: t.flushed.slice(0, observedKept),
      history: this.recipe.recipe === "delayed" ? [...this.delayed[slot].history] : [],
    }));
  }

  dispose(): void {
    this.backend.dispose(this.record);
  }
}

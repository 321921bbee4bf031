// The MLP on a Backend: buffers, forward and backward, llm.c style. Shapes:
// B batch rows, I a layer's inputs, O its outputs. Every buffer is allocated
// once here; the training step only enqueues ops.
import type { Backend, DType, Tensor } from "../backend/backend.js";
import { activationBackward } from "../ops/activation/activation.js";
import { matmul } from "../ops/matmul/matmul.js";
import { NO_COPIES, type OpContext } from "../ops/op.js";
import { sumRows } from "../ops/sumRows/sumRows.js";
import type { LayerWeights, MlpSpec } from "../config/schema.js";
import { layerShapes, type LayerShape } from "../model/mlp.js";
import type { Policy } from "./policy.js";
import type { Fp8Recipe } from "../config/schema.js";
import { Fp8Casts } from "./fp8Casts.js";

export type Ledger = "master" | "weights" | "activations" | "gradients" | "optimizer" | "scratch" | "data";

export interface LayerBuffers {
  shape: LayerShape;
  w: Tensor; // [O,I] policy.weights
  b: Tensor; // [O]
  wMaster: Tensor | null; // [O,I] f32 when policy.master
  bMaster: Tensor | null; // [O]
  z: Tensor; // [B,O] linear output (pre-activation)
  a: Tensor; // [B,O] activation output (= z when the activation is linear)
  da: Tensor; // [B,O] gradient at a
  dz: Tensor; // [B,O] gradient at z (= da when the activation is linear)
  dw: Tensor; // [O,I] policy.gradients
  db: Tensor; // [O]
  gw32: Tensor; // [O,I] unscaled fp32 gradient (accumulated over micro-batches)
  gb32: Tensor; // [O]
  /** mixed-fp8: the dequantized fp8 matmul inputs (w above holds the fp8 weights) */
  fp8: { x: Tensor; dz: Tensor } | null; // [B,I] input, [B,O] gradient at z; f32
}

export class Net {
  readonly layers: LayerBuffers[] = [];
  readonly x: Tensor; // [B,I0] policy.activations
  readonly y: Tensor; // [B,O_last] f32 targets
  private readonly ledger = new Map<Ledger, number>();
  private readonly owned: Tensor[] = [];
  /** mixed-fp8: the casts and their scales (null otherwise) */
  readonly fp8: Fp8Casts | null = null;

  constructor(
    readonly backend: Backend,
    readonly spec: MlpSpec,
    readonly policy: Policy,
    readonly batch: number,
    weights: LayerWeights[],
    accumulationSteps = 1,
    fp8Recipe?: Fp8Recipe,
  ) {
    const B = batch;
    const shapes = layerShapes(spec);
    this.x = this.alloc("activations", [B, spec.inputs], policy.activations);
    this.y = this.alloc("data", [B, spec.outputs], "f32");
    shapes.forEach((shape, l) => {
      const { inputs: I, outputs: O } = shape;
      const w32 = Float32Array.from(weights[l].weight), b32 = Float32Array.from(weights[l].bias);
      const linear = shape.activation === "linear";
      const z = this.alloc("activations", [B, O], policy.activations);
      const da = this.alloc("gradients", [B, O], policy.gradients);
      const dw = this.alloc("gradients", [O, I], policy.gradients);
      const db = this.alloc("gradients", [O], policy.gradients);
      // fp32 gradients without micro-batches need no separate fp32 copy: unscale in place
      const inPlace = policy.gradients === "f32" && accumulationSteps === 1;
      const fp8 = !!policy.fp8;
      this.layers.push({
        shape,
        w: this.alloc("weights", [O, I], policy.weights, w32, fp8 ? 1 : undefined),
        b: this.alloc("weights", [O], policy.weights, b32),
        wMaster: policy.master ? this.alloc("master", [O, I], "f32", w32) : null,
        bMaster: policy.master ? this.alloc("master", [O], "f32", b32) : null,
        z,
        a: linear ? z : this.alloc("activations", [B, O], policy.activations),
        da,
        dz: linear ? da : this.alloc("gradients", [B, O], policy.gradients),
        dw,
        db,
        gw32: inPlace ? dw : this.alloc("gradients", [O, I], "f32"),
        gb32: inPlace ? db : this.alloc("gradients", [O], "f32"),
        // fp8 tensors are f32 here (dequantized values) and count 1 byte a value in the ledger
        fp8: fp8 ? { x: this.alloc("activations", [B, I], "f32", undefined, 1), dz: this.alloc("gradients", [B, O], "f32", undefined, 1) } : null,
      });
    });
    if (policy.fp8 && fp8Recipe) {
      const sizes = this.layers.map((L) => ({ w: L.w.size, x: L.fp8!.x.size, dz: L.fp8!.dz.size }));
      this.fp8 = new Fp8Casts(backend, fp8Recipe, policy.fp8, sizes);
    } else if (policy.fp8) throw new Error("precision mixed-fp8 needs an fp8 recipe");
  }

  alloc(kind: Ledger, shape: number[], dtype: DType, data?: Float32Array, bytesPerValue?: number): Tensor {
    const t = this.backend.tensor(shape, dtype, data);
    this.owned.push(t);
    const bytes = t.size * (bytesPerValue ?? (dtype === "f32" ? 4 : 2));
    this.ledger.set(kind, (this.ledger.get(kind) ?? 0) + bytes);
    return t;
  }

  bytes(kind: Ledger): number {
    return this.ledger.get(kind) ?? 0;
  }

  get output(): Tensor {
    return this.layers[this.layers.length - 1].a;
  }

  /** The tensor the optimizer updates for layer l: the fp32 master, or the weights themselves. */
  params(l: number): { w: Tensor; b: Tensor } {
    const L = this.layers[l];
    return { w: L.wMaster ?? L.w, b: L.bMaster ?? L.b };
  }

  input(l: number): Tensor {
    return l === 0 ? this.x : this.layers[l - 1].a;
  }

  // forward: z_l = a_{l-1} · W_l^T + b_l ;  a_l = act(z_l)
  forward(): void {
    for (let l = 0; l < this.layers.length; l++) this.forwardLayer(l);
  }

  // mixed-fp8: W_l and a_{l-1} are cast to fp8 (own scales) first; z_l is stored bf16
  forwardLayer(l: number, ctx: OpContext = NO_COPIES): void {
    const be = this.backend, L = this.layers[l];
    if (L.fp8 && this.fp8) {
      this.fp8.cast(l, "weights", L.w, L.wMaster!);
      this.fp8.cast(l, "inputs", L.fp8.x, this.input(l));
    }
    // a = act(z) in the same op (a backend may fuse it into the product's store)
    const activated = L.a !== L.z ? { act: L.shape.activation, out: L.a } : undefined;
    matmul(be, { out: L.z, a: L.fp8?.x ?? this.input(l), b: L.w, transB: true, bias: L.b, activated }, ctx);
  }

  // backward from da of the last layer (the loss seed):
  // dz_l = da_l * act'(z_l) ;  da_{l-1} = dz_l · W_l ;  dW_l = dz_l^T · a_{l-1} ;  db_l = sum dz_l
  backwardLayer(l: number, ctx: OpContext = NO_COPIES): void {
    const be = this.backend, L = this.layers[l];
    if (L.dz !== L.da) activationBackward(be, { dx: L.dz, dout: L.da, x: L.z, act: L.shape.activation }, ctx);
    // mixed-fp8: dz_l to fp8 (own scale); both backward matmuls (and db) read it, with the forward's fp8 x and W
    if (L.fp8 && this.fp8) this.fp8.cast(l, "grads", L.fp8.dz, L.dz);
    const dz = L.fp8?.dz ?? L.dz, x = L.fp8?.x ?? this.input(l);
    if (l > 0) matmul(be, { out: this.layers[l - 1].da, a: dz, b: L.w }, ctx); // dx = dz · W
    matmul(be, { out: L.dw, a: dz, transA: true, b: x }, ctx); // dW = dz^T · x
    sumRows(be, { out: L.db, x: dz }, ctx); // db = sum over rows of dz
  }

  dispose(): void {
    this.fp8?.dispose();
    for (const t of this.owned) this.backend.dispose(t);
    this.owned.length = 0;
  }
}

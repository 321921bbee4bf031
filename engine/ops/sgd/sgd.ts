// sgdStep: PyTorch's SGD on one parameter (momentum without dampening, L2 weight decay
// added to the gradient), skipped when the step overflowed or the scaler halted.
//
//   g' = g + wd·w
//   momentum > 0:  buf = momentum·buf + g'   (buf starts at 0: the first step gives g')
//                  w  -= lr·buf
//   momentum = 0:  w  -= lr·g'               (buf is neither read nor written: it may alias g)
// Rounded: w, once, to its dtype (fp32 master weights, or 16-bit weights without a
// master copy); buf is fp32. The CPU and wasm compute in fp64 with buf rounded to fp32.
import type { Backend, Tensor } from "../../backend/backend.js";
import { check, type OpContext } from "../op.js";

export interface SgdParams { lr: number; momentum: number; weightDecay: number }
export interface SgdArgs { w: Tensor; g32: Tensor; buf: Tensor; p: SgdParams }

export function sgdStep(be: Backend, args: SgdArgs, ctx?: OpContext): void {
  const { w, g32, buf } = args;
  check(g32.dtype === "f32" && buf.dtype === "f32" && g32.size === w.size && buf.size === w.size, "sgdStep", "g32 and buf must be f32 tensors of w's size");
  be.run("sgdStep", args, ctx);
}

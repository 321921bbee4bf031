// adamStep: AdamW on one parameter (decoupled weight decay), skipped when the step
// overflowed or the scaler halted. t = applied steps + 1 (step state).
//
//   w *= 1 - lr·wd
//   m  = b1·m + (1 - b1)·g          v = b2·v + (1 - b2)·g²        (fp32)
//   w -= lr · (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
// Rounded: w, once, to its dtype. The CPU and wasm compute in fp64 with m and v rounded
// to fp32; WebGPU in fp32.
import type { Backend, Tensor } from "../../backend/backend.js";
import { check, type OpContext } from "../op.js";

export interface AdamParams { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }
export interface AdamArgs { w: Tensor; g32: Tensor; m: Tensor; v: Tensor; p: AdamParams }

export function adamStep(be: Backend, args: AdamArgs, ctx?: OpContext): void {
  check([args.g32, args.m, args.v].every((t) => t.dtype === "f32" && t.size === args.w.size), "adamStep", "g32, m and v must be f32 tensors of w's size");
  be.run("adamStep", args, ctx);
}

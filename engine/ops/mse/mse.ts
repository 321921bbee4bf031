// mseLoss: the mean squared error in fp32 and the backward seed, in one pass.
//
//   loss += weight · mean((yhat - y)²)                      (the step's loss, fp32)
//   seed  = 2 (yhat - y) / n · weight · scale               rounded to seed.dtype
// n = yhat.size, scale = the step's loss scale (step state), weight = 1 / accumulationSteps.
// With addToLoss false only the seed is written. Rounded: seed, once (its f32 copy from
// the context: the same values rounded to fp32 only). The CPU sums in fp64; WebGPU sums
// per-invocation partials in fp32 in a fixed order (deterministic).
import type { Backend, Tensor } from "../../backend/backend.js";
import { check, shapeOf, type OpContext } from "../op.js";

export interface MseArgs {
  seed: Tensor;
  yhat: Tensor;
  y: Tensor;
  weight: number;
  addToLoss: boolean;
}

export function mseLoss(be: Backend, args: MseArgs, ctx?: OpContext): void {
  check(args.yhat.size === args.y.size && args.seed.size === args.y.size, "mseLoss", `yhat ${shapeOf(args.yhat)}, y ${shapeOf(args.y)} and seed ${shapeOf(args.seed)} differ in size`);
  be.run("mseLoss", args, ctx);
}

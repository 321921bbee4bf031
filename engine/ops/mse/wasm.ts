// mseLoss on the wasm backend: mse.wat writes the seed and returns the sum of squares.
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import { f32CopyOf, type Kernel } from "../op.js";
import type { MseArgs } from "./mse.js";

/** mse.wat's export */
export interface MseKernel {
  mse(seed: number, yhat: number, y: number, n: number, weight: number, scale: number, mode: number, seed32: number): number;
}

export const mseLossWasm: Kernel<WasmKernelContext, MseArgs> = (c, p, ctx) => {
  const copy = f32CopyOf(ctx, p.seed, "mseLoss");
  const sum = c.k.mse(c.p(p.seed), c.p(p.yhat), c.p(p.y), p.y.size, p.weight, c.state.scaleUsed, c.mode(p.seed), copy ? c.p(copy) : 0);
  if (p.addToLoss) c.state.loss += Math.fround(p.weight * Math.fround(sum / p.y.size));
};

// mseLoss on the CPU (the reference): the sum of squares in fp64, the loss rounded to
// fp32 as the WebGPU backend's state holds it, each seed value rounded once.
import { roundTo } from "../../numerics/dtype.js";
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import { f32CopyOf, type Kernel } from "../op.js";
import type { MseArgs } from "./mse.js";

export const mseLossCpu: Kernel<CpuKernelContext, MseArgs> = (c, p, ctx) => {
  const copy = f32CopyOf(ctx, p.seed, "mseLoss");
  const yhat = c.data(p.yhat), y = c.data(p.y), s = c.data(p.seed), s32 = copy ? c.data(copy) : null, n = p.y.size;
  const scale = c.state.scaleUsed, dt = p.seed.dtype;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const diff = yhat[i] - y[i];
    sum += diff * diff;
    const v = ((2 * diff) / n) * p.weight * scale;
    s[i] = roundTo(dt, v);
    if (s32) s32[i] = Math.fround(v);
  }
  if (p.addToLoss) c.state.loss += Math.fround(p.weight * Math.fround(sum / n));
};

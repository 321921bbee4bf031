// sgdStep on the CPU (the reference): fp64 arithmetic, buf rounded to fp32, w once to its dtype.
import { roundTo } from "../../numerics/dtype.js";
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import type { Kernel } from "../op.js";
import type { SgdArgs } from "./sgd.js";

export const sgdStepCpu: Kernel<CpuKernelContext, SgdArgs> = (c, { w, g32, buf, p }) => {
  if (c.state.skip()) return;
  const ws = c.data(w), g = c.data(g32), b = c.data(buf), dt = w.dtype;
  for (let i = 0; i < ws.length; i++) {
    let step = g[i] + p.weightDecay * ws[i];
    if (p.momentum > 0) step = b[i] = Math.fround(p.momentum * b[i] + step);
    ws[i] = roundTo(dt, ws[i] - p.lr * step);
  }
};

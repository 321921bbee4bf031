// adamStep on the CPU (the reference): fp64 arithmetic, m and v rounded to fp32, w once to its dtype.
import { roundTo } from "../../numerics/dtype.js";
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import type { Kernel } from "../op.js";
import type { AdamArgs } from "./adamw.js";

export const adamStepCpu: Kernel<CpuKernelContext, AdamArgs> = (c, { w, g32, m, v, p }) => {
  if (c.state.skip()) return;
  const t = c.state.applied + 1;
  const c1 = 1 - p.beta1 ** t, c2 = 1 - p.beta2 ** t;
  const ws = c.data(w), g = c.data(g32), ms = c.data(m), vs = c.data(v), dt = w.dtype;
  for (let i = 0; i < ws.length; i++) {
    let wi = ws[i] * (1 - p.lr * p.weightDecay);
    ms[i] = Math.fround(p.beta1 * ms[i] + (1 - p.beta1) * g[i]);
    vs[i] = Math.fround(p.beta2 * vs[i] + (1 - p.beta2) * g[i] * g[i]);
    wi -= (p.lr * (ms[i] / c1)) / (Math.sqrt(vs[i] / c2) + p.eps);
    ws[i] = roundTo(dt, wi);
  }
};

// The activation on the CPU (the reference): f and f' in fp64 (math.ts), rounded once.
import { roundTo } from "../../numerics/dtype.js";
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import type { Kernel } from "../op.js";
import type { ActivationBackwardArgs, ActivationForwardArgs } from "./activation.js";
import { activate, activateGrad } from "./math.js";

export const activationForwardCpu: Kernel<CpuKernelContext, ActivationForwardArgs> = (c, p) => {
  const o = c.data(p.out), x = c.data(p.x), dt = p.out.dtype;
  for (let i = 0; i < x.length; i++) o[i] = roundTo(dt, activate(p.act, x[i]));
};

export const activationBackwardCpu: Kernel<CpuKernelContext, ActivationBackwardArgs> = (c, p) => {
  const o = c.data(p.dx), g = c.data(p.dout), x = c.data(p.x), dt = p.dx.dtype;
  for (let i = 0; i < x.length; i++) o[i] = roundTo(dt, g[i] * activateGrad(p.act, x[i]));
};

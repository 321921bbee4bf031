// hadamard16 on the CPU: engine/numerics/hadamard.ts, the one definition.
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import { hadamard16 } from "../../numerics/hadamard.js";
import type { Kernel } from "../op.js";
import type { HadamardArgs } from "./hadamard.js";

export const hadamard16Cpu: Kernel<CpuKernelContext, HadamardArgs> = (c, { out, x, rows, cols }) => {
  c.data(out).set(hadamard16(c.data(x), rows, cols));
};

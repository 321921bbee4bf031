// gatherRows on the CPU (the reference).
import { roundTo } from "../../numerics/dtype.js";
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import { matrixOf } from "../matmul/matmul.js";
import type { Kernel } from "../op.js";
import type { GatherRowsArgs } from "./gatherRows.js";

export const gatherRowsCpu: Kernel<CpuKernelContext, GatherRowsArgs> = (c, p) => {
  const [rows, cols] = matrixOf(p.out);
  const o = c.data(p.out), s = c.data(p.src), ix = c.data(p.idx), dt = p.out.dtype;
  for (let r = 0; r < rows; r++) {
    const row = ix[p.offset + r];
    for (let k = 0; k < cols; k++) o[r * cols + k] = roundTo(dt, s[row * cols + k]);
  }
};

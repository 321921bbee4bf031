// sumRows on the CPU (the reference): each column's sum in fp64, rows in order, rounded once.
import { roundTo } from "../../numerics/dtype.js";
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import { matrixOf } from "../matmul/matmul.js";
import type { Kernel } from "../op.js";
import type { SumRowsArgs } from "./sumRows.js";

export const sumRowsCpu: Kernel<CpuKernelContext, SumRowsArgs> = (c, p) => {
  const [M, N] = matrixOf(p.x);
  const x = c.data(p.x), o = c.data(p.out);
  for (let n = 0; n < N; n++) {
    let acc = 0;
    for (let m = 0; m < M; m++) acc += x[m * N + n];
    o[n] = roundTo(p.out.dtype, acc);
  }
};

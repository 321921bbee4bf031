// matmul on the CPU (the reference): each sum in fp64 (JS numbers), bias first, k in
// order, rounded once to out's dtype (and to fp32 for the f32 copy).
import { roundTo } from "../../numerics/dtype.js";
import type { CpuKernelContext } from "../../backend/cpu/cpuContext.js";
import { activationForwardCpu } from "../activation/cpu.js";
import { f32CopyOf, type Kernel } from "../op.js";
import { matmulDims, type MatmulArgs } from "./matmul.js";

export const matmulCpu: Kernel<CpuKernelContext, MatmulArgs> = (c, p, ctx) => {
  const { M, N, K } = matmulDims(p);
  const a = c.data(p.a), b = c.data(p.b), o = c.data(p.out), bias = p.bias ? c.data(p.bias) : null;
  const copy = f32CopyOf(ctx, p.out, "matmul"), o32 = copy ? c.data(copy) : null;
  // A(m,k) = a[m*sam + k*sak], B(k,n) = b[k*sbk + n*sbn]
  const [sam, sak] = p.transA ? [1, M] : [K, 1];
  const [sbk, sbn] = p.transB ? [1, K] : [N, 1];
  const dt = p.out.dtype;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = bias ? bias[n] : 0;
      for (let k = 0; k < K; k++) acc += a[m * sam + k * sak] * b[k * sbk + n * sbn];
      o[m * N + n] = roundTo(dt, acc);
      if (o32) o32[m * N + n] = Math.fround(acc);
    }
  }
  if (p.activated) activationForwardCpu(c, { out: p.activated.out, x: p.out, act: p.activated.act }, ctx);
};

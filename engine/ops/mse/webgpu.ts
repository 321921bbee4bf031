// mseLoss on WebGPU: mseLoss.wgsl writes the seed and per-invocation partial sums; the
// core's reduceInto.wgsl adds weight · sum / n to the step's loss (two dispatches: no
// float atomics in WGSL, and a fixed summation order keeps runs deterministic).
import { DT_CODE, KERNELS, ONE_D, STATE, WORKGROUP_SIZE, kernel } from "../../backend/webgpu/kernels.js";
import { wordCount } from "../../backend/webgpu/hostCodec.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import { f32CopyOf, type Kernel } from "../op.js";
import type { MseArgs } from "./mse.js";
import mseLoss from "./mseLoss.wgsl";

const MSE_LOSS = kernel("mseLoss", mseLoss, [...ONE_D, ...STATE], ["write", "read", "read", "write", "write", "write"]);

export const mseLossWebGpu: Kernel<WebGpuKernelContext, MseArgs> = (c, p, ctx) => {
  const seed32 = f32CopyOf(ctx, p.seed, "mseLoss");
  const n = p.y.size;
  const threads = c.threads(wordCount(p.seed.dtype, n), 16, 16384);
  const partials = c.pool.acquire(threads * 4, "loss partial sums");
  c.run(MSE_LOSS, { DT_YHAT: DT_CODE[p.yhat.dtype], DT_Y: DT_CODE[p.y.dtype], DT_SEED: DT_CODE[p.seed.dtype], HAS_SEED32: !!seed32 },
    [c.state, c.buf(p.yhat), c.buf(p.y), c.buf(p.seed), partials, seed32 ? c.buf(seed32) : c.dummy], [n, threads, { f: p.weight }], [Math.ceil(threads / WORKGROUP_SIZE)]);
  if (p.addToLoss) c.run(KERNELS.reduceInto, { FIELD: 0 }, [c.state, partials], [threads, { f: n }, { f: p.weight }], [1]);
  c.pool.release(partials);
};

// quantizeFp8 on WebGPU: an amax pass (fp8Amax.wgsl), the cast (fp8Quantize.wgsl, with
// the fp8 conversions of the fp8.wgsl prelude), then the record (fp8Record.wgsl).
import type { Tensor } from "../../backend/backend.js";
import { DT_CODE, ONE_D, WORKGROUP_SIZE, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import type { Fp8Cast } from "../../numerics/fp8Quantize.js";
import type { Kernel } from "../op.js";
import type { QuantizeFp8Args } from "./quantize.js";
import fp8 from "./fp8.wgsl";
import fp8Amax from "./fp8Amax.wgsl";
import fp8Quantize from "./fp8Quantize.wgsl";
import fp8Record from "./fp8Record.wgsl";

const FP8_AMAX = kernel("fp8Amax", fp8Amax, [fp8, ...ONE_D], ["read", "write"]);
const FP8_QUANTIZE = kernel("fp8Quantize", fp8Quantize, [fp8, ...ONE_D], ["read", "write", "write", "write"]);
const FP8_RECORD = kernel("fp8Record", fp8Record, [], ["read", "write"]);

export const FMT_CODE = { e4m3: 0, e5m2: 1 } as const;
export const SCALING_CODE = { tensor: 0, current: 1, block: 2 } as const;

export const quantizeFp8WebGpu: Kernel<WebGpuKernelContext, QuantizeFp8Args> = (c, p) => {
  const { acc, codes } = fp8Cast(c, p.out, p.x, p.cast);
  c.run(FP8_RECORD, {}, [acc, c.buf(p.record)], [p.slot], [1]);
  c.pool.release(acc);
  c.pool.release(codes);
};

/** amax pass, then the cast; returns the pooled accumulators and the codes (4 a word). */
export function fp8Cast(c: WebGpuKernelContext, out: Tensor, x: Tensor, cast: Fp8Cast): { acc: GPUBuffer; codes: GPUBuffer } {
  const n = x.size;
  const acc = c.pool.acquire(16, "fp8 cast accumulators");
  c.rec.clear(acc);
  const codes = c.pool.acquire(Math.ceil(n / 4) * 4, "fp8 codes");
  const threads = c.threads(n, 256, 1024);
  c.run(FP8_AMAX, { DT_X: DT_CODE[x.dtype] }, [c.buf(x), acc], [n, threads], [Math.ceil(threads / WORKGROUP_SIZE)]);
  const s = Math.fround(cast.scale), inv = Math.fround(1 / s);
  const group = cast.scaling === "block" ? 32 : 4;
  c.run(FP8_QUANTIZE, { DT_X: DT_CODE[x.dtype], FMT: FMT_CODE[cast.format], SATURATE: cast.saturate, SCALING: SCALING_CODE[cast.scaling] },
    [c.buf(x), c.buf(out), codes, acc], [n, { f: cast.scaling === "tensor" ? s : 1 }, { f: cast.scaling === "tensor" ? inv : 1 }], c.groups(Math.ceil(n / group)));
  return { acc, codes };
}

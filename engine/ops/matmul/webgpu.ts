// matmul on WebGPU: every product as A·B^T on f32 operands (matmulNT.wgsl, the one fast
// kernel shape found on SwiftShader); a transposed operand is an exact f32 transpose
// first (transposeToF32.wgsl), an f16/bf16 one an exact f32 copy (the core's cast).
//   forward (transB)  out = x · w^T               matmulNT(x, w)
//   NN                out = a · b                  matmulNT(a, transpose(b))
//   TN (transA)       out = a^T · b                matmulNT(transpose(a), transpose(b))
import type { DType, Tensor } from "../../backend/backend.js";
import { wordCount } from "../../backend/webgpu/hostCodec.js";
import { DT_CODE, KERNELS, PER_WORD, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import { activationForwardWebGpu } from "../activation/webgpu.js";
import { f32CopyOf, type Kernel } from "../op.js";
import { matmulDims, matrixOf, type MatmulArgs } from "./matmul.js";
import matmulNT from "./matmulNT.wgsl";
import transposeToF32 from "./transposeToF32.wgsl";

export const MATMUL_KERNELS = {
  matmulNT: kernel("matmulNT", matmulNT, [], ["read", "read", "read", "write", "write"]),
  transposeToF32: kernel("transposeToF32", transposeToF32, PER_WORD, ["read", "write"]),
};

export const matmulWebGpu: Kernel<WebGpuKernelContext, MatmulArgs> = (c, p, ctx) => {
  const { M, N, K } = matmulDims(p);
  const copy = f32CopyOf(ctx, p.out, "matmul");
  // A as [M, K] and B as [N, K]: the operands themselves, or their f32 transposes
  const release: GPUBuffer[] = [];
  const operand = (t: Tensor, transposed: boolean): [GPUBuffer, DType] => {
    if (!transposed) return [c.buf(t), t.dtype];
    const buf = transpose(c, t);
    release.push(buf);
    return [buf, "f32"];
  };
  const [a, aType] = operand(p.a, !!p.transA);
  const [b, bType] = operand(p.b, !p.transB);
  matmulNTInto(c, p.out, copy, a, aType, b, bType, p.bias ?? null, M, N, K);
  for (const t of release) c.pool.release(t);
  // the activation as its own dispatch, in the same queue (not fused into the matmul's store here)
  if (p.activated) activationForwardWebGpu(c, { out: p.activated.out, x: p.out, act: p.activated.act }, ctx);
};

/** out = A·B^T (+ bias) rounded to out.dtype; out32 (optional, f32): the same unrounded. */
function matmulNTInto(c: WebGpuKernelContext, out: Tensor, out32: Tensor | undefined, a: GPUBuffer, aType: DType, b: GPUBuffer, bType: DType, bias: Tensor | null, M: number, N: number, K: number): void {
  // f16/bf16 operands are decoded (exactly) into f32 scratch first: see matmulNT.wgsl.
  const a32 = aType === "f32" ? a : decodeToF32(c, a, aType, M * K);
  const b32 = bType === "f32" ? b : decodeToF32(c, b, bType, N * K);
  // A packed C needs whole words per invocation (N even); else compute in f32 (out32
  // when there is one) and cast.
  const direct = out.dtype === "f32" || N % 2 === 0;
  const cBuf = direct ? c.buf(out) : out32 ? c.buf(out32) : c.pool.acquire(M * N * 4, "matmul f32 result");
  const c32 = direct && out32 ? c.buf(out32) : null;
  c.run(MATMUL_KERNELS.matmulNT, { DT_C: direct ? DT_CODE[out.dtype] : 0, DT_BIAS: bias ? DT_CODE[bias.dtype] : 0, HAS_BIAS: !!bias, VEC: K % 4 === 0, HAS_C32: !!c32 },
    [a32, b32, bias ? c.buf(bias) : a32, cBuf, c32 ?? c.dummy], [M, N, K], [Math.ceil(N / 32), Math.ceil(M / 32)]);
  if (!direct) {
    c.run(KERNELS.cast, { DT_X: 0, DT_OUT: DT_CODE[out.dtype] }, [cBuf, c.buf(out)], [out.size], c.groups(wordCount(out.dtype, out.size)));
    if (!out32) c.pool.release(cBuf);
  }
  if (a32 !== a) c.pool.release(a32);
  if (b32 !== b) c.pool.release(b32);
}

/** An exact f32 copy of `n` values of a packed buffer, in a pooled buffer. */
function decodeToF32(c: WebGpuKernelContext, src: GPUBuffer, dtype: DType, n: number): GPUBuffer {
  const dst = c.pool.acquire(n * 4, "matmul operand in f32");
  c.run(KERNELS.cast, { DT_X: DT_CODE[dtype], DT_OUT: 0 }, [src, dst], [n], c.groups(n));
  return dst;
}

/** An f32 [cols, rows] transpose of t viewed as a matrix [rows, cols], in a pooled buffer. */
function transpose(c: WebGpuKernelContext, t: Tensor): GPUBuffer {
  const [rows, cols] = matrixOf(t);
  const dst = c.pool.acquire(rows * cols * 4, "transpose");
  c.run(MATMUL_KERNELS.transposeToF32, { DT_SRC: DT_CODE[t.dtype] }, [c.buf(t), dst], [rows, cols], c.groups(rows * cols));
  return dst;
}

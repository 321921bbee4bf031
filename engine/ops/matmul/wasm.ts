// matmul on the wasm backend: the GEMM of gemm.wat (a 4x8 register tile, B packed into
// 8-column panels, A read in place through strides so that the transposed products need
// no copies), run by the backend's GEMM driver (two threads where it has a helper).
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import { fits } from "../../backend/wasm/wasmContext.js";
import { activationForwardWasm } from "../activation/wasm.js";
import { f32CopyOf, type Kernel } from "../op.js";
import { matmulDims, type MatmulArgs } from "./matmul.js";

/** gemm.wat's export */
export interface GemmKernel {
  gemm(M: number, N: number, K: number, a: number, sam: number, sak: number, b: number, sbk: number, sbn: number, c: number, bias: number, mode: number, pack: number, scratch: number, c32: number, ca: number): void;
}

export const matmulWasm: Kernel<WasmKernelContext, MatmulArgs> = (c, p, ctx) => {
  const { M, N, K } = matmulDims(p);
  const copy = f32CopyOf(ctx, p.out, "matmul");
  const [sam, sak] = p.transA ? [1, M] : [K, 1];
  const [sbk, sbn] = p.transB ? [1, K] : [N, 1];
  // ReLU of a value that fits the activation's format is exact: fused into the GEMM's store
  const act = p.activated;
  const fused = act && act.act === "relu" && fits(p.out, act.out) && act.out !== p.out ? act.out : null;
  c.gemm.run({
    M, N, K, a: c.p(p.a), sam, sak, b: c.p(p.b), sbk, sbn,
    c: c.p(p.out), bias: p.bias ? c.p(p.bias) : 0, mode: c.mode(p.out), c32: copy ? c.p(copy) : 0, ca: fused ? c.p(fused) : 0,
  });
  if (act && !fused) activationForwardWasm(c, { out: act.out, x: p.out, act: act.act }, ctx);
};

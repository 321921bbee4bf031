// Instantiates the kernels (kernels.wat, assembled by the build) over a heap: the
// relaxed-SIMD build where the runtime validates it (fused multiply-add in the GEMM), else
// the plain SIMD build. A runtime without WebAssembly SIMD gets a clear error.
import binaries from "./kernels.wat";
import type { WasmHeap } from "./wasmHeap.js";
import { webAssembly, type WasmModule } from "./webAssembly.js";

export interface Kernels {
  round_inplace(p: number, n: number, mode: number): void;
  cast(dst: number, src: number, n: number, mode: number): void;
  gemm(M: number, N: number, K: number, a: number, sam: number, sak: number, b: number, sbk: number, sbn: number, c: number, bias: number, mode: number, pack: number, scratch: number, c32: number, ca: number): void;
  colsum(out: number, g: number, M: number, N: number, mode: number): void;
  gather(out: number, src: number, idx: number, offset: number, rows: number, cols: number, mode: number): void;
  activation(out: number, dout: number, x: number, n: number, act: number, mode: number): void;
  mse(seed: number, yhat: number, y: number, n: number, weight: number, scale: number, mode: number, seed32: number): number;
  unscale(g32: number, g: number, n: number, scale: number, inv: number, accumulate: number): number;
  sumsq(p: number, n: number): number;
  nonfinite(p: number, n: number): number;
  sgd(w: number, g: number, buf: number, n: number, lr: number, momentum: number, wd: number, mode: number): void;
  adam(w: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, wd: number, c1: number, c2: number, mode: number): void;
  observe(x: number, before: number, n: number, sub: number, out: number, lanes: number): void;
}

/** K values per GEMM block (gemm.wat's K_BLOCK) */
export const K_BLOCK = 256;

/** Whether this runtime has relaxed SIMD: it validates the relaxed build. */
export const hasRelaxedSimd = (): boolean => webAssembly().validate(binaries.relaxed);

/** The kernels' imports over `memory` (the host's Math for the transcendentals). */
export const kernelImports = (memory: object) => ({ env: { memory }, math: { tanh: Math.tanh, exp: Math.exp } });

/** Compiles the build for this runtime (shared: over a shared memory, for worker threads) and instantiates it over the heap. */
export async function instantiateKernels(heap: WasmHeap, shared = false): Promise<{ kernels: Kernels; relaxed: boolean; module: WasmModule }> {
  const relaxed = hasRelaxedSimd();
  if (!relaxed && !webAssembly().validate(binaries.simd)) throw new Error("this runtime has no WebAssembly SIMD (fixed-width v128)");
  const bytes = shared ? (relaxed ? binaries.sharedRelaxed : binaries.sharedSimd) : relaxed ? binaries.relaxed : binaries.simd;
  const module = await webAssembly().compile(bytes);
  const instance = await webAssembly().instantiate(module, kernelImports(heap.memory));
  return { kernels: instance.exports as unknown as Kernels, relaxed, module };
}

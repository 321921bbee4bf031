// Instantiates the kernels (kernels.wat and the op kernels it includes, assembled by the build) over a heap: the
// relaxed-SIMD build where the runtime validates it (fused multiply-add in the GEMM), else
// the plain SIMD build. A runtime without WebAssembly SIMD gets a clear error.
import binaries from "./kernels.wat";
import type { WasmHeap } from "./wasmHeap.js";
import type { ActivationKernel } from "../../ops/activation/wasm.js";
import type { AdamKernel } from "../../ops/adamw/wasm.js";
import type { GatherKernel } from "../../ops/gatherRows/wasm.js";
import type { GemmKernel } from "../../ops/matmul/wasm.js";
import type { MseKernel } from "../../ops/mse/wasm.js";
import type { SgdKernel } from "../../ops/sgd/wasm.js";
import type { ColsumKernel } from "../../ops/sumRows/wasm.js";
import { webAssembly, type WasmModule } from "./webAssembly.js";

/** The core's exports (round.wat, check.wat, stats.wat). */
export interface CoreKernels {
  round_inplace(p: number, n: number, mode: number): void;
  cast(dst: number, src: number, n: number, mode: number): void;
  unscale(g32: number, g: number, n: number, scale: number, inv: number, accumulate: number): number;
  sumsq(p: number, n: number): number;
  nonfinite(p: number, n: number): number;
  observe(x: number, before: number, n: number, sub: number, out: number, lanes: number): void;
}

/** Every export of the module: the core's and each op's (engine/ops/<op>/wasm.ts). */
export type Kernels = CoreKernels & GemmKernel & ColsumKernel & GatherKernel & ActivationKernel & MseKernel & SgdKernel & AdamKernel;

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

// What the wasm backend hands its kernels (engine/ops/<op>/wasm.ts): the module's exports,
// tensor addresses, the rounding mode of a dtype, the GEMM driver and the step state.
import type { DType, Tensor } from "../backend.js";
import type { HostStepState } from "../hostStepState.js";
import type { GemmDriver } from "./gemmDriver.js";
import type { Kernels } from "./wasmKernels.js";
import type { WasmHeap } from "./wasmHeap.js";

/** The kernels' rounding modes (kernels.wat). */
export const MODE: Readonly<Record<DType, number>> = { f32: 0, f16: 1, bf16: 2 };

export interface WasmKernelContext {
  k: Kernels;
  heap: WasmHeap;
  /** the tensor's byte address (checked: this backend's, not disposed) */
  p(t: Tensor): number;
  /** the rounding mode of the tensor's dtype */
  mode(t: Tensor): number;
  gemm: GemmDriver;
  state: HostStepState;
}

/** Every value of a's format is one of b's format (a store from a into b needs no rounding). */
export const fits = (a: Tensor, b: Tensor): boolean => b.dtype === "f32" || a.dtype === b.dtype;

// hadamard16 on the wasm backend: hadamard16.wat.
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import type { Kernel } from "../op.js";
import { HADAMARD_SIGN_MASK, type HadamardArgs } from "./hadamard.js";

/** hadamard16.wat's export */
export interface HadamardKernel {
  hadamard16(x: number, out: number, rows: number, cols: number, signs: number): void;
}

export const hadamard16Wasm: Kernel<WasmKernelContext, HadamardArgs> = (c, { out, x, rows, cols }) => {
  c.k.hadamard16(c.p(x), c.p(out), rows, cols, HADAMARD_SIGN_MASK);
};

// sumRows on the wasm backend: colsum.wat.
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import { matrixOf } from "../matmul/matmul.js";
import type { Kernel } from "../op.js";
import type { SumRowsArgs } from "./sumRows.js";

/** colsum.wat's export */
export interface ColsumKernel {
  colsum(out: number, g: number, M: number, N: number, mode: number): void;
}

export const sumRowsWasm: Kernel<WasmKernelContext, SumRowsArgs> = (c, p) => {
  const [M, N] = matrixOf(p.x);
  c.k.colsum(c.p(p.out), c.p(p.x), M, N, c.mode(p.out));
};

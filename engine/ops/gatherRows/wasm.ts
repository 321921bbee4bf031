// gatherRows on the wasm backend: gather.wat, after checking every row number (the
// kernel reads memory at them).
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import { matrixOf } from "../matmul/matmul.js";
import type { Kernel } from "../op.js";
import type { GatherRowsArgs } from "./gatherRows.js";

/** gather.wat's export */
export interface GatherKernel {
  gather(out: number, src: number, idx: number, offset: number, rows: number, cols: number, mode: number): void;
}

export const gatherRowsWasm: Kernel<WasmKernelContext, GatherRowsArgs> = (c, p) => {
  const [rows, cols] = matrixOf(p.out), srcRows = matrixOf(p.src)[0];
  const ix = c.heap.f32.subarray(c.p(p.idx) / 4 + p.offset, c.p(p.idx) / 4 + p.offset + rows);
  for (const row of ix) {
    if (!(Number.isInteger(row) && row >= 0 && row < srcRows)) throw new Error(`wasm backend: gatherRows: row ${row} outside 0..${srcRows - 1}`);
  }
  c.k.gather(c.p(p.out), c.p(p.src), c.p(p.idx), p.offset, rows, cols, c.mode(p.out));
};

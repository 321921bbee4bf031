// blockQuantize on the wasm backend: blockQuantize.wat, with the element's and the E4M3
// scale's descriptors and the 16 parameter words in the heap's reserved scratch.
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import { FORMAT_SCRATCH } from "../../backend/wasm/wasmHeap.js";
import { descriptorWords } from "../formats/descriptor.js";
import type { Kernel } from "../op.js";
import { blockParams, type BlockQuantizeArgs } from "./blockQuantize.js";

/** blockQuantize.wat's export */
export interface BlockQuantizeKernel {
  block_quantize(p: number, x: number, values: number, codes: number, record: number, ed: number, sd: number): void;
}

export const blockQuantizeWasm: Kernel<WasmKernelContext, BlockQuantizeArgs> = (c, { out, x, rows, cols, plan, record, codes }) => {
  const scratch = new Uint32Array(c.heap.memory.buffer, FORMAT_SCRATCH, 32);
  scratch.set(descriptorWords(plan.element), 0);
  scratch.set(descriptorWords("e4m3"), 8);
  scratch.set(blockParams(plan, rows, cols), 16);
  c.k.block_quantize(FORMAT_SCRATCH + 64, c.p(x), c.p(out), codes ? c.p(codes) : 0, c.p(record), FORMAT_SCRATCH, FORMAT_SCRATCH + 32);
};

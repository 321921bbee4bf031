// roundedUpdate on the wasm backend: roundedUpdate.wat (its descriptor in the heap's scratch).
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import { FORMAT_SCRATCH } from "../../backend/wasm/wasmHeap.js";
import { descriptorWords } from "../formats/descriptor.js";
import type { Kernel } from "../op.js";
import type { RoundedUpdateArgs } from "./roundedUpdate.js";

/** roundedUpdate.wat's export */
export interface RoundedUpdateKernel {
  rounded_update(w: number, u: number, n: number, d: number, sr: number, seed: number, base: number): number;
}

export const roundedUpdateWasm: Kernel<WasmKernelContext, RoundedUpdateArgs> = (c, { w, u, p, record, slot = 0 }) => {
  new Uint32Array(c.heap.memory.buffer, FORMAT_SCRATCH, 8).set(descriptorWords(p.format));
  const lost = c.k.rounded_update(c.p(w), c.p(u), w.size, FORMAT_SCRATCH, p.rounding === "stochastic" ? 1 : 0, p.seed >>> 0, p.indexBase >>> 0) >>> 0;
  if (record) new Float32Array(c.heap.memory.buffer, c.p(record), record.size)[slot] = lost;
};

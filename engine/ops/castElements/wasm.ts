// castElements on the wasm backend: castElements.wat (the format's descriptor in the
// heap's reserved scratch, FORMAT_SCRATCH).
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import { FORMAT_SCRATCH } from "../../backend/wasm/wasmHeap.js";
import { descriptorWords } from "../formats/descriptor.js";
import type { Kernel } from "../op.js";
import type { CastElementsArgs } from "./castElements.js";

/** castElements.wat's export */
export interface CastElementsKernel {
  cast_elements(x: number, codes: number, values: number, n: number, d: number, sat: number, sr: number, seed: number, base: number): void;
}

export const castElementsWasm: Kernel<WasmKernelContext, CastElementsArgs> = (c, { out, x, codes, p }) => {
  new Uint32Array(c.heap.memory.buffer, FORMAT_SCRATCH, 8).set(descriptorWords(p.format));
  c.k.cast_elements(c.p(x), codes ? c.p(codes) : 0, c.p(out), x.size, FORMAT_SCRATCH, p.saturate ? 1 : 0, p.rounding === "stochastic" ? 1 : 0, p.seed >>> 0, p.indexBase >>> 0);
};

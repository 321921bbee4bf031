// adamStep on the wasm backend: adam.wat, with the bias corrections from the host's step count.
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import type { Kernel } from "../op.js";
import type { AdamArgs } from "./adamw.js";

/** adam.wat's export */
export interface AdamKernel {
  adam(w: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, wd: number, c1: number, c2: number, mode: number): void;
}

export const adamStepWasm: Kernel<WasmKernelContext, AdamArgs> = (c, { w, g32, m, v, p }) => {
  if (c.state.skip()) return;
  const t = c.state.applied + 1;
  c.k.adam(c.p(w), c.p(g32), c.p(m), c.p(v), w.size, p.lr, p.beta1, p.beta2, p.eps, p.weightDecay, 1 - p.beta1 ** t, 1 - p.beta2 ** t, c.mode(w));
};

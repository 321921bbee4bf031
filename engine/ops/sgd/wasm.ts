// sgdStep on the wasm backend: sgd.wat (skipped on the host when the step is).
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import type { Kernel } from "../op.js";
import type { SgdArgs } from "./sgd.js";

/** sgd.wat's export */
export interface SgdKernel {
  sgd(w: number, g: number, buf: number, n: number, lr: number, momentum: number, wd: number, mode: number): void;
}

export const sgdStepWasm: Kernel<WasmKernelContext, SgdArgs> = (c, { w, g32, buf, p }) => {
  if (c.state.skip()) return;
  c.k.sgd(c.p(w), c.p(g32), c.p(buf), w.size, p.lr, p.momentum, p.weightDecay, c.mode(w));
};

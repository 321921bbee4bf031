// The activation on the wasm backend: activation.wat. ReLU and linear only select or copy
// values (x, 0, dout, dout·0): no rounding pass when the input's format fits the output's.
import type { Tensor } from "../../backend/backend.js";
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import { fits } from "../../backend/wasm/wasmContext.js";
import type { Kernel } from "../op.js";
import { ACTIVATION_CODE, type Activation, type ActivationBackwardArgs, type ActivationForwardArgs } from "./activation.js";

/** activation.wat's export: out = act(x), or with dout (not 0) out = dout · act'(x) */
export interface ActivationKernel {
  activation(out: number, dout: number, x: number, n: number, act: number, mode: number): void;
}

const exact = (act: Activation, from: Tensor, to: Tensor) => (act === "relu" || act === "linear") && fits(from, to);

export const activationForwardWasm: Kernel<WasmKernelContext, ActivationForwardArgs> = (c, p) => {
  c.k.activation(c.p(p.out), 0, c.p(p.x), p.x.size, ACTIVATION_CODE[p.act], exact(p.act, p.x, p.out) ? 0 : c.mode(p.out));
};

export const activationBackwardWasm: Kernel<WasmKernelContext, ActivationBackwardArgs> = (c, p) => {
  c.k.activation(c.p(p.dx), c.p(p.dout), c.p(p.x), p.x.size, ACTIVATION_CODE[p.act], exact(p.act, p.dout, p.dx) ? 0 : c.mode(p.dx));
};

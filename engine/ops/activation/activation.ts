// activation: an elementwise function of the pre-activation x, and its backward.
//
//   forward   out = f(x)
//   backward  dx  = dout · f'(x)          (x: the forward's input, the pre-activation)
//
//   relu     f = max(x, 0)                          f' = [x > 0]
//   tanh     f = tanh x                             f' = 1 - tanh² x
//   sigmoid  f = 1 / (1 + e^-x)                     f' = f (1 - f)
//   gelu     f = x/2 (1 + tanh u), u = √(2/π)(x + 0.044715 x³)   (PyTorch's approximate="tanh":
//            WGSL has no erf and every backend computes the same function)
//            f' = (1 + tanh u)/2 + x/2 (1 - tanh² u) √(2/π)(1 + 3·0.044715 x²)
//   linear   f = x                                  f' = 1
// Rounded: out (dx), once, to its dtype. The CPU computes f and f' in fp64 (wasm calls
// the host's Math for tanh and exp, so it agrees to the last bit); WebGPU in fp32.
import type { Backend, Tensor } from "../../backend/backend.js";
import { check, shapeOf, type OpContext } from "../op.js";

export const ACTIVATIONS = ["relu", "gelu", "tanh", "sigmoid", "linear"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** The one numbering of the activations, for kernels (wasm's `act` argument, WGSL's ACT constant). */
export const ACTIVATION_CODE: Readonly<Record<Activation, number>> = { linear: 0, relu: 1, tanh: 2, sigmoid: 3, gelu: 4 };

export interface ActivationForwardArgs { out: Tensor; x: Tensor; act: Activation }
export interface ActivationBackwardArgs { dx: Tensor; dout: Tensor; x: Tensor; act: Activation }

function checkAct(act: Activation, op: string): void {
  check(act in ACTIVATION_CODE, op, `unknown activation ${JSON.stringify(act)}: allowed are ${ACTIVATIONS.map((a) => JSON.stringify(a)).join(", ")}`);
}

export function activationForward(be: Backend, args: ActivationForwardArgs, ctx?: OpContext): void {
  checkAct(args.act, "activationForward");
  check(args.out.size === args.x.size, "activationForward", `out ${shapeOf(args.out)} and x ${shapeOf(args.x)} differ in size`);
  be.run("activationForward", args, ctx);
}

export function activationBackward(be: Backend, args: ActivationBackwardArgs, ctx?: OpContext): void {
  checkAct(args.act, "activationBackward");
  check(args.dx.size === args.x.size && args.dout.size === args.x.size, "activationBackward", `dx ${shapeOf(args.dx)}, dout ${shapeOf(args.dout)} and x ${shapeOf(args.x)} differ in size`);
  be.run("activationBackward", args, ctx);
}

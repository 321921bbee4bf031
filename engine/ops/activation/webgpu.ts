// The activation on WebGPU: activationForward.wgsl and activationBackward.wgsl, with the
// functions in the activations.wgsl prelude; ACT (ACTIVATION_CODE) picks the function, so
// each activation is a pipeline of its own.
import { wordCount } from "../../backend/webgpu/hostCodec.js";
import { DT_CODE, PER_WORD, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import type { Kernel } from "../op.js";
import { ACTIVATION_CODE, type ActivationBackwardArgs, type ActivationForwardArgs } from "./activation.js";
import activations from "./activations.wgsl";
import activationForward from "./activationForward.wgsl";
import activationBackward from "./activationBackward.wgsl";

const FORWARD = kernel("activationForward", activationForward, [activations, ...PER_WORD], ["read", "write"]);
const BACKWARD = kernel("activationBackward", activationBackward, [activations, ...PER_WORD], ["read", "read", "write"]);

export const activationForwardWebGpu: Kernel<WebGpuKernelContext, ActivationForwardArgs> = (c, p) => {
  c.run(FORWARD, { DT_X: DT_CODE[p.x.dtype], DT_OUT: DT_CODE[p.out.dtype], ACT: ACTIVATION_CODE[p.act] },
    [c.buf(p.x), c.buf(p.out)], [p.out.size], c.groups(wordCount(p.out.dtype, p.out.size)));
};

export const activationBackwardWebGpu: Kernel<WebGpuKernelContext, ActivationBackwardArgs> = (c, p) => {
  c.run(BACKWARD, { DT_DOUT: DT_CODE[p.dout.dtype], DT_X: DT_CODE[p.x.dtype], DT_OUT: DT_CODE[p.dx.dtype], ACT: ACTIVATION_CODE[p.act] },
    [c.buf(p.dout), c.buf(p.x), c.buf(p.dx)], [p.dx.size], c.groups(wordCount(p.dx.dtype, p.dx.size)));
};

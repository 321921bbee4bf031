// sgdStep on WebGPU: sgdStep.wgsl reads the skip condition from the GPU step state.
import { wordCount } from "../../backend/webgpu/hostCodec.js";
import { DT_CODE, PER_WORD, STATE, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import type { Kernel } from "../op.js";
import type { SgdArgs } from "./sgd.js";
import sgdStep from "./sgdStep.wgsl";

const SGD_STEP = kernel("sgdStep", sgdStep, [...STATE, ...PER_WORD], ["write", "write", "read", "write"]);

export const sgdStepWebGpu: Kernel<WebGpuKernelContext, SgdArgs> = (c, { w, g32, buf, p }) => {
  // Without momentum buf is not touched (it may alias g32): bind a dummy in its place.
  const momentum = p.momentum > 0;
  c.run(SGD_STEP, { DT_OUT: DT_CODE[w.dtype], MOMENTUM: momentum }, [c.state, c.buf(w), c.buf(g32), momentum ? c.buf(buf) : c.dummy],
    [w.size, { f: p.lr }, { f: p.momentum }, { f: p.weightDecay }], c.groups(wordCount(w.dtype, w.size)));
};

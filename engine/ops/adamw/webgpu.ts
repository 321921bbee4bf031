// adamStep on WebGPU: adamStep.wgsl reads the skip condition and t from the GPU step state.
import { wordCount } from "../../backend/webgpu/hostCodec.js";
import { DT_CODE, PER_WORD, STATE, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import type { Kernel } from "../op.js";
import type { AdamArgs } from "./adamw.js";
import adamStep from "./adamStep.wgsl";

const ADAM_STEP = kernel("adamStep", adamStep, [...STATE, ...PER_WORD], ["write", "write", "read", "write", "write"]);

export const adamStepWebGpu: Kernel<WebGpuKernelContext, AdamArgs> = (c, { w, g32, m, v, p }) => {
  c.run(ADAM_STEP, { DT_OUT: DT_CODE[w.dtype] }, [c.state, c.buf(w), c.buf(g32), c.buf(m), c.buf(v)],
    [w.size, { f: p.lr }, { f: p.beta1 }, { f: p.beta2 }, { f: p.eps }, { f: p.weightDecay }], c.groups(wordCount(w.dtype, w.size)));
};

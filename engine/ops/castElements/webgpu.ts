// castElements on WebGPU: castElements.wgsl after the element-format preludes.
import { DT_CODE, ONE_D, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import { descriptorConstants } from "../formats/descriptor.js";
import formats from "../formats/formats.wgsl";
import type { Kernel } from "../op.js";
import type { CastElementsArgs } from "./castElements.js";
import castElements from "./castElements.wgsl";

const CAST_ELEMENTS = kernel("castElements", castElements, [...ONE_D, formats], ["read", "write", "write"]);

export const castElementsWebGpu: Kernel<WebGpuKernelContext, CastElementsArgs> = (c, { out, x, codes, p }) => {
  const constants = { DT_X: DT_CODE[x.dtype], ...descriptorConstants("E_", p.format), SATURATE: p.saturate, STOCHASTIC: p.rounding === "stochastic", CODES: codes !== undefined };
  c.run(CAST_ELEMENTS, constants, [c.buf(x), c.buf(out), codes ? c.buf(codes) : c.dummy], [x.size, p.seed >>> 0, p.indexBase >>> 0], c.groups(x.size));
};

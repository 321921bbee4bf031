// hadamard16 on WebGPU: hadamard16.wgsl, its sums exact (exact.wgsl's add_rn).
import { DT_CODE, ONE_D, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import exact from "../formats/exact.wgsl";
import formats from "../formats/formats.wgsl";
import type { Kernel } from "../op.js";
import { HADAMARD_SIGN_MASK, type HadamardArgs } from "./hadamard.js";
import hadamard16 from "./hadamard16.wgsl";

const HADAMARD16 = kernel("hadamard16", hadamard16, [...ONE_D, formats, exact], ["read", "write"]);

export const hadamard16WebGpu: Kernel<WebGpuKernelContext, HadamardArgs> = (c, { out, x, rows, cols }) => {
  const chunks = Math.ceil(cols / 16);
  c.run(HADAMARD16, { DT_X: DT_CODE[x.dtype], SIGNS: HADAMARD_SIGN_MASK }, [c.buf(x), c.buf(out)], [rows, cols, chunks], c.groups(rows * chunks));
};

// blockQuantize on WebGPU: the tensor's amax (tensorAmax.wgsl), then one invocation per
// block (blockQuantize.wgsl), after the element-format preludes.
import { DT_CODE, ONE_D, WORKGROUP_SIZE, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import { descriptorConstants } from "../formats/descriptor.js";
import exact from "../formats/exact.wgsl";
import formats from "../formats/formats.wgsl";
import type { Kernel } from "../op.js";
import { blockGrid, blockParams, type BlockQuantizeArgs } from "./blockQuantize.js";
import blockQuantize from "./blockQuantize.wgsl";
import tensorAmax from "./tensorAmax.wgsl";

const TENSOR_AMAX = kernel("tensorAmax", tensorAmax, ONE_D, ["read", "write"]);
const BLOCK_QUANTIZE = kernel("blockQuantize", blockQuantize, [...ONE_D, formats, exact], ["read", "write", "write", "write", "read"]);

export const blockQuantizeWebGpu: Kernel<WebGpuKernelContext, BlockQuantizeArgs> = (c, { out, x, rows, cols, plan, record, codes }) => {
  const n = x.size;
  const acc = c.pool.acquire(16, "block quantize amax");
  c.rec.clear(acc);
  const threads = c.threads(n, 256, 4096);
  c.run(TENSOR_AMAX, { DT_X: DT_CODE[x.dtype] }, [c.buf(x), acc], [n, threads], [Math.ceil(threads / WORKGROUP_SIZE)]);
  const [gr, gc] = blockGrid(plan, rows, cols);
  const constants = { DT_X: DT_CODE[x.dtype], CODES: codes !== undefined, ...descriptorConstants("E_", plan.element), ...descriptorConstants("S_", "e4m3") };
  c.run(BLOCK_QUANTIZE, constants, [c.buf(x), c.buf(out), codes ? c.buf(codes) : c.dummy, c.buf(record), acc], [...blockParams(plan, rows, cols)], c.groups(gr * gc));
  c.pool.release(acc);
};

// gatherRows on WebGPU: gatherRows.wgsl, one invocation per output word.
import { wordCount } from "../../backend/webgpu/hostCodec.js";
import { DT_CODE, PER_WORD, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import { matrixOf } from "../matmul/matmul.js";
import type { Kernel } from "../op.js";
import type { GatherRowsArgs } from "./gatherRows.js";
import gatherRows from "./gatherRows.wgsl";

const GATHER_ROWS = kernel("gatherRows", gatherRows, PER_WORD, ["read", "read", "write"]);

export const gatherRowsWebGpu: Kernel<WebGpuKernelContext, GatherRowsArgs> = (c, p) => {
  const cols = matrixOf(p.out)[1];
  c.run(GATHER_ROWS, { DT_SRC: DT_CODE[p.src.dtype], DT_IDX: DT_CODE[p.idx.dtype], DT_OUT: DT_CODE[p.out.dtype] },
    [c.buf(p.src), c.buf(p.idx), c.buf(p.out)], [p.out.size, cols, p.offset], c.groups(wordCount(p.out.dtype, p.out.size)));
};

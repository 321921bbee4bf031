// sumRows on WebGPU: columnSum.wgsl, one invocation per output word.
import { wordCount } from "../../backend/webgpu/hostCodec.js";
import { DT_CODE, PER_WORD, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import { matrixOf } from "../matmul/matmul.js";
import type { Kernel } from "../op.js";
import columnSum from "./columnSum.wgsl";
import type { SumRowsArgs } from "./sumRows.js";

const COLUMN_SUM = kernel("columnSum", columnSum, PER_WORD, ["read", "write"]);

export const sumRowsWebGpu: Kernel<WebGpuKernelContext, SumRowsArgs> = (c, p) => {
  const [M, N] = matrixOf(p.x);
  c.run(COLUMN_SUM, { DT_SRC: DT_CODE[p.x.dtype], DT_OUT: DT_CODE[p.out.dtype] }, [c.buf(p.x), c.buf(p.out)], [M, N], c.groups(wordCount(p.out.dtype, N)));
};

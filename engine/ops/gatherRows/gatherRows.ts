// gatherRows: a batch of rows of a data set.
//
//   out[r, :] = src[idx[offset + r], :]      for r < rows of out, rounded to out.dtype
// src and out viewed as matrices with the same columns; idx holds row numbers (f32).
// No backward (the data set has no gradient).
import type { Backend, Tensor } from "../../backend/backend.js";
import { matrixOf } from "../matmul/matmul.js";
import { check, shapeOf, type OpContext } from "../op.js";

export interface GatherRowsArgs {
  out: Tensor;
  src: Tensor;
  idx: Tensor;
  offset: number;
}

export function gatherRows(be: Backend, args: GatherRowsArgs, ctx?: OpContext): void {
  const [rows, cols] = matrixOf(args.out);
  check(matrixOf(args.src)[1] === cols, "gatherRows", `column mismatch: out ${shapeOf(args.out)}, src ${shapeOf(args.src)}`);
  check(Number.isInteger(args.offset) && args.offset >= 0 && args.offset + rows <= args.idx.size, "gatherRows", `offset ${args.offset} + ${rows} rows beyond the ${args.idx.size} indices`);
  be.run("gatherRows", args, ctx);
}

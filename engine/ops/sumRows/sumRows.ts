// sumRows: the sum over rows, fp32 accumulation, rounded once to out.dtype.
//
//   out[N] = sum_m x[m, n]       x viewed as a matrix [M, N] (ops/matmul: matrixOf)
//
// A Linear layer's bias gradient: db[O] = sum_B dout[B, O]. No f32 copy is kept.
import type { Backend, Tensor } from "../../backend/backend.js";
import { matrixOf } from "../matmul/matmul.js";
import { check, shapeOf, type OpContext } from "../op.js";

export interface SumRowsArgs {
  out: Tensor;
  x: Tensor;
}

export function sumRows(be: Backend, args: SumRowsArgs, ctx?: OpContext): void {
  check(args.out.size === matrixOf(args.x)[1], "sumRows", `out ${shapeOf(args.out)} must have x ${shapeOf(args.x)}'s ${matrixOf(args.x)[1]} columns`);
  be.run("sumRows", args, ctx);
}

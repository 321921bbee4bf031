// matmul: a product with fp32 accumulation, rounded once to the output's dtype.
//
//   out[M,N] = op(a) · op(b) (+ bias[N])      op(a) = a [M,K], or a^T with transA (a is [K,M])
//                                             op(b) = b [K,N], or b^T with transB (b is [N,K])
// A tensor of more than two dimensions is a matrix of rows: its last dimension is the
// columns, the others multiply into the rows ([B,T,C] is B·T rows of C).
//
// The three products of a Linear layer (llm.c's matmul_forward / matmul_backward):
//   forward   out[B,O] = x[B,I] · w[O,I]^T + b[O]      (transB)
//   backward  dx[B,I]  = dout[B,O] · w[O,I]
//             dw[O,I]  = dout^T[O,B] · x[B,I]           (transA)
//             db[O]    = sum_B dout                     (sumRows)
// Rounded: out, once, to out.dtype (its f32 copy from the context: the same sums
// rounded to fp32 only). Inputs are read as stored (f16/bf16 values are exact in fp32).
// `activated` also writes activated.out = act(out), exactly what activationForward of
// the rounded out gives; a backend may fuse it into the product's store (wasm does for
// ReLU, so a thread's rows of the next layer's input stay in that thread's cache).
import type { Backend, Tensor } from "../../backend/backend.js";
import type { Activation } from "../activation/activation.js";
import { check, shapeOf, type OpContext } from "../op.js";

export interface MatmulArgs {
  out: Tensor;
  a: Tensor;
  b: Tensor;
  transA?: boolean;
  transB?: boolean;
  bias?: Tensor;
  activated?: { act: Activation; out: Tensor };
}

/** Rows and columns of t viewed as a matrix (the last dimension is the columns). */
export function matrixOf(t: Tensor): [rows: number, cols: number] {
  const cols = t.shape[t.shape.length - 1];
  return [t.size / cols, cols];
}

/** M, N, K of a product, checked against every operand's shape. */
export function matmulDims(p: MatmulArgs): { M: number; N: number; K: number } {
  const [ar, ac] = matrixOf(p.a), [br, bc] = matrixOf(p.b), [M, N] = matrixOf(p.out);
  const [aM, aK] = p.transA ? [ac, ar] : [ar, ac];
  const [bK, bN] = p.transB ? [bc, br] : [br, bc];
  const ok = aM === M && bN === N && aK === bK && (!p.bias || p.bias.size === N) && (!p.activated || p.activated.out.size === p.out.size);
  check(ok, "matmul", `shape mismatch: out ${shapeOf(p.out)} = a${p.transA ? "^T" : ""} ${shapeOf(p.a)} · b${p.transB ? "^T" : ""} ${shapeOf(p.b)}` +
    `${p.bias ? ` + bias ${shapeOf(p.bias)}` : ""}${p.activated ? `, activated ${shapeOf(p.activated.out)}` : ""}`);
  return { M, N, K: aK };
}

export function matmul(be: Backend, args: MatmulArgs, ctx?: OpContext): void {
  matmulDims(args);
  be.run("matmul", args, ctx);
}

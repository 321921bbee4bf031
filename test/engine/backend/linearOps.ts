// A Linear layer's products as the tests of the old per-op Backend methods wrote them
// (linearForward / linearBackward), on the matmul and sumRows ops, with the optional
// fp32 copies in the op context.
import type { Backend, Tensor } from "../../../engine/backend/backend.js";
import type { Activation } from "../../../engine/ops/activation/activation.js";
import { matmul } from "../../../engine/ops/matmul/matmul.js";
import { copiesOf } from "../../../engine/ops/op.js";
import { sumRows } from "../../../engine/ops/sumRows/sumRows.js";

/** out[B,O] = x[B,I] · w[O,I]^T + b[O] (out32: the same sums in f32; activated: act(out) beside it) */
export function linearForward(be: Backend, out: Tensor, x: Tensor, w: Tensor, b: Tensor, out32?: Tensor, activated?: { act: Activation; out: Tensor }): void {
  matmul(be, { out, a: x, b: w, transB: true, bias: b, activated }, copiesOf([[out, out32]]));
}

/** dx = dout · w (skipped when dx is null), dw = dout^T · x, db = sum_B dout (dx32, dw32: in f32) */
export function linearBackward(be: Backend, dx: Tensor | null, dw: Tensor, db: Tensor, dout: Tensor, x: Tensor, w: Tensor, dx32?: Tensor | null, dw32?: Tensor | null): void {
  const ctx = copiesOf([...(dx ? [[dx, dx32 ?? undefined] as const] : []), [dw, dw32 ?? undefined]]);
  if (dx) matmul(be, { out: dx, a: dout, b: w }, ctx);
  matmul(be, { out: dw, a: dout, transA: true, b: x }, ctx);
  sumRows(be, { out: db, x: dout });
}

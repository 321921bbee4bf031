// The ops a backend registers kernels for, by name, with their arguments. A backend's
// op table (engine/backend/<name>/opTable.ts) has one kernel for each.
import type { AdamArgs } from "./adamw/adamw.js";
import type { ActivationBackwardArgs, ActivationForwardArgs } from "./activation/activation.js";
import type { GatherRowsArgs } from "./gatherRows/gatherRows.js";
import type { MatmulArgs } from "./matmul/matmul.js";
import type { MseArgs } from "./mse/mse.js";
import type { Kernel } from "./op.js";
import type { QuantizeFp8Args } from "./quantize/quantize.js";
import type { SgdArgs } from "./sgd/sgd.js";
import type { SumRowsArgs } from "./sumRows/sumRows.js";

export interface OpArgs {
  matmul: MatmulArgs;
  sumRows: SumRowsArgs;
  activationForward: ActivationForwardArgs;
  activationBackward: ActivationBackwardArgs;
  mseLoss: MseArgs;
  gatherRows: GatherRowsArgs;
  sgdStep: SgdArgs;
  adamStep: AdamArgs;
  quantizeFp8: QuantizeFp8Args;
}

export type OpName = keyof OpArgs;

/** A backend's kernels, one for every op; C is the backend's kernel context. */
export type OpTable<C> = { readonly [K in OpName]: Kernel<C, OpArgs[K]> };

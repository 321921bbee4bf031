// The ops, each checked and run on a backend: `ops.matmul(backend, { out, a, b, ... })`.
// engine/index.ts exports this as `ops` (the benchmark and advanced scripts use it).
export { matmul, matrixOf, type MatmulArgs } from "./matmul/matmul.js";
export { sumRows, type SumRowsArgs } from "./sumRows/sumRows.js";
export { activationForward, activationBackward, ACTIVATIONS, type Activation } from "./activation/activation.js";
export { mseLoss, type MseArgs } from "./mse/mse.js";
export { gatherRows, type GatherRowsArgs } from "./gatherRows/gatherRows.js";
export { sgdStep, type SgdParams } from "./sgd/sgd.js";
export { adamStep, type AdamParams } from "./adamw/adamw.js";
export { quantizeFp8, type Fp8Cast } from "./quantize/quantize.js";
export { copiesOf, NO_COPIES, type OpContext } from "./op.js";

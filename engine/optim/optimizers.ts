// Optimizer specs for cells (plain data) and their per-parameter state. The
// update math is a Backend op (sgdStep / adamStep) applied to fp32 master weights.
import { optimizerSpecSchema, type OptimizerSpec } from "../config/schema.js";
import { parseSpec } from "../config/validate.js";

/** PyTorch SGD (momentum without dampening, L2 weight decay added to the gradient). */
export const sgd = (o: { lr: number; momentum?: number; weightDecay?: number }): OptimizerSpec =>
  parseSpec(optimizerSpecSchema, { type: "sgd", ...o }, "optimizer");

/** Adam with decoupled weight decay (AdamW when weightDecay > 0). */
export const adam = (o: { lr?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number } = {}): OptimizerSpec =>
  parseSpec(optimizerSpecSchema, { type: "adam", ...o }, "optimizer");

/** fp32 state tensors per parameter: SGD's momentum buffer, Adam's two moments. */
export const optimizerSlots = (spec: OptimizerSpec): number => (spec.type === "adam" ? 2 : spec.momentum > 0 ? 1 : 0);

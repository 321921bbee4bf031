// Which dtype where, for each precision policy (DESIGN.md §2's table).
import type { DType } from "../backend/backend.js";
import type { Precision } from "../config/schema.js";

export interface Policy {
  precision: Precision;
  /** weights used in the forward and backward pass */
  weights: DType;
  /** activations (linear outputs, activation outputs, the network output) */
  activations: DType;
  /** gradients as the backward pass stores them (seed, activation and weight gradients) */
  gradients: DType;
  /** an fp32 master copy receives the update and is re-cast to `weights` */
  master: boolean;
}

export function policyFor(precision: Precision): Policy {
  switch (precision) {
    case "fp32": return { precision, weights: "f32", activations: "f32", gradients: "f32", master: false };
    case "fp16": return { precision, weights: "f16", activations: "f16", gradients: "f16", master: false };
    case "mixed-fp16": return { precision, weights: "f16", activations: "f16", gradients: "f16", master: true };
    case "mixed-bf16": return { precision, weights: "bf16", activations: "bf16", gradients: "bf16", master: true };
  }
}

// Which dtype where, for each precision policy (DESIGN.md §2's table).
import type { DType } from "../backend/backend.js";
import type { Fp8Recipe, Precision } from "../config/schema.js";
import type { Fp8Format } from "../numerics/fp8.js";

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
  /**
   * mixed-fp8: the matmul inputs are cast to fp8 with a per-tensor scale (engine/train/fp8Casts.ts):
   * weights and activations to `forward`, activation gradients to `backward`. `weights`
   * is then the f32 tensor that holds the dequantized fp8 weights; matmul outputs are bf16.
   */
  fp8?: { forward: Fp8Format; backward: Fp8Format };
}

export function policyFor(precision: Precision, fp8?: Fp8Recipe): Policy {
  switch (precision) {
    case "fp32": return { precision, weights: "f32", activations: "f32", gradients: "f32", master: false };
    case "fp16": return { precision, weights: "f16", activations: "f16", gradients: "f16", master: false };
    case "mixed-fp16": return { precision, weights: "f16", activations: "f16", gradients: "f16", master: true };
    case "mixed-bf16": return { precision, weights: "bf16", activations: "bf16", gradients: "bf16", master: true };
    case "mixed-fp8": return { precision, weights: "f32", activations: "bf16", gradients: "bf16", master: true, fp8: { forward: "e4m3", backward: fp8?.format === "e4m3" ? "e4m3" : "e5m2" } };
  }
}

// PrecisionReport: what inspect(run) says about a run's precision. Plain data
// (JSON-safe), rendered by the notebook renderer and printed by formatReport.
import type { Precision, ScalerSpecInput } from "../config/schema.js";
import type { TensorRole } from "../train/runResult.js";
import type { Fp8Inspection } from "./fp8Inspect.js";

export const PRECISION_REPORT_MIME = "application/vnd.mplab.report+json";

/** A range of loss scales, as powers of two (both ends included). */
export interface ScaleWindow {
  /** smallest scale that lifts the smallest magnitude to >= 2^-24 */
  min: number;
  /** largest scale that keeps the largest magnitude × headroom <= 65504 */
  max: number;
}

export interface TensorReport {
  layer: number;
  layerName: string;
  role: TensorRole;
  /** dtype the run stored it in */
  dtype: "f32" | "f16" | "bf16";
  /** gradients carry the loss scale; weights and activations do not */
  scaled: boolean;
  /** loss scales at the observed steps (1 for unscaled tensors) */
  scaleUsed: { min: number; max: number };
  /** shares of observed values (0..1) */
  zero: number;
  subnormal: number;
  /** outside the fp16 range at the scale used: observed by the cast (f16/bf16), or, for f32
   * tensors, values that would flush to zero (|x| < 2^-25) or overflow (|x| >= 65520) in fp16 */
  underflow: number;
  overflow: number;
  nonFinite: number;
  /** magnitudes without the loss scale; bounds when the scale changed between observed steps */
  smallest: number | null;
  largest: number | null;
  /** values underflowed: the true smallest magnitude is below `smallest` */
  smallestUnknown: boolean;
  /** for scaled tensors: the loss scales that keep this tensor inside fp16 (for weight gradients, also
   * the layer's bias gradient, bounded by batchSize × the largest gradient at z); null when nothing observed */
  window: ScaleWindow | null;
  /** like `window`, but the bottom keeps all but 0.1% of the nonzero values (from the exponent
   * histogram): one extreme value does not decide it. "use bf16" is advised when this is empty */
  coreWindow: ScaleWindow | null;
  /** weights/activations: whether they fit fp16 as they are (no scale applies to them) */
  fitsFp16: boolean;
}

export interface MasterWeightsLayer {
  layer: number;
  /** typical |weight| and typical |update| (see masterWeights.ts for the estimate) */
  typicalWeight: number;
  typicalUpdate: number;
  /** share of weights more than 2^11 times their update: an fp16 weight would not change */
  lostShare: number;
}

export interface ScalerAdvice {
  /** the scaler spec to use (what a quick fix writes into a config) */
  spec: ScalerSpecInput;
  reason: string;
}

export interface PrecisionReport {
  kind: "mplab.report";
  version: 1;
  name?: string;
  precision: Precision;
  scaler: string;
  steps: number;
  skippedSteps: number;
  /** factor kept free below 65504 when choosing a scale */
  headroom: number;
  tensors: TensorReport[];
  /** scales that keep every gradient tensor inside fp16; null when none does (or nothing observed) */
  scaleWindow: ScaleWindow | null;
  /** scales that keep all but 0.1% of each gradient tensor's smallest values and all its largest; null when none */
  coreScaleWindow: ScaleWindow | null;
  useBf16: { advised: boolean; why: string[] };
  masterWeights: { needed: boolean; layers: MasterWeightsLayer[]; how: string };
  recommendation: ScalerAdvice;
  findings: string[];
  /** mixed-fp8 runs: each fp8 tensor's scales and losses, the one that hurts, what to change (fp8Inspect.ts) */
  fp8?: Fp8Inspection;
}

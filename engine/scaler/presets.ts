// The defaults of the five reference loss scalers (see shared notes
// "loss-scalers.md" for where each number comes from). A dynamic spec starts from
// its preset's rule and overrides the fields the user gave.
import type { ScalerRule } from "../backend/backend.js";

export type ScalerPreset = ScalerRule["rule"];

export const SCALER_PRESETS: Readonly<Record<ScalerPreset, Readonly<ScalerRule>>> = {
  // torch.amp.GradScaler: fp32 scale, growth capped at the fp32 range, no floor.
  pytorch: {
    kind: "dynamic", rule: "pytorch",
    initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000,
    hysteresis: 1, minScale: 0, maxScale: Infinity,
  },
  // DeepSpeed fp16 (0.19.5): initial_scale_power 16, loss_scale_window 1000,
  // hysteresis 2, consecutive_hysteresis false, min_loss_scale 1, scale_factor 2 (both
  // directions), no ceiling; ZeRO stage 0 (a ds_config without zero_optimization), whose
  // FP16_Optimizer rule ignores the hysteresis.
  deepspeed: {
    kind: "dynamic", rule: "deepspeed",
    initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 1000,
    hysteresis: 2, minScale: 1, maxScale: Infinity, zeroStage: 0, consecutiveHysteresis: false,
  },
  // Apex amp LossScaler: S = min(max_loss_scale, 2^16), window 2000,
  // max_loss_scale 2^24, no min_loss_scale.
  apex: {
    kind: "dynamic", rule: "apex",
    initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000,
    hysteresis: 1, minScale: 0, maxScale: 2 ** 24,
  },
  // Keras LossScaleOptimizer: initial_scale 2^15, dynamic_growth_steps 2000,
  // x2 / /2, no floor, no ceiling.
  keras: {
    kind: "dynamic", rule: "keras",
    initScale: 2 ** 15, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000,
    hysteresis: 1, minScale: 0, maxScale: Infinity,
  },
  // jmp DynamicLossScale: period 2000, factor 2, min_loss_scale 1; jmp takes the
  // initial scale from the user, we use 2^15 (its docs' example).
  jmp: {
    kind: "dynamic", rule: "jmp",
    initScale: 2 ** 15, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000,
    hysteresis: 1, minScale: 1, maxScale: Infinity,
  },
};

export const SCALER_PRESET_NAMES = Object.keys(SCALER_PRESETS) as ScalerPreset[];

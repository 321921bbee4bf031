// PROVISIONAL (lead): minimal scaler rules so the trainer can run; the scaler
// helper's branch replaces this file with the full, tested implementation.
import type { ScalerRule, ScalerState } from "../backend/backend.js";

export function initialScalerState(rule: ScalerRule): ScalerState {
  const scale = rule.kind === "none" ? 1 : rule.rule === "apex" ? Math.min(rule.maxScale, rule.initScale) : rule.initScale;
  return { scale, counter: 0, hysteresisLeft: rule.hysteresis, iteration: 0, lastOverflow: -1, halted: 0 };
}

export function updateScaler(rule: ScalerRule, s: ScalerState, overflow: boolean): ScalerState {
  if (rule.kind !== "dynamic") return { ...s };
  const n = { ...s };
  if (overflow) {
    n.scale = Math.max(rule.minScale, Math.fround(s.scale * rule.backoffFactor));
    n.counter = 0;
  } else if (s.counter + 1 >= rule.growthInterval) {
    const g = Math.fround(s.scale * rule.growthFactor);
    if (Number.isFinite(g)) n.scale = Math.min(rule.maxScale, g);
    n.counter = 0;
  } else n.counter = s.counter + 1;
  return n;
}

import type { ScalerSpec } from "../config/schema.js";
export function ruleFromSpec(spec: ScalerSpec): ScalerRule {
  const base: ScalerRule = { kind: spec.type, rule: "pytorch", initScale: 1, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, hysteresis: 1, minScale: 0, maxScale: Infinity };
  if (spec.type === "static") return { ...base, initScale: spec.scale };
  if (spec.type === "none") return base;
  return { ...base, rule: spec.preset, initScale: spec.initScale ?? 65536, growthInterval: spec.growthInterval ?? 2000, backoffFactor: spec.backoffFactor ?? 0.5, growthFactor: spec.growthFactor ?? 2, minScale: spec.minScale ?? 0, maxScale: spec.maxScale ?? Infinity };
}

// What a scaler spec means in numbers, for the exporters and inspect's advice:
// the scaler's own rule (engine/scaler: preset defaults + the user's overrides).
import type { ScalerSpec } from "../config/schema.js";
import { ruleFromSpec } from "../scaler/lossScaler.js";
import { SCALER_PRESETS, type ScalerPreset } from "../scaler/presets.js";

export type Preset = ScalerPreset;

export interface ResolvedScaler {
  kind: "none" | "static" | "dynamic";
  /** the dynamic rule's preset; null for static and none */
  preset: Preset | null;
  initScale: number;
  growthFactor: number;
  backoffFactor: number;
  growthInterval: number;
  hysteresis: number;
  /** 0 = no floor */
  minScale: number;
  /** Infinity = no ceiling */
  maxScale: number;
  /** deepspeed: the ZeRO stage picking its rule (0 for the other presets) */
  zeroStage: number;
  /** deepspeed, zeroStage 1-3: any clean step restores the hysteresis */
  consecutiveHysteresis: boolean;
}

export const PRESET_DEFAULTS = SCALER_PRESETS;

export function resolveScaler(spec: ScalerSpec): ResolvedScaler {
  const { rule, ...numbers } = ruleFromSpec(spec);
  return { ...numbers, zeroStage: numbers.zeroStage ?? 0, consecutiveHysteresis: numbers.consecutiveHysteresis ?? false, preset: numbers.kind === "dynamic" ? rule : null };
}

/** "dynamic pytorch (growthInterval 500)", "static 1024", "none": a short label for tables. */
export function scalerLabel(spec: ScalerSpec): string {
  if (spec.type === "none") return "none";
  if (spec.type === "static") return `static ${spec.scale}`;
  const extra = (["initScale", "growthInterval", "hysteresis", "minScale", "maxScale", "growthFactor", "backoffFactor", "zeroStage", "consecutiveHysteresis"] as const)
    .filter((k) => spec[k] !== undefined)
    .map((k) => `${k} ${spec[k]}`);
  return `dynamic ${spec.preset}${extra.length ? ` (${extra.join(", ")})` : ""}`;
}

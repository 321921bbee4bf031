// The loss-scaler presets' resolved numbers (DESIGN.md §2, shared/notes/loss-scalers.md),
// for the exporters and inspect's advice. The scaler rules themselves live in
// engine/scaler; this table only says what a spec means in numbers.
// TODO(lead): when engine/scaler/presets.ts lands, point this at it.
import type { ScalerSpec } from "../config/schema.js";

export type Preset = "pytorch" | "deepspeed" | "apex" | "keras" | "jmp";

export interface ResolvedScaler {
  kind: "none" | "static" | "dynamic";
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
}

type Numbers = Omit<ResolvedScaler, "kind" | "preset">;
export const PRESET_DEFAULTS: Record<Preset, Numbers> = {
  pytorch: { initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, hysteresis: 1, minScale: 0, maxScale: Infinity },
  deepspeed: { initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 1000, hysteresis: 2, minScale: 1, maxScale: Infinity },
  apex: { initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, hysteresis: 1, minScale: 0, maxScale: 2 ** 24 },
  keras: { initScale: 2 ** 15, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, hysteresis: 1, minScale: 0, maxScale: Infinity },
  jmp: { initScale: 2 ** 15, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, hysteresis: 1, minScale: 1, maxScale: Infinity },
};

export function resolveScaler(spec: ScalerSpec): ResolvedScaler {
  const fixed = (scale: number): ResolvedScaler => ({ kind: spec.type, preset: null, initScale: scale, growthFactor: 1, backoffFactor: 1, growthInterval: 1, hysteresis: 1, minScale: scale, maxScale: scale });
  if (spec.type === "none") return fixed(1);
  if (spec.type === "static") return fixed(spec.scale);
  const d = PRESET_DEFAULTS[spec.preset];
  const pick = <K extends keyof Numbers>(k: K): Numbers[K] => (spec[k] ?? d[k]) as Numbers[K];
  return {
    kind: "dynamic",
    preset: spec.preset,
    initScale: pick("initScale"),
    growthFactor: pick("growthFactor"),
    backoffFactor: pick("backoffFactor"),
    growthInterval: pick("growthInterval"),
    hysteresis: pick("hysteresis"),
    minScale: pick("minScale"),
    maxScale: pick("maxScale"),
  };
}

/** "dynamic (pytorch)", "static 1024", "none": a short label for tables. */
export function scalerLabel(spec: ScalerSpec): string {
  if (spec.type === "none") return "none";
  if (spec.type === "static") return `static ${spec.scale}`;
  const extra = (["initScale", "growthInterval", "hysteresis", "minScale", "maxScale", "growthFactor", "backoffFactor"] as const)
    .filter((k) => spec[k] !== undefined)
    .map((k) => `${k} ${spec[k]}`);
  return `dynamic ${spec.preset}${extra.length ? ` (${extra.join(", ")})` : ""}`;
}

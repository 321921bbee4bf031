// Loss scalers: the spec (plain data) -> a rule (numbers) -> a pure update
// function over a state (numbers). The rules are those of the reference systems,
// quirks included (shared notes "loss-scalers.md"). `updateScaler` is written as a
// flat run of branches over numbers so the WebGPU backend can port it line by line.
//
// ScalerState fields, per rule (a field not listed stays as it is):
//   all rules   scale           the loss scale used by the next step
//               halted          1 once the rule raised its error (DeepSpeed at its
//                               floor); nothing changes afterwards
//   pytorch     counter         `_growth_tracker`: clean steps since the last growth/overflow
//   apex        counter         `_unskipped`
//   keras       counter         `step_counter`
//   jmp         counter         `counter`, in 0..period-1
//   deepspeed   iteration       `cur_iter`, counts every update
//               lastOverflow    `last_overflow_iter` (-1 at the start)
//               hysteresisLeft  `cur_hysteresis` (zeroStage 1-3 only)
//
// DeepSpeed has two rules (DeepSpeed 0.19.5), chosen by the ds_config's ZeRO stage:
//   zeroStage 0    FP16_Optimizer: no hysteresis, the floor clamps and never raises
//   zeroStage 1-3  DynamicLossScaler: hysteresis (consecutiveHysteresis: any clean step
//                  restores it, else only a growth does); an overflow at the floor raises
// Both grow after W+1 clean steps since the last overflow (or the start), as since 0.17.1.
//
// Arithmetic of the scale, per rule (why the Math.fround calls differ):
//   pytorch  float32 tensor; new = float32(S * factor) with the factor a double (the
//            CUDA kernel), growth only if that is finite; minScale/maxScale only if
//            the user set them (the reference has neither).
//   keras    float32 variable: S*2 and S/2 rounded to fp32; no finite check, no floor,
//            no ceiling (it can reach Inf, then halves Inf forever).
//   jmp      float32 array (jnp.float32 in its docs): growth only if finite, floor min.
//   apex, deepspeed  Python floats (fp64): plain JS numbers.
// Only DeepSpeed uses `hysteresis`; backoff multiplies by backoffFactor (= 1/2 for all
// presets, which equals the references' division by 2 exactly).
import type { ScalerRule, ScalerState } from "../backend/backend.js";
import type { ScalerSpec, ScalerSpecInput } from "../config/schema.js";
import { scalerSpecSchema } from "../config/schema.js";
import { SCALER_PRESETS } from "./presets.js";

export const DEEPSPEED_MIN_SCALE_ERROR = "Current loss scale already at minimum - cannot decrease scale anymore";

/** The rule of a validated spec: static/none keep one scale; dynamic = preset + overrides. */
export function ruleFromSpec(spec: ScalerSpec): ScalerRule {
  const fixed = { growthFactor: 1, backoffFactor: 1, growthInterval: 1, hysteresis: 1, minScale: 0, maxScale: Infinity };
  if (spec.type === "none") return { kind: "none", rule: "pytorch", initScale: 1, ...fixed };
  if (spec.type === "static") return { kind: "static", rule: "pytorch", initScale: spec.scale, ...fixed };
  const base = SCALER_PRESETS[spec.preset];
  const rule: ScalerRule = {
    ...base,
    initScale: spec.initScale ?? base.initScale,
    growthFactor: spec.growthFactor ?? base.growthFactor,
    backoffFactor: spec.backoffFactor ?? base.backoffFactor,
    growthInterval: spec.growthInterval ?? base.growthInterval,
    hysteresis: spec.hysteresis ?? base.hysteresis,
    minScale: spec.minScale ?? base.minScale,
    maxScale: spec.maxScale ?? base.maxScale,
  };
  for (const k of ["hysteresis", "zeroStage", "consecutiveHysteresis"] as const) {
    if (spec[k] !== undefined && spec.preset !== "deepspeed") {
      throw new Error(`scaler.${k} applies only to preset "deepspeed", got preset "${spec.preset}"`);
    }
  }
  if (spec.preset === "deepspeed") {
    rule.zeroStage = spec.zeroStage ?? base.zeroStage;
    rule.consecutiveHysteresis = spec.consecutiveHysteresis ?? base.consecutiveHysteresis;
    if (rule.zeroStage === 0) {
      for (const k of ["hysteresis", "consecutiveHysteresis"] as const) {
        if (spec[k] !== undefined) {
          throw new Error(`scaler.${k} applies only with zeroStage 1-3 (DeepSpeed's stage 0 rule, FP16_Optimizer, has no hysteresis), got zeroStage 0`);
        }
      }
    }
  }
  if (rule.minScale > rule.maxScale) {
    throw new Error(`scaler.minScale must be <= scaler.maxScale, got minScale ${rule.minScale} and maxScale ${rule.maxScale}`);
  }
  return rule;
}

export function initialScalerState(rule: ScalerRule): ScalerState {
  let scale = rule.initScale;
  if (rule.kind === "dynamic" && rule.rule === "apex") scale = Math.min(rule.maxScale, scale); // S = min(max, init)
  if (rule.kind === "dynamic" && (rule.rule === "pytorch" || rule.rule === "keras" || rule.rule === "jmp")) scale = Math.fround(scale);
  return { scale, counter: 0, hysteresisLeft: rule.hysteresis, iteration: 0, lastOverflow: -1, halted: 0 };
}

/** The next state after a step whose gradients had (overflow) or had no non-finite value. Pure. */
export function updateScaler(rule: ScalerRule, state: ScalerState, overflow: boolean): ScalerState {
  const s = { ...state };
  if (rule.kind !== "dynamic" || s.halted === 1) return s;

  if (rule.rule === "pytorch") {
    if (overflow) {
      s.scale = Math.fround(s.scale * rule.backoffFactor);
      if (rule.minScale > 0) s.scale = Math.max(rule.minScale, s.scale); // not in the reference: user option
      s.counter = 0;
    } else {
      const t = s.counter + 1;
      if (t === rule.growthInterval) {
        let n = Math.fround(s.scale * rule.growthFactor);
        n = Math.min(rule.maxScale, n); // not in the reference: user option
        if (Number.isFinite(n)) s.scale = n;
        s.counter = 0;
      } else {
        s.counter = t;
      }
    }
    return s;
  }

  if (rule.rule === "apex") {
    if (overflow) {
      s.scale = rule.minScale > 0 ? Math.max(rule.minScale, s.scale * rule.backoffFactor) : s.scale * rule.backoffFactor;
      s.counter = 0;
    } else {
      s.counter = s.counter + 1;
    }
    if (s.counter === rule.growthInterval) {
      s.scale = Math.min(rule.maxScale, s.scale * rule.growthFactor);
      s.counter = 0;
    }
    return s;
  }

  if (rule.rule === "deepspeed") {
    const W = rule.growthInterval;
    if ((rule.zeroStage ?? 0) === 0) {
      // ZeRO stage 0: FP16_Optimizer._update_scale, no hysteresis, the floor clamps
      if (overflow) {
        s.scale = Math.max(s.scale * rule.backoffFactor, rule.minScale);
        s.lastOverflow = s.iteration;
      } else {
        const stable = s.iteration - s.lastOverflow - 1; // W+1 clean steps before a growth (0.17.1+)
        if (stable > 0 && stable % W === 0) s.scale = Math.min(rule.maxScale, s.scale * rule.growthFactor); // maxScale: user option
      }
      s.iteration = s.iteration + 1;
      return s;
    }
    // ZeRO stages 1-3: DynamicLossScaler.update_scale
    const consecutive = rule.consecutiveHysteresis === true;
    if (overflow) {
      if (rule.hysteresis === 1 || s.hysteresisLeft === 1) {
        if (s.scale === rule.minScale) {
          s.halted = 1; // DeepSpeed raises here; the state stays as it was
          return s;
        }
        s.scale = Math.max(s.scale * rule.backoffFactor, rule.minScale);
      } else {
        s.hysteresisLeft = s.hysteresisLeft - 1; // absorbed: scale unchanged, step still skipped
      }
      s.lastOverflow = s.iteration;
    } else {
      if (consecutive) s.hysteresisLeft = rule.hysteresis; // any clean step restores it
      const stable = s.iteration - s.lastOverflow - 1;
      if (stable > 0 && stable % W === 0) {
        if (!consecutive) s.hysteresisLeft = rule.hysteresis; // restored only when the scale grows
        s.scale = Math.min(rule.maxScale, s.scale * rule.growthFactor); // maxScale: user option
      }
    }
    s.iteration = s.iteration + 1;
    return s;
  }

  if (rule.rule === "keras") {
    if (overflow) {
      s.scale = Math.fround(s.scale * rule.backoffFactor);
      if (rule.minScale > 0) s.scale = Math.max(rule.minScale, s.scale); // user option
      s.counter = 0;
    } else if (s.counter === rule.growthInterval - 1) {
      s.scale = Math.min(rule.maxScale, Math.fround(s.scale * rule.growthFactor)); // no finite check
      s.counter = 0;
    } else {
      s.counter = s.counter + 1;
    }
    return s;
  }

  // jmp
  if (overflow) {
    s.scale = Math.max(rule.minScale, Math.fround(s.scale * rule.backoffFactor));
    s.counter = 0;
  } else {
    if (s.counter === rule.growthInterval - 1) {
      const n = Math.min(rule.maxScale, Math.fround(s.scale * rule.growthFactor));
      if (Number.isFinite(n)) s.scale = n;
    }
    s.counter = (s.counter + 1) % rule.growthInterval;
  }
  return s;
}

/** A loss scaler state machine: the engine's and the cells' view of one scaler. */
export interface LossScaler {
  readonly rule: ScalerRule;
  readonly scale: number;
  readonly state: ScalerState;
  /** Updates with the step's overflow flag; throws DeepSpeed's error at its floor. */
  update(foundInf: boolean): void;
}

export function createScaler(spec: ScalerSpecInput | ScalerSpec, state?: ScalerState): LossScaler {
  const rule = ruleFromSpec(parseScalerSpec(spec));
  let current = state ? { ...state } : initialScalerState(rule);
  return {
    rule,
    get scale() {
      return current.scale;
    },
    get state() {
      return { ...current };
    },
    update(foundInf: boolean) {
      current = updateScaler(rule, current, foundInf);
      if (current.halted === 1) throw new Error(DEEPSPEED_MIN_SCALE_ERROR);
    },
  };
}

// ---- spec constructors (what cells call) ------------------------------------

export type DynamicScalerOptions = Omit<Extract<ScalerSpecInput, { type: "dynamic" }>, "type">;

export function staticScaler(scale: number): ScalerSpec {
  return parseScalerSpec({ type: "static", scale });
}

export function noScaler(): ScalerSpec {
  return parseScalerSpec({ type: "none" });
}

export function dynamicScaler(opts: DynamicScalerOptions = {}): ScalerSpec {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new Error(`dynamicScaler expects an options object, got ${describe(opts)}`);
  }
  const known = Object.keys(dynamicShape());
  for (const key of Object.keys(opts)) {
    if (!known.includes(key) || key === "type") {
      throw new Error(`scaler.${key} is not an option of dynamicScaler (allowed: ${known.filter((k) => k !== "type").join(", ")})`);
    }
  }
  return parseScalerSpec({ ...opts, type: "dynamic" });
}

/** Validates a scaler spec; a bad field gives an Error naming it (`scaler.<field> ...`). */
export function parseScalerSpec(spec: unknown): ScalerSpec {
  const r = scalerSpecSchema.safeParse(spec);
  if (r.success) {
    if (r.data.type === "dynamic") ruleFromSpec(r.data); // cross-field checks
    return r.data;
  }
  const issue = r.error.issues[0];
  const path = issue.path.map(String);
  const last = path[path.length - 1];
  const field = ["scaler", ...path].join(".");
  let value: unknown = spec;
  for (const k of path) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[k] : undefined;
  // our schema messages start with the field name ("backoffFactor must be ..."): do not repeat it
  const text = issue.message.startsWith("scaler") ? issue.message // already names the field
    : last !== undefined && issue.message.startsWith(last) ? field + issue.message.slice(last.length)
    : `${field}: ${issue.message}`;
  return fail(`${text}, got ${describe(value)}`);
}

function fail(message: string): never {
  throw new Error(message);
}

function dynamicShape(): Record<string, unknown> {
  const dyn = scalerSpecSchema.options.find((o) => o.shape.type.value === "dynamic");
  return dyn ? dyn.shape : {};
}

function describe(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "nothing";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

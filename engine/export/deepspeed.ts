// Export to DeepSpeed: the ds_config JSON matching a run (precision section,
// loss scaler, ZeRO stage, optimizer, batch sizes), and back: importDeepSpeed(json)
// reads a ds_config into our specs. For the deepspeed preset the round trip is exact
// (where minScale is an integer >= 1). What is written passes DeepSpeed 0.19's config
// checks (shared notes "loss-scalers.md"): with dynamic scaling an integer
// min_loss_scale > 0 and loss_scale_window > 0, an integer initial_scale_power.
import type { OptimizerSpec, Precision, ScalerSpec, TrainConfig, TrainConfigInput } from "../config/schema.js";
import type { RunResult } from "../train/runResult.js";
import { normalizeMethods } from "../data/normalize.js";
import { configOf } from "./configOf.js";
import { jsonText } from "./jsonText.js";
import { PRESET_DEFAULTS, resolveScaler } from "./scalerDefaults.js";

export interface DeepSpeedFp16 {
  enabled: boolean;
  /** 0 = dynamic; > 0 = static scale */
  loss_scale?: number;
  initial_scale_power?: number;
  loss_scale_window?: number;
  hysteresis?: number;
  consecutive_hysteresis?: boolean;
  min_loss_scale?: number;
}

export interface DeepSpeedConfig {
  train_batch_size: number;
  train_micro_batch_size_per_gpu: number;
  gradient_accumulation_steps: number;
  optimizer: { type: string; params: Record<string, number | number[]> };
  fp16: DeepSpeedFp16;
  bf16: { enabled: boolean };
  /** the ZeRO stage picks DeepSpeed's loss-scaler rule (0: FP16_Optimizer, 1-3: DynamicLossScaler) */
  zero_optimization: { stage: number };
  steps_per_print: number;
}

const DS = PRESET_DEFAULTS.deepspeed;

/**
 * The DeepSpeed config for one process (world size 1): with N GPUs DeepSpeed wants
 * train_batch_size = micro batch × accumulation × N; see deepSpeedCaveats for the rules
 * DeepSpeed cannot express.
 */
export function exportDeepSpeed(x: TrainConfigInput | TrainConfig | RunResult): DeepSpeedConfig {
  const c = configOf(x, "exportDeepSpeed");
  if (c.precision === "mixed-fp8") throw new Error("exportDeepSpeed: a DeepSpeed config has no fp8 policy (fp8 comes from Transformer Engine in the model): export the mixed-fp8 run to PyTorch instead");
  const o = c.optimizer;
  const optimizer: DeepSpeedConfig["optimizer"] =
    o.type === "adam"
      ? { type: "AdamW", params: { lr: o.lr, betas: [o.beta1, o.beta2], eps: o.eps, weight_decay: o.weightDecay } }
      : { type: "SGD", params: { lr: o.lr, momentum: o.momentum, weight_decay: o.weightDecay } };
  const fp16Enabled = c.precision === "mixed-fp16" || c.precision === "fp16";
  let fp16: DeepSpeedFp16 = { enabled: false };
  if (fp16Enabled) {
    const s = c.scaler;
    if (s.type === "none") fp16 = { enabled: true, loss_scale: 1 };
    else if (s.type === "static") fp16 = { enabled: true, loss_scale: s.scale };
    else {
      const r = resolveScaler(s);
      fp16 = {
        enabled: true,
        loss_scale: 0,
        initial_scale_power: Math.round(Math.log2(r.initScale)),
        loss_scale_window: r.growthInterval,
        hysteresis: r.hysteresis,
        consecutive_hysteresis: r.consecutiveHysteresis,
        min_loss_scale: dsMinLossScale(r.minScale),
      };
    }
  }
  const zeroStage = c.scaler.type === "dynamic" ? resolveScaler(c.scaler).zeroStage : 0;
  return {
    train_batch_size: c.batchSize * c.accumulationSteps,
    train_micro_batch_size_per_gpu: c.batchSize,
    gradient_accumulation_steps: c.accumulationSteps,
    optimizer,
    fp16,
    bf16: { enabled: c.precision === "mixed-bf16" },
    zero_optimization: { stage: zeroStage },
    steps_per_print: Math.max(1, Math.floor(c.steps / 10)),
  };
}

/** The ds_config as the JSON text to save (ASCII, finite numbers only: engine/export/jsonText.ts). */
export function exportDeepSpeedJson(x: TrainConfigInput | TrainConfig | RunResult): string {
  return jsonText(exportDeepSpeed(x), "exportDeepSpeed", 2) + "\n";
}

/** DeepSpeed wants an integer min_loss_scale > 0: ours rounded up (never below our floor), at least 1. */
function dsMinLossScale(minScale: number): number {
  return Math.max(1, Math.ceil(minScale));
}

/** What of the run DeepSpeed's config cannot say (each a sentence). */
export function deepSpeedCaveats(x: TrainConfigInput | TrainConfig | RunResult): string[] {
  const c = configOf(x, "deepSpeedCaveats");
  const out: string[] = [];
  const n = normalizeMethods(c.data);
  if (n.inputs !== "none" || n.targets !== "none")
    out.push(`the run normalised its data (inputs ${n.inputs}, targets ${n.targets}): a ds_config says nothing about data, so normalise it in your data pipeline the same way, per column (x - shift) / scale with the run's statistics (run.model.normalization)`);
  if (c.precision === "fp16") out.push("precision fp16 (no master weights) has no DeepSpeed equivalent: DeepSpeed's fp16 mode keeps fp32 master weights in the optimizer");
  if (c.precision === "fp32" || c.precision === "mixed-bf16") return out;
  const s = c.scaler;
  if (s.type !== "dynamic") return out;
  const r = resolveScaler(s);
  if (!Number.isInteger(Math.log2(r.initScale))) out.push(`initScale ${r.initScale} is not a power of two: initial_scale_power rounds it to 2^${Math.round(Math.log2(r.initScale))}`);
  if (r.growthFactor !== 2 || r.backoffFactor !== 0.5) out.push(`DeepSpeed always grows ×2 and backs off ×0.5 (this run: ×${r.growthFactor}, ×${r.backoffFactor})`);
  if (Number.isFinite(r.maxScale)) out.push(`DeepSpeed's scale has no ceiling (this run: maxScale ${r.maxScale})`);
  const floor = dsMinLossScale(r.minScale);
  if (r.minScale === 0) out.push(`the ${s.preset} preset has no floor, DeepSpeed needs min_loss_scale >= 1: the exported run's scale stops at 1 (ZeRO stage ${r.zeroStage}: ${r.zeroStage === 0 ? "it stays at 1 and keeps skipping overflowing steps" : "an overflow at 1 stops the run with DeepSpeed's error"}) where this run's would go below 1`);
  else if (floor !== r.minScale) out.push(`minScale ${r.minScale} is not an integer >= 1, which DeepSpeed's min_loss_scale must be: exported as ${floor}, so the scale stops higher`);
  if (s.preset !== "deepspeed") {
    out.push(`the ${s.preset} preset becomes DeepSpeed's rule: DeepSpeed grows after loss_scale_window + 1 clean steps since the last overflow (this preset after ${r.growthInterval}), then every ${r.growthInterval}`);
    if (s.preset === "apex") out.push("Apex's window also counts from the last growth; DeepSpeed's only from the last overflow (the same while there is no overflow)");
  }
  return out;
}

/** zero_optimization.stage (absent: 0, DeepSpeed's default). */
function zeroStageOf(z: unknown): number {
  if (z === undefined || z === null) return 0;
  if (typeof z !== "object" || Array.isArray(z)) throw new Error(`importDeepSpeed: zero_optimization must be an object, got ${JSON.stringify(z)}`);
  const st = (z as Record<string, unknown>).stage;
  return st === undefined ? 0 : num(st, "zero_optimization.stage", (n) => Number.isInteger(n) && n >= 0 && n <= 3, "0, 1, 2 or 3");
}

export interface ImportedDeepSpeed {
  precision: Precision;
  scaler: ScalerSpec;
  optimizer?: OptimizerSpec;
  batchSize?: number;
  accumulationSteps?: number;
  /** what did not carry over */
  notes: string[];
}

function num(v: unknown, field: string, test: (n: number) => boolean, allowed: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || !test(v)) throw new Error(`importDeepSpeed: ${field} must be ${allowed}, got ${JSON.stringify(v)}`);
  return v;
}

/** A DeepSpeed config (object or JSON text) -> our precision, scaler and optimizer specs. */
export function importDeepSpeed(json: unknown): ImportedDeepSpeed {
  const ds = typeof json === "string" ? (JSON.parse(json) as Record<string, unknown>) : json;
  if (!ds || typeof ds !== "object" || Array.isArray(ds)) throw new Error("importDeepSpeed: give a DeepSpeed config object or its JSON text");
  const d = ds as Record<string, any>;
  const notes: string[] = [];
  const fp16 = d.fp16 && d.fp16.enabled !== false && d.fp16.enabled !== "auto" ? (d.fp16 as Record<string, unknown>) : null;
  const bf16 = d.bf16 && d.bf16.enabled !== false && d.bf16.enabled !== "auto";
  if (fp16 && bf16) throw new Error("importDeepSpeed: fp16.enabled and bf16.enabled are both set: DeepSpeed allows one");
  let precision: Precision = "fp32";
  let scaler: ScalerSpec = { type: "none" };
  if (bf16) precision = "mixed-bf16";
  if (fp16) {
    precision = "mixed-fp16";
    const ls = fp16.loss_scale === undefined ? 0 : num(fp16.loss_scale, "fp16.loss_scale", (n) => n >= 0, "a number >= 0 (0 = dynamic)");
    if (ls === 1) scaler = { type: "none" };
    else if (ls > 0) scaler = { type: "static", scale: ls };
    else {
      const spec: Extract<ScalerSpec, { type: "dynamic" }> = { type: "dynamic", preset: "deepspeed" };
      if (fp16.initial_scale_power !== undefined) {
        const p = num(fp16.initial_scale_power, "fp16.initial_scale_power", Number.isInteger, "an integer");
        if (2 ** p !== DS.initScale) spec.initScale = 2 ** p;
      }
      if (fp16.loss_scale_window !== undefined) {
        const w = num(fp16.loss_scale_window, "fp16.loss_scale_window", (n) => Number.isInteger(n) && n >= 1, "a positive integer");
        if (w !== DS.growthInterval) spec.growthInterval = w;
      }
      if (fp16.hysteresis !== undefined) {
        const h = num(fp16.hysteresis, "fp16.hysteresis", (n) => Number.isInteger(n) && n >= 1, "a positive integer");
        if (h !== DS.hysteresis) spec.hysteresis = h;
      }
      if (fp16.min_loss_scale !== undefined) {
        const m = num(fp16.min_loss_scale, "fp16.min_loss_scale", (n) => Number.isInteger(n) && n > 0, "an integer > 0 (DeepSpeed's check with dynamic scaling)");
        if (m !== DS.minScale) spec.minScale = m;
      }
      const stage = zeroStageOf(d.zero_optimization);
      if (stage !== 0) spec.zeroStage = stage;
      const consecutive = fp16.consecutive_hysteresis;
      if (consecutive !== undefined && typeof consecutive !== "boolean") throw new Error(`importDeepSpeed: fp16.consecutive_hysteresis must be true or false, got ${JSON.stringify(consecutive)}`);
      if (stage === 0) {
        if (spec.hysteresis !== undefined) notes.push(`fp16.hysteresis ${spec.hysteresis} has no effect at ZeRO stage 0 (FP16_Optimizer has no hysteresis): dropped`);
        if (consecutive === true) notes.push("fp16.consecutive_hysteresis has no effect at ZeRO stage 0 (FP16_Optimizer has no hysteresis): dropped");
        delete spec.hysteresis;
      } else if (consecutive === true) spec.consecutiveHysteresis = true;
      scaler = spec;
    }
  }
  const out: ImportedDeepSpeed = { precision, scaler, notes };
  const opt = d.optimizer as { type?: string; params?: Record<string, any> } | undefined;
  if (opt) {
    const t = String(opt.type ?? "").toLowerCase(), p = opt.params ?? {};
    if (t === "adam" || t === "adamw") {
      const betas = Array.isArray(p.betas) ? p.betas : [0.9, 0.999];
      out.optimizer = { type: "adam", lr: p.lr ?? 1e-3, beta1: betas[0], beta2: betas[1], eps: p.eps ?? 1e-8, weightDecay: p.weight_decay ?? 0 };
    } else if (t === "sgd") out.optimizer = { type: "sgd", lr: p.lr, momentum: p.momentum ?? 0, weightDecay: p.weight_decay ?? 0 };
    else notes.push(`optimizer.type ${JSON.stringify(opt.type)} has no equivalent here (adam, adamw and sgd do)`);
  }
  const acc = d.gradient_accumulation_steps;
  if (acc !== undefined) out.accumulationSteps = num(acc, "gradient_accumulation_steps", (n) => Number.isInteger(n) && n >= 1, "a positive integer");
  if (d.train_micro_batch_size_per_gpu !== undefined) out.batchSize = num(d.train_micro_batch_size_per_gpu, "train_micro_batch_size_per_gpu", (n) => Number.isInteger(n) && n >= 1, "a positive integer");
  else if (d.train_batch_size !== undefined) out.batchSize = num(d.train_batch_size, "train_batch_size", (n) => Number.isInteger(n) && n >= 1, "a positive integer") / (out.accumulationSteps ?? 1);
  return out;
}

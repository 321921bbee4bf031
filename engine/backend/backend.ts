// The Backend interface: memory, casts, unscale-and-check, step state, statistics,
// and `run`, which runs an op (engine/ops/<op>/) with the backend's kernel for it.
//
// The layers, the loss and the optimizers are written against this interface and the
// ops only. The CPU backend (./cpu) is the readable reference; the wasm (./wasm) and
// WebGPU (./webgpu) backends are checked against it.
//
// Conventions (llm.c style):
// - Every op writes into tensors the caller allocated up front; no op allocates.
// - Arithmetic is fp32 (fp32 accumulation in every reduction); the result is
//   rounded once, to the dtype of the output tensor (round to nearest even,
//   subnormals kept, beyond range -> ±Inf: see engine/numerics).
// - Ops are *enqueued*: a backend may run them at once (CPU) or record them and
//   run them later (WebGPU). Only `read`, `flush` and `readStats` wait. So an op
//   never returns a value: scalars that steer the step (the loss scale, the
//   overflow flag, Adam's step count) live in backend-side step state, and the
//   per-step record (loss, scale, overflow, ...) is read back once per chunk.
// - Shapes are row-major. [B,I] is a batch of B rows of I features. Linear
//   weights are [O,I] (PyTorch's nn.Linear layout).

import type { OpContext } from "../ops/op.js";
import type { OpArgs, OpName } from "../ops/registry.js";

export type DType = "f32" | "f16" | "bf16";

/** An opaque handle to backend memory. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** number of elements */
  readonly size: number;
}

export interface BackendInfo {
  name: "cpu" | "webgpu" | "wasm";
  /** human-readable adapter or machine description */
  adapter: string;
  /** how fp16 is computed: "software" (CPU), "native" (WGSL f16), "emulated" (packed u32) */
  fp16: "software" | "native" | "emulated";
  /** why this backend was chosen, or why WebGPU was not */
  note?: string;
  /** a software (fallback) adapter such as SwiftShader rather than a GPU */
  fallbackAdapter?: boolean;
}

/** The loss scaler rule, as backend-side state machine parameters (see engine/scaler). */
export interface ScalerRule {
  kind: "static" | "none" | "dynamic";
  /** which reference rule ("pytorch" | "deepspeed" | "apex" | "keras" | "jmp"); static/none ignore it */
  rule: "pytorch" | "deepspeed" | "apex" | "keras" | "jmp";
  initScale: number;
  growthFactor: number;
  backoffFactor: number;
  growthInterval: number;
  hysteresis: number;
  minScale: number; // 0 = no floor
  maxScale: number; // Infinity = no ceiling (other than the fp32 range)
  /** deepspeed only: the ZeRO stage picking DeepSpeed's rule, 0 (FP16_Optimizer, no hysteresis) or 1-3 (DynamicLossScaler); absent = 0 */
  zeroStage?: number;
  /** deepspeed with zeroStage 1-3: a clean step restores the hysteresis (not only a growth); absent = false */
  consecutiveHysteresis?: boolean;
}

/** The scaler state machine's numbers; plain data so it can be saved and resumed. */
export interface ScalerState {
  scale: number;
  /** steps since the last growth or overflow (rule-specific meaning, see scaler/lossScaler.ts) */
  counter: number;
  /** DeepSpeed: remaining hysteresis */
  hysteresisLeft: number;
  /** DeepSpeed: iteration counter and last overflow iteration */
  iteration: number;
  lastOverflow: number;
  /** 1 once the scaler raised an error (DeepSpeed at its floor); the run stops */
  halted: number;
}

export interface StepRecord {
  /** fp32 loss, averaged over micro-batches (before scaling) */
  loss: number;
  /** the scale used in this step */
  scale: number;
  /** any non-finite value in the gradients */
  overflow: boolean;
  /** id of the first tensor with a non-finite value (a slot number: see train/slots.ts), -1 when none */
  firstNonFinite: number;
  /** L2 norm of the unscaled fp32 gradients (NaN/Inf on overflow) */
  gradNorm: number;
  /** the scaler raised its error in this step */
  scalerError: boolean;
}

/** Counts and extremes of one tensor, summed over the steps it was observed. */
export interface RawTensorStats {
  count: number;
  zero: number;
  /** fp16-subnormal magnitudes (2^-24 <= |x| < 2^-14) for f16/f32, bf16-subnormal for bf16 */
  subnormal: number;
  /** nonzero before the cast, zero after */
  underflow: number;
  /** finite before the cast, ±Inf after */
  overflow: number;
  nan: number;
  inf: number;
  /** smallest nonzero and largest finite magnitude (Infinity / 0 when none) */
  minAbs: number;
  maxAbs: number;
  /** histogram of floor(log2|x|) for finite nonzero x, bins HIST_MIN_EXP..HIST_MAX_EXP, clamped */
  hist: number[];
}

export const HIST_MIN_EXP = -40;
export const HIST_MAX_EXP = 24;
export const HIST_BINS = HIST_MAX_EXP - HIST_MIN_EXP + 1;

export interface Backend {
  readonly info: BackendInfo;

  // ---- memory -------------------------------------------------------------
  /** Allocates a tensor; `data` (fp32 values) is rounded to `dtype`. Zero-filled otherwise. */
  tensor(shape: readonly number[], dtype: DType, data?: Float32Array): Tensor;
  /** Overwrites a tensor (rounded to its dtype). Enqueued like an op. */
  write(t: Tensor, data: Float32Array): void;
  /** Waits for queued work, returns the values as fp32. */
  read(t: Tensor): Promise<Float32Array>;
  dispose(t: Tensor): void;

  // ---- step state -----------------------------------------------------------
  /** Sets the scaler rule and state; resets the step log and the applied-step count to `appliedSteps`. */
  initStepState(rule: ScalerRule, state: ScalerState, appliedSteps: number): void;
  /** Starts step `step`: clears the overflow flag, loss and grad-norm accumulators. */
  beginStep(step: number): void;
  /**
   * Ends the step: appends a StepRecord to the log, counts an applied step when
   * there was no overflow, updates the scaler with the overflow flag.
   */
  endStep(): void;
  /** Waits for queued work; returns and clears the step log. */
  flush(): Promise<StepRecord[]>;
  /** Current scaler state and applied-step count (waits). */
  readStepState(): Promise<{ scaler: ScalerState; appliedSteps: number }>;

  // ---- casts, unscale, checks ------------------------------------------------
  /** out = round_{out.dtype}(x) */
  cast(out: Tensor, x: Tensor): void;
  /**
   * g32 = (accumulate ? g32 : 0) + f32(g) / scale; in the same pass: if any g is
   * NaN/Inf, set the step's overflow flag and, if no tensor was recorded yet in
   * this step, record `tensorId` as the first non-finite one. Adds sum(g32^2)
   * to the step's grad-norm accumulator when `lastMicroBatch`.
   */
  unscaleCheck(g32: Tensor, g: Tensor, accumulate: boolean, lastMicroBatch: boolean, tensorId: number): void;
  /** Records `tensorId` as the step's first non-finite tensor if x has NaN/Inf and none was recorded (no overflow flag). */
  checkFinite(x: Tensor, tensorId: number): void;

  // ---- ops ------------------------------------------------------------------
  /**
   * Runs op `op` (engine/ops/<op>/) with this backend's kernel from its op table. Call
   * it through the op's own function (matmul(be, ...), ...), which checks the shapes
   * first. `ctx` carries the fp32 copies an observed step wants (engine/ops/op.ts).
   */
  run<K extends OpName>(op: K, args: OpArgs[K], ctx?: OpContext): void;

  // ---- statistics ---------------------------------------------------------------
  /**
   * Adds the statistics of x to accumulator `slot` (0-based, < numSlots of resetStats).
   * With `before` (same shape, usually f32), values that were nonzero (finite) in
   * `before` and are zero (±Inf) in x count as underflowed (overflowed).
   */
  observe(slot: number, x: Tensor, before?: Tensor): void;
  resetStats(numSlots: number): void;
  /** Waits; returns the accumulators. */
  readStats(): Promise<RawTensorStats[]>;

  /** Frees everything. */
  destroy(): void;
}

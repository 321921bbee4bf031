// The Backend interface: every kernel a mixed-precision training step needs.
//
// The model, the loss, the scaler and the optimizers are written against this
// interface only. The CPU backend (./cpu) is the readable reference; the WebGPU
// backend (./webgpu) is checked against it.
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

export type DType = "f32" | "f16" | "bf16";
export type { Fp8Cast } from "../numerics/fp8Quantize.js";
import type { Fp8Cast } from "../numerics/fp8Quantize.js";
export type Activation = "relu" | "gelu" | "tanh" | "sigmoid" | "linear";

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

/** An activation written beside a product's output (Backend.linearForward's `activated`). */
export interface Activated { act: Activation; out: Tensor }

export interface SgdParams { lr: number; momentum: number; weightDecay: number }
export interface AdamParams { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }

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

  // ---- data ---------------------------------------------------------------
  /** out[r,:] = src[idx[offset + r], :] for r < out.shape[0]; rounded to out.dtype. idx holds row numbers (f32). */
  gatherRows(out: Tensor, src: Tensor, idx: Tensor, offset: number): void;

  // ---- layers (forward and backward side by side) ---------------------------
  // The ops that round an fp32 result take an optional f32 output beside it: the same
  // values before the cast, written in the same pass (no second product). The step's
  // statistics read them as "before the cast" (engine/train/stepObserver.ts); leave
  // them out and nothing extra is written.
  /**
   * out[B,O] = x[B,I] · w[O,I]^T + b[O], rounded to out.dtype.
   * out32 (optional, f32, [B,O]): the same sums, rounded to f32 only.
   * activated (optional): also activated.out = act(out), the values
   * activationForward(activated.out, out, activated.act) gives after this op; a backend
   * may fuse it into the product's store (wasm does for ReLU, so its worker thread's
   * rows of the next layer's input stay in that thread's cache).
   */
  linearForward(out: Tensor, x: Tensor, w: Tensor, b: Tensor, out32?: Tensor, activated?: Activated): void;
  /**
   * dx[B,I] = dout[B,O] · w[O,I]      (skipped when dx is null: the first layer)
   * dw[O,I] = dout^T[O,B] · x[B,I]
   * db[O]   = sum_B dout[B,O]
   * dx32 (optional, f32, [B,I]; ignored when dx is null) and dw32 (optional, f32, [O,I]):
   * the same products as dx and dw, rounded to f32 only.
   */
  linearBackward(dx: Tensor | null, dw: Tensor, db: Tensor, dout: Tensor, x: Tensor, w: Tensor, dx32?: Tensor | null, dw32?: Tensor | null): void;
  /** out = act(x), elementwise; x is the pre-activation */
  activationForward(out: Tensor, x: Tensor, act: Activation): void;
  /** dx = dout * act'(x), elementwise; x is the pre-activation */
  activationBackward(dx: Tensor, dout: Tensor, x: Tensor, act: Activation): void;

  // ---- loss -----------------------------------------------------------------
  /**
   * MSE in fp32: adds `weight * mean((y - yhat)^2)` to the step's loss, and writes the
   * backward seed  seed = 2 (yhat - y) / n * weight * scale  rounded to seed.dtype,
   * with n = yhat.size and scale the step's current loss scale.
   * `weight` is 1 / accumulationSteps. With addToLoss false only the seed is written.
   * seed32 (optional, f32, seed's size): the same seed, rounded to f32 only.
   */
  mseLoss(seed: Tensor, yhat: Tensor, y: Tensor, weight: number, addToLoss?: boolean, seed32?: Tensor): void;

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

  // ---- fp8 (engine/numerics/fp8Quantize.ts: the one definition) -------------
  /**
   * The fp8 cast of a matmul input: out = fl(q · fl(1/s)) with q = fp8(fl(x · s)),
   * s as `cast.scaling` says (given, from x's own amax, or per block of 32); out is
   * f32 of x's size. Writes record[4·slot .. 4·slot+3] = amax(x), s, the number of
   * finite values that saturated (beyond the fp8 range after scaling) and the number
   * of nonzero values flushed to zero (FP8_RECORD_WORDS a slot; record is f32).
   */
  quantizeFp8(out: Tensor, x: Tensor, cast: Fp8Cast, record: Tensor, slot: number): void;

  // ---- optimizers (skip when the step's overflow flag is set or the scaler halted) --
  /**
   * PyTorch SGD: g' = g + wd·w; with momentum: buf = momentum·buf + g' (buf starts at 0,
   * so the first step gives buf = g'), w -= lr·buf; without: w -= lr·g' and buf is
   * neither read nor written (it may alias g32).
   */
  sgdStep(w: Tensor, g32: Tensor, buf: Tensor, p: SgdParams): void;
  /** AdamW: w -= lr·wd·w; m,v moments; w -= lr · m̂ / (sqrt(v̂) + eps), t = applied steps + 1 */
  adamStep(w: Tensor, g32: Tensor, m: Tensor, v: Tensor, p: AdamParams): void;

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

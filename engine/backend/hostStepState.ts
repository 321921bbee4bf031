// The step state of the backends that run ops at once (cpu, wasm): the scaler, the
// applied-step count, the step in progress and its log, and the statistics
// accumulators, as plain JS. One copy for both; the WebGPU backend keeps the same
// state in GPU buffers (webgpu/layout.ts) so that a chunk needs no read-back.
import type { RawTensorStats, ScalerRule, ScalerState, StepRecord } from "./backend.js";
import { initialScalerState, updateScaler } from "../scaler/lossScaler.js";
import { emptyStats } from "./cpu/cpuStats.js";

export class HostStepState {
  private rule: ScalerRule = { kind: "none", rule: "pytorch", initScale: 1, growthFactor: 2, backoffFactor: 0.5, growthInterval: 1, hysteresis: 1, minScale: 0, maxScale: Infinity };
  private scaler: ScalerState = initialScalerState(this.rule);
  /** optimizer steps applied so far (Adam's t - 1) */
  applied = 0;
  private log: StepRecord[] = [];
  // the step in progress
  /** the step's loss so far (mseLoss adds to it) */
  loss = 0;
  overflow = false;
  private firstBad = -1;
  /** the step's sum of squared unscaled gradients */
  normSq = 0;
  /** the loss scale of the step in progress (the scaler's at beginStep) */
  scaleUsed = 1;
  stats: RawTensorStats[] = [];

  init(rule: ScalerRule, state: ScalerState, appliedSteps: number): void {
    this.rule = { ...rule };
    this.scaler = { ...state };
    this.applied = appliedSteps;
    this.log = [];
  }

  begin(): void {
    this.loss = 0; this.overflow = false; this.firstBad = -1; this.normSq = 0; this.scaleUsed = this.scaler.scale;
  }

  end(): void {
    const wasHalted = this.scaler.halted !== 0;
    if (!this.overflow && !wasHalted) this.applied++;
    if (!wasHalted) this.scaler = updateScaler(this.rule, this.scaler, this.overflow);
    this.log.push({ loss: this.loss, scale: this.scaleUsed, overflow: this.overflow, firstNonFinite: this.firstBad, gradNorm: Math.sqrt(this.normSq), scalerError: !wasHalted && this.scaler.halted !== 0 });
  }

  /** Returns and clears the step log. */
  takeLog(): StepRecord[] {
    const out = this.log;
    this.log = [];
    return out;
  }

  read(): { scaler: ScalerState; appliedSteps: number } {
    return { scaler: { ...this.scaler }, appliedSteps: this.applied };
  }

  /** The optimizers skip the step: it overflowed, or the scaler halted. */
  skip(): boolean {
    return this.overflow || this.scaler.halted !== 0;
  }

  /** A non-finite value in tensor `id`: the first of the step is recorded; a gradient's also sets the overflow flag. */
  nonFinite(id: number, setOverflow: boolean): void {
    if (setOverflow) this.overflow = true;
    if (this.firstBad < 0) this.firstBad = id;
  }

  /** Whether a tensor was recorded as the step's first non-finite one already. */
  get recorded(): boolean {
    return this.firstBad >= 0;
  }

  resetStats(numSlots: number): void {
    this.stats = Array.from({ length: numSlots }, emptyStats);
  }

  readStats(): RawTensorStats[] {
    return this.stats.map((s) => ({ ...s, hist: [...s.hist] }));
  }

  /** The accumulator of `slot`, checked. */
  slot(slot: number, backend: string): RawTensorStats {
    if (!(slot >= 0 && slot < this.stats.length)) throw new Error(`${backend} backend: observe: slot ${slot} outside 0..${this.stats.length - 1}`);
    return this.stats[slot];
  }

  clear(): void {
    this.log = [];
    this.stats = [];
  }
}

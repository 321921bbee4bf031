// The WebGPU backend: the Backend interface on WGSL kernels (the core's in ./shaders,
// each op's in its op folder, engine/ops/<op>/), checked against the CPU reference
// (../cpu). Ops are recorded and submitted without waiting; the step state (overflow flag, loss scale, applied-step count, step log)
// lives in GPU buffers, so a chunk of training steps needs one read-back, in flush().
//
// Storage: f32 one value a u32 word, f16 and bf16 two values a word with exact
// software rounding (shaders/numerics.wgsl). The adapter's shader-f16 is not used yet:
// the packed path is exact everywhere, and it is what this machine's SwiftShader runs.
import {
  HIST_BINS, type Backend, type BackendInfo, type DType, type RawTensorStats, type ScalerRule, type ScalerState, type StepRecord, type Tensor,
} from "../backend.js";
import { acquireDevice, type AcquireOptions, type AcquiredDevice } from "./acquireDevice.js";
import { BufferPool } from "./bufferPool.js";
import { decodeWords, encodeWords, wordCount } from "./hostCodec.js";
import { DT_CODE, KERNELS, KIND_CODE, RULE_CODE, WORKGROUP_SIZE, type KernelDef } from "./kernels.js";
import { C, NO_TENSOR, R, RECORD_WORDS, S, SLOT_WORDS, STATE_BYTES, W_HIST, W_MAX, W_MIN } from "./layout.js";
import type { Fp8Cast } from "../../numerics/fp8Quantize.js";
import { NO_COPIES, type OpContext } from "../../ops/op.js";
import type { OpArgs, OpName } from "../../ops/registry.js";
import { fp8Cast } from "../../ops/quantize/webgpu.js";
import { PipelineCache, type Constants } from "./pipelineCache.js";
import { Recorder, type Param } from "./recorder.js";
import { WEBGPU_OPS } from "./opTable.js";
import type { WebGpuKernelContext } from "./webgpuContext.js";

export type WebGpuBackendOptions = AcquireOptions;

interface GpuTensor extends Tensor {
  buffer: GPUBuffer;
  disposed: boolean;
}

/** What the benchmark and tests may look at beyond the Backend interface. */
export interface WebGpuBackend extends Backend {
  readonly device: GPUDevice;
  counters(): { dispatches: number; submits: number; readBacks: number; pipelines: number; allocatedBytes: number };
  /** raw storage words of a tensor (tests: exact bit patterns) */
  readWords(t: Tensor): Promise<Uint32Array>;
  writeWords(t: Tensor, words: Uint32Array): void;
  /** the fp8 bit patterns quantizeFp8 produces for x, packed four a word (tests: exact bit patterns) */
  fp8Codes(x: Tensor, cast: Fp8Cast): Promise<Uint32Array>;
}

export async function createWebGpuBackend(opts: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  return new WebGpu(await acquireDevice(opts));
}

class WebGpu implements WebGpuBackend {
  readonly info: BackendInfo;
  readonly device: GPUDevice;
  private pool: BufferPool;
  private pipelines: PipelineCache;
  private rec: Recorder;
  private errors: string[] = [];
  private lost: string | null = null;
  private destroyed = false;
  private state: GPUBuffer;
  private dummy: GPUBuffer;
  private log: GPUBuffer;
  private logCapacity = 256;
  private records = 0;
  private rule: ScalerRule = { kind: "none", rule: "pytorch", initScale: 1, growthFactor: 2, backoffFactor: 0.5, growthInterval: 1, hysteresis: 1, minScale: 0, maxScale: Infinity };
  private stats: GPUBuffer | null = null;
  private numSlots = 0;
  /** what the op kernels get (webgpuContext.ts) */
  private readonly kc: WebGpuKernelContext;

  constructor(acq: AcquiredDevice) {
    this.device = acq.device;
    const native = acq.adapter.features.has("shader-f16");
    this.info = {
      name: "webgpu",
      adapter: acq.adapterName,
      fp16: "emulated",
      ...(acq.fallback ? { fallbackAdapter: true } : {}),
      note: native
        ? "the adapter has shader-f16; fp16 is still stored packed in u32 with exact software rounding (native f16 kernels are not implemented yet)"
        : "the adapter has no shader-f16: fp16 is stored packed in u32 with exact software rounding",
    };
    this.device.addEventListener("uncapturederror", (ev) => {
      this.errors.push((ev as GPUUncapturedErrorEvent).error.message);
    });
    void this.device.lost.then((i) => {
      if (!this.destroyed) this.lost = `webgpu backend: the device was lost (${i.reason}): ${i.message || "no message"}`;
    });
    this.pool = new BufferPool(this.device);
    this.pipelines = new PipelineCache(this.device, (m) => this.errors.push(m));
    this.rec = new Recorder(this.device, this.pool);
    this.state = this.pool.acquire(STATE_BYTES, "step state");
    this.dummy = this.pool.acquire(16, "unused binding");
    this.log = this.device.createBuffer({ size: this.logCapacity * RECORD_WORDS * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: "step log" });
    this.kc = {
      run: (def, constants, buffers, params, groups) => this.dispatch(def, constants, buffers, params, groups),
      buf: (t) => this.buf(t),
      pool: this.pool,
      rec: this.rec,
      state: this.state,
      dummy: this.dummy,
      groups: (items) => this.groups(items),
      threads: (items, per, max) => this.threads(items, per, max),
    };
    this.initStepState(this.rule, { scale: 1, counter: 0, hysteresisLeft: 1, iteration: 0, lastOverflow: -1, halted: 0 }, 0);
  }

  // ---- memory -------------------------------------------------------------
  tensor(shape: readonly number[], dtype: DType, data?: Float32Array): Tensor {
    this.alive();
    if (!shape.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`webgpu backend: bad shape [${shape.join(", ")}]: dimensions must be positive integers`);
    if (!(dtype in DT_CODE)) throw new Error(`webgpu backend: bad dtype "${dtype}": allowed are "f32", "f16", "bf16"`);
    const size = shape.reduce((a, b) => a * b, 1);
    const bytes = wordCount(dtype, size) * 4;
    const buffer = this.pool.acquire(bytes, `a ${dtype} tensor of shape [${shape.join(", ")}]`);
    const t: GpuTensor = { shape: [...shape], dtype, size, buffer, disposed: false };
    if (data) this.write(t, data);
    else this.rec.clear(buffer);
    return t;
  }

  write(t: Tensor, data: Float32Array): void {
    if (data.length !== t.size) throw new Error(`webgpu backend: write of ${data.length} values into a tensor of ${t.size}`);
    this.rec.upload(this.buf(t), encodeWords(t.dtype, data));
  }

  writeWords(t: Tensor, words: Uint32Array): void {
    this.rec.upload(this.buf(t), words);
  }

  async read(t: Tensor): Promise<Float32Array> {
    return decodeWords(t.dtype, await this.readWords(t), t.size);
  }

  async readWords(t: Tensor): Promise<Uint32Array> {
    return new Uint32Array(await this.readBack(this.buf(t), wordCount(t.dtype, t.size) * 4));
  }

  dispose(t: Tensor): void {
    const g = t as GpuTensor;
    if (g.disposed) return;
    g.disposed = true;
    this.pool.release(g.buffer); // later ops run after the ones already recorded
  }

  // ---- step state -----------------------------------------------------------
  initStepState(rule: ScalerRule, state: ScalerState, appliedSteps: number): void {
    this.rule = { ...rule };
    const words = new Uint32Array(STATE_BYTES / 4);
    const f = new Float32Array(words.buffer), i = new Int32Array(words.buffer);
    f[S.scale] = state.scale;
    i[S.counter] = state.counter;
    i[S.hysteresisLeft] = state.hysteresisLeft;
    i[S.iteration] = state.iteration;
    i[S.lastOverflow] = state.lastOverflow;
    words[S.halted] = state.halted;
    words[S.applied] = appliedSteps;
    words[S.firstNonFinite] = NO_TENSOR;
    f[S.scaleUsed] = state.scale;
    this.rec.upload(this.state, words);
    this.records = 0;
  }

  beginStep(step: number): void {
    this.dispatch(KERNELS.beginStep, {}, [this.state], [step >>> 0], [1]);
  }

  endStep(): void {
    if (this.records === this.logCapacity) {
      const bigger = this.device.createBuffer({ size: this.logCapacity * 2 * RECORD_WORDS * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: "step log" });
      this.rec.copy(this.log, 0, bigger, 0, this.logCapacity * RECORD_WORDS * 4);
      this.rec.retire(this.log);
      this.log = bigger;
      this.logCapacity *= 2;
    }
    const r = this.rule;
    this.dispatch(KERNELS.endStep, {}, [this.state, this.log], [
      this.records, KIND_CODE[r.kind], RULE_CODE[r.rule], Math.max(1, Math.round(r.growthInterval)),
      { f: r.growthFactor }, { f: r.backoffFactor }, { i: Math.round(r.hysteresis) }, { f: r.minScale }, { f: r.maxScale },
      r.zeroStage ?? 0, r.consecutiveHysteresis ? 1 : 0,
    ], [1]);
    this.records++;
  }

  async flush(): Promise<StepRecord[]> {
    const n = this.records;
    const bytes = await this.readBack(this.log, Math.max(1, n) * RECORD_WORDS * 4);
    this.records = 0;
    const u = new Uint32Array(bytes), f = new Float32Array(bytes);
    const out: StepRecord[] = [];
    for (let k = 0; k < n; k++) {
      const o = k * RECORD_WORDS;
      out.push({
        loss: f[o + R.loss], scale: f[o + R.scale], overflow: u[o + R.overflow] !== 0,
        firstNonFinite: u[o + R.firstNonFinite] === NO_TENSOR ? -1 : u[o + R.firstNonFinite], gradNorm: f[o + R.gradNorm], scalerError: u[o + R.scalerError] !== 0,
      });
    }
    return out;
  }

  async readStepState(): Promise<{ scaler: ScalerState; appliedSteps: number }> {
    const bytes = await this.readBack(this.state, STATE_BYTES);
    const u = new Uint32Array(bytes), f = new Float32Array(bytes), i = new Int32Array(bytes);
    return {
      scaler: { scale: f[S.scale], counter: i[S.counter], hysteresisLeft: i[S.hysteresisLeft], iteration: i[S.iteration], lastOverflow: i[S.lastOverflow], halted: u[S.halted] },
      appliedSteps: u[S.applied],
    };
  }

  // ---- casts, unscale, checks ------------------------------------------------
  cast(out: Tensor, x: Tensor): void {
    this.check(out.size === x.size, "cast: size mismatch");
    this.dispatch(KERNELS.cast, { DT_X: DT_CODE[x.dtype], DT_OUT: DT_CODE[out.dtype] }, [this.buf(x), this.buf(out)], [out.size], this.groups(wordCount(out.dtype, out.size)));
  }

  unscaleCheck(g32: Tensor, g: Tensor, accumulate: boolean, lastMicroBatch: boolean, tensorId: number): void {
    this.check(g32.dtype === "f32" && g32.size === g.size, "unscaleCheck: g32 must be an f32 tensor of g's size");
    const threads = this.threads(g.size, 16, 16384);
    const partials = this.pool.acquire(threads * 4, "grad-norm partial sums");
    this.dispatch(KERNELS.unscaleCheck, { DT_G: DT_CODE[g.dtype], ACCUMULATE: accumulate, LAST: lastMicroBatch },
      [this.state, this.buf(g), this.buf(g32), partials], [g.size, threads, tensorId >>> 0], [Math.ceil(threads / WORKGROUP_SIZE)]);
    if (lastMicroBatch) this.dispatch(KERNELS.reduceInto, { FIELD: 1 }, [this.state, partials], [threads, { f: 1 }, { f: 1 }], [1]);
    this.pool.release(partials);
  }

  checkFinite(x: Tensor, tensorId: number): void {
    this.dispatch(KERNELS.checkFinite, { DT_X: DT_CODE[x.dtype] }, [this.state, this.buf(x)], [x.size, tensorId >>> 0], this.groups(x.size));
  }

  // ---- ops ------------------------------------------------------------------
  run<K extends OpName>(op: K, args: OpArgs[K], ctx: OpContext = NO_COPIES): void {
    this.alive();
    (WEBGPU_OPS[op] as (c: WebGpuKernelContext, a: OpArgs[K], x: OpContext) => void)(this.kc, args, ctx);
  }

  async fp8Codes(x: Tensor, cast: Fp8Cast): Promise<Uint32Array> {
    const out = this.tensor([x.size], "f32");
    const { acc, codes } = fp8Cast(this.kc, out, x, cast);
    const words = new Uint32Array(await this.readBack(codes, Math.ceil(x.size / 4) * 4));
    for (const b of [acc, codes]) this.pool.release(b);
    this.dispose(out);
    return words;
  }

  // ---- statistics ---------------------------------------------------------------
  observe(slot: number, x: Tensor, before?: Tensor): void {
    this.check(Number.isInteger(slot) && slot >= 0 && slot < this.numSlots && this.stats !== null, `observe: slot ${slot} outside 0..${this.numSlots - 1}`);
    this.check(!before || before.size === x.size, "observe: before must have x's size");
    const threads = this.threads(x.size, 256, 1024);
    const subnormalBits = x.dtype === "bf16" ? 0x00800000 : 0x38800000; // 2^-126 : 2^-14
    this.dispatch(KERNELS.observe, { DT_X: DT_CODE[x.dtype], DT_BEFORE: DT_CODE[(before ?? x).dtype], HAS_BEFORE: !!before },
      [this.buf(x), this.buf(before ?? x), this.stats!], [x.size, threads, slot, subnormalBits], [Math.ceil(threads / WORKGROUP_SIZE)]);
  }

  resetStats(numSlots: number): void {
    this.check(Number.isInteger(numSlots) && numSlots >= 0, `resetStats: bad number of slots ${numSlots}`);
    const bytes = Math.max(1, numSlots) * SLOT_WORDS * 4;
    if (!this.stats || this.stats.size < bytes) {
      if (this.stats) this.pool.release(this.stats);
      this.stats = this.pool.acquire(bytes, `statistics of ${numSlots} tensors`);
    }
    this.numSlots = numSlots;
    const init = new Uint32Array(Math.max(1, numSlots) * SLOT_WORDS);
    for (let s = 0; s < numSlots; s++) init[s * SLOT_WORDS + W_MIN] = 0x7f800000; // +Inf
    this.rec.upload(this.stats, init);
  }

  async readStats(): Promise<RawTensorStats[]> {
    if (!this.stats || this.numSlots === 0) return [];
    const bytes = await this.readBack(this.stats, this.numSlots * SLOT_WORDS * 4);
    const u = new Uint32Array(bytes), f = new Float32Array(bytes);
    const out: RawTensorStats[] = [];
    for (let s = 0; s < this.numSlots; s++) {
      const o = s * SLOT_WORDS;
      const c = (w: number) => u[o + w] + u[o + w + 1] * 2 ** 32; // a 64-bit counter at word w
      const hist: number[] = [];
      for (let b = 0; b < HIST_BINS; b++) hist.push(u[o + W_HIST + 2 * b] + u[o + W_HIST + 2 * b + 1] * 2 ** 32);
      out.push({ count: c(C.count), zero: c(C.zero), subnormal: c(C.subnormal), underflow: c(C.underflow), overflow: c(C.overflow), nan: c(C.nan), inf: c(C.inf), minAbs: f[o + W_MIN], maxAbs: f[o + W_MAX], hist });
    }
    return out;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.rec.destroy();
    this.pool.destroyAll();
    this.log.destroy();
    this.device.destroy();
  }

  counters() {
    return { dispatches: this.rec.dispatches, submits: this.rec.submits, readBacks: this.rec.readBacks, pipelines: this.pipelines.size, allocatedBytes: this.pool.allocatedBytes };
  }

  // ---- helpers --------------------------------------------------------------
  private dispatch(def: KernelDef, constants: Constants, buffers: GPUBuffer[], params: Param[], groups: readonly [number, number?]): void {
    this.alive();
    this.rec.dispatch(this.pipelines.get(def, constants), def.storage, buffers, params, groups);
  }

  /** Workgroups of WORKGROUP_SIZE for `items` invocations, on a 2-D grid past 65535 groups. */
  private groups(items: number): [number, number] {
    const g = Math.max(1, Math.ceil(items / WORKGROUP_SIZE));
    const x = Math.min(g, 65535);
    return [x, Math.ceil(g / x)];
  }

  /** Invocations for a grid-stride kernel: about `per` items each, at most `max`. */
  private threads(items: number, per: number, max: number): number {
    return Math.max(1, Math.min(max, Math.ceil(items / per)));
  }

  private buf(t: Tensor): GPUBuffer {
    const g = t as GpuTensor;
    if (!g.buffer) throw new Error("webgpu backend: a tensor from another backend was passed");
    if (g.disposed) throw new Error(`webgpu backend: use of a disposed tensor of shape [${t.shape.join(", ")}]`);
    return g.buffer;
  }

  private check(cond: boolean, what: string): void {
    if (!cond) throw new Error(`webgpu backend: ${what}`);
  }

  private alive(): void {
    if (this.destroyed) throw new Error("webgpu backend: used after destroy()");
    if (this.lost) throw new Error(this.lost);
  }

  private async readBack(src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.alive();
    let data: ArrayBuffer;
    try {
      data = await this.rec.readBack(src, bytes);
    } catch (e) {
      throw new Error(this.lost ?? `webgpu backend: read-back failed: ${(e as Error).message}`);
    }
    await this.pipelines.settle();
    if (this.lost) throw new Error(this.lost);
    if (this.errors.length) {
      const msg = this.errors.join("\n");
      this.errors = [];
      throw new Error(`webgpu backend: ${msg}`);
    }
    return data;
  }
}

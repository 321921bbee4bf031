// The WebGPU backend: the Backend interface on WGSL kernels (./shaders), checked
// against the CPU reference (../cpu). Ops are recorded and submitted without
// waiting; the step state (overflow flag, loss scale, applied-step count, step log)
// lives in GPU buffers, so a chunk of training steps needs one read-back, in flush().
//
// Storage: f32 one value a u32 word, f16 and bf16 two values a word with exact
// software rounding (shaders/numerics.wgsl). The adapter's shader-f16 is not used yet:
// the packed path is exact everywhere, and it is what this machine's SwiftShader runs.
import {
  HIST_BINS, type Activated, type Activation, type AdamParams, type Backend, type BackendInfo, type DType, type RawTensorStats,
  type ScalerRule, type ScalerState, type SgdParams, type StepRecord, type Tensor,
} from "../backend.js";
import { acquireDevice, type AcquireOptions, type AcquiredDevice } from "./acquireDevice.js";
import { BufferPool } from "./bufferPool.js";
import { decodeWords, encodeWords, wordCount } from "./hostCodec.js";
import { ACT_CODE, DT_CODE, FMT_CODE, KERNELS, KIND_CODE, RULE_CODE, SCALING_CODE, WORKGROUP_SIZE, type KernelName } from "./kernels.js";
import { C, NO_TENSOR, R, RECORD_WORDS, S, SLOT_WORDS, STATE_BYTES, W_HIST, W_MAX, W_MIN } from "./layout.js";
import { FP8_RECORD_WORDS, type Fp8Cast } from "../../numerics/fp8Quantize.js";
import { PipelineCache, type Constants } from "./pipelineCache.js";
import { Recorder, type Param } from "./recorder.js";

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
    this.run("beginStep", {}, [this.state], [step >>> 0], [1]);
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
    this.run("endStep", {}, [this.state, this.log], [
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

  // ---- data ---------------------------------------------------------------
  gatherRows(out: Tensor, src: Tensor, idx: Tensor, offset: number): void {
    const [rows, cols] = out.shape;
    this.check(src.shape[1] === cols && out.shape.length === 2, "gatherRows: column mismatch");
    this.check(Number.isInteger(offset) && offset >= 0 && offset + rows <= idx.size, `gatherRows: offset ${offset} + ${rows} rows beyond the ${idx.size} indices`);
    this.run("gatherRows", { DT_SRC: DT_CODE[src.dtype], DT_IDX: DT_CODE[idx.dtype], DT_OUT: DT_CODE[out.dtype] },
      [this.buf(src), this.buf(idx), this.buf(out)], [out.size, cols, offset], this.groups(wordCount(out.dtype, out.size)));
  }

  // ---- layers -------------------------------------------------------------
  linearForward(out: Tensor, x: Tensor, w: Tensor, b: Tensor, out32?: Tensor, activated?: Activated): void {
    const [B, I] = x.shape, O = w.shape[0];
    this.check(w.shape[1] === I && out.shape[0] === B && out.shape[1] === O && b.size === O, "linearForward: shape mismatch");
    this.checkF32(out32, out, "linearForward: out32");
    this.matmul(out, out32, this.buf(x), x.dtype, this.buf(w), w.dtype, b, B, O, I);
    // the activation as its own dispatch, in the same queue (not fused into the matmul's store here)
    if (activated) this.activationForward(activated.out, out, activated.act);
  }

  linearBackward(dx: Tensor | null, dw: Tensor, db: Tensor, dout: Tensor, x: Tensor, w: Tensor, dx32?: Tensor | null, dw32?: Tensor | null): void {
    const [B, I] = x.shape, O = w.shape[0];
    this.check(dout.shape[0] === B && dout.shape[1] === O && dw.size === O * I && db.size === O && (!dx || dx.size === B * I), "linearBackward: shape mismatch");
    if (dx) this.checkF32(dx32, dx, "linearBackward: dx32");
    this.checkF32(dw32, dw, "linearBackward: dw32");
    // Every product as A·B^T on exact fp32 transposes: the one fast matmul kernel.
    if (dx) {
      const wT = this.transpose(w, O, I); // [I, O]
      this.matmul(dx, dx32, this.buf(dout), dout.dtype, wT, "f32", null, B, I, O);
      this.pool.release(wT);
    }
    const doutT = this.transpose(dout, B, O); // [O, B]
    const xT = this.transpose(x, B, I); // [I, B]
    this.matmul(dw, dw32, doutT, "f32", xT, "f32", null, O, I, B);
    this.pool.release(doutT);
    this.pool.release(xT);
    this.run("columnSum", { DT_SRC: DT_CODE[dout.dtype], DT_OUT: DT_CODE[db.dtype] }, [this.buf(dout), this.buf(db)], [B, O], this.groups(wordCount(db.dtype, O)));
  }

  activationForward(out: Tensor, x: Tensor, act: Activation): void {
    this.check(out.size === x.size, "activationForward: size mismatch");
    this.run("activationForward", { DT_X: DT_CODE[x.dtype], DT_OUT: DT_CODE[out.dtype], ACT: this.act(act) },
      [this.buf(x), this.buf(out)], [out.size], this.groups(wordCount(out.dtype, out.size)));
  }

  activationBackward(dx: Tensor, dout: Tensor, x: Tensor, act: Activation): void {
    this.check(dx.size === x.size && dout.size === x.size, "activationBackward: size mismatch");
    this.run("activationBackward", { DT_DOUT: DT_CODE[dout.dtype], DT_X: DT_CODE[x.dtype], DT_OUT: DT_CODE[dx.dtype], ACT: this.act(act) },
      [this.buf(dout), this.buf(x), this.buf(dx)], [dx.size], this.groups(wordCount(dx.dtype, dx.size)));
  }

  // ---- loss -----------------------------------------------------------------
  mseLoss(seed: Tensor, yhat: Tensor, y: Tensor, weight: number, addToLoss = true, seed32?: Tensor): void {
    this.check(yhat.size === y.size && seed.size === y.size, "mseLoss: size mismatch");
    this.checkF32(seed32, seed, "mseLoss: seed32");
    const n = y.size;
    const threads = this.threads(wordCount(seed.dtype, n), 16, 16384);
    const partials = this.pool.acquire(threads * 4, "loss partial sums");
    this.run("mseLoss", { DT_YHAT: DT_CODE[yhat.dtype], DT_Y: DT_CODE[y.dtype], DT_SEED: DT_CODE[seed.dtype], HAS_SEED32: !!seed32 },
      [this.state, this.buf(yhat), this.buf(y), this.buf(seed), partials, seed32 ? this.buf(seed32) : this.dummy], [n, threads, { f: weight }], [Math.ceil(threads / WORKGROUP_SIZE)]);
    if (addToLoss) this.run("reduceInto", { FIELD: 0 }, [this.state, partials], [threads, { f: n }, { f: weight }], [1]);
    this.pool.release(partials);
  }

  // ---- casts, unscale, checks ------------------------------------------------
  cast(out: Tensor, x: Tensor): void {
    this.check(out.size === x.size, "cast: size mismatch");
    this.run("cast", { DT_X: DT_CODE[x.dtype], DT_OUT: DT_CODE[out.dtype] }, [this.buf(x), this.buf(out)], [out.size], this.groups(wordCount(out.dtype, out.size)));
  }

  unscaleCheck(g32: Tensor, g: Tensor, accumulate: boolean, lastMicroBatch: boolean, tensorId: number): void {
    this.check(g32.dtype === "f32" && g32.size === g.size, "unscaleCheck: g32 must be an f32 tensor of g's size");
    const threads = this.threads(g.size, 16, 16384);
    const partials = this.pool.acquire(threads * 4, "grad-norm partial sums");
    this.run("unscaleCheck", { DT_G: DT_CODE[g.dtype], ACCUMULATE: accumulate, LAST: lastMicroBatch },
      [this.state, this.buf(g), this.buf(g32), partials], [g.size, threads, tensorId >>> 0], [Math.ceil(threads / WORKGROUP_SIZE)]);
    if (lastMicroBatch) this.run("reduceInto", { FIELD: 1 }, [this.state, partials], [threads, { f: 1 }, { f: 1 }], [1]);
    this.pool.release(partials);
  }

  checkFinite(x: Tensor, tensorId: number): void {
    this.run("checkFinite", { DT_X: DT_CODE[x.dtype] }, [this.state, this.buf(x)], [x.size, tensorId >>> 0], this.groups(x.size));
  }

  // ---- fp8 ------------------------------------------------------------------------
  quantizeFp8(out: Tensor, x: Tensor, cast: Fp8Cast, record: Tensor, slot: number): void {
    this.check(out.dtype === "f32" && out.size === x.size, "quantizeFp8: out must be an f32 tensor of x's size");
    this.check(record.dtype === "f32" && Number.isInteger(slot) && slot >= 0 && (slot + 1) * FP8_RECORD_WORDS <= record.size, `quantizeFp8: slot ${slot} outside the record tensor`);
    const { acc, codes } = this.fp8Cast(out, x, cast);
    this.run("fp8Record", {}, [acc, this.buf(record)], [slot], [1]);
    this.pool.release(acc);
    this.pool.release(codes);
  }

  async fp8Codes(x: Tensor, cast: Fp8Cast): Promise<Uint32Array> {
    const out = this.tensor([x.size], "f32");
    const { acc, codes } = this.fp8Cast(out, x, cast);
    const words = new Uint32Array(await this.readBack(codes, Math.ceil(x.size / 4) * 4));
    for (const b of [acc, codes]) this.pool.release(b);
    this.dispose(out);
    return words;
  }

  /** amax pass, then the cast (shaders/fp8Amax.wgsl, fp8Quantize.wgsl); returns the pooled accumulators and codes. */
  private fp8Cast(out: Tensor, x: Tensor, c: Fp8Cast): { acc: GPUBuffer; codes: GPUBuffer } {
    const n = x.size;
    const acc = this.pool.acquire(16, "fp8 cast accumulators");
    this.rec.clear(acc);
    const codes = this.pool.acquire(Math.ceil(n / 4) * 4, "fp8 codes");
    const threads = this.threads(n, 256, 1024);
    this.run("fp8Amax", { DT_X: DT_CODE[x.dtype] }, [this.buf(x), acc], [n, threads], [Math.ceil(threads / WORKGROUP_SIZE)]);
    const s = Math.fround(c.scale), inv = Math.fround(1 / s);
    const group = c.scaling === "block" ? 32 : 4;
    this.run("fp8Quantize", { DT_X: DT_CODE[x.dtype], FMT: FMT_CODE[c.format], SATURATE: c.saturate, SCALING: SCALING_CODE[c.scaling] },
      [this.buf(x), this.buf(out), codes, acc], [n, { f: c.scaling === "tensor" ? s : 1 }, { f: c.scaling === "tensor" ? inv : 1 }], this.groups(Math.ceil(n / group)));
    return { acc, codes };
  }

  // ---- optimizers -------------------------------------------------------------
  sgdStep(w: Tensor, g32: Tensor, buf: Tensor, p: SgdParams): void {
    this.check(g32.dtype === "f32" && buf.dtype === "f32" && g32.size === w.size && buf.size === w.size, "sgdStep: g32 and buf must be f32 tensors of w's size");
    // Without momentum buf is not touched (it may alias g32): bind a dummy in its place.
    const momentum = p.momentum > 0;
    this.run("sgdStep", { DT_OUT: DT_CODE[w.dtype], MOMENTUM: momentum }, [this.state, this.buf(w), this.buf(g32), momentum ? this.buf(buf) : this.dummy],
      [w.size, { f: p.lr }, { f: p.momentum }, { f: p.weightDecay }], this.groups(wordCount(w.dtype, w.size)));
  }

  adamStep(w: Tensor, g32: Tensor, m: Tensor, v: Tensor, p: AdamParams): void {
    this.check([g32, m, v].every((t) => t.dtype === "f32" && t.size === w.size), "adamStep: g32, m and v must be f32 tensors of w's size");
    this.run("adamStep", { DT_OUT: DT_CODE[w.dtype] }, [this.state, this.buf(w), this.buf(g32), this.buf(m), this.buf(v)],
      [w.size, { f: p.lr }, { f: p.beta1 }, { f: p.beta2 }, { f: p.eps }, { f: p.weightDecay }], this.groups(wordCount(w.dtype, w.size)));
  }

  // ---- statistics ---------------------------------------------------------------
  observe(slot: number, x: Tensor, before?: Tensor): void {
    this.check(Number.isInteger(slot) && slot >= 0 && slot < this.numSlots && this.stats !== null, `observe: slot ${slot} outside 0..${this.numSlots - 1}`);
    this.check(!before || before.size === x.size, "observe: before must have x's size");
    const threads = this.threads(x.size, 256, 1024);
    const subnormalBits = x.dtype === "bf16" ? 0x00800000 : 0x38800000; // 2^-126 : 2^-14
    this.run("observe", { DT_X: DT_CODE[x.dtype], DT_BEFORE: DT_CODE[(before ?? x).dtype], HAS_BEFORE: !!before },
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
  /** out = A·B^T (+ bias) rounded to out.dtype; out32 (optional, f32): the same unrounded. */
  private matmul(out: Tensor, out32: Tensor | null | undefined, a: GPUBuffer, aType: DType, b: GPUBuffer, bType: DType, bias: Tensor | null, M: number, N: number, K: number): void {
    // f16/bf16 operands are decoded (exactly) into f32 scratch first: see matmulNT.wgsl.
    const a32 = aType === "f32" ? a : this.decodeToF32(a, aType, M * K);
    const b32 = bType === "f32" ? b : this.decodeToF32(b, bType, N * K);
    // A packed C needs whole words per invocation (N even); else compute in f32 (out32
    // when there is one) and cast.
    const direct = out.dtype === "f32" || N % 2 === 0;
    const c = direct ? this.buf(out) : out32 ? this.buf(out32) : this.pool.acquire(M * N * 4, "matmul f32 result");
    const c32 = direct && out32 ? this.buf(out32) : null;
    this.run("matmulNT", { DT_C: direct ? DT_CODE[out.dtype] : 0, DT_BIAS: bias ? DT_CODE[bias.dtype] : 0, HAS_BIAS: !!bias, VEC: K % 4 === 0, HAS_C32: !!c32 },
      [a32, b32, bias ? this.buf(bias) : a32, c, c32 ?? this.dummy], [M, N, K], [Math.ceil(N / 32), Math.ceil(M / 32)]);
    if (!direct) {
      this.run("cast", { DT_X: 0, DT_OUT: DT_CODE[out.dtype] }, [c, this.buf(out)], [out.size], this.groups(wordCount(out.dtype, out.size)));
      if (!out32) this.pool.release(c);
    }
    if (a32 !== a) this.pool.release(a32);
    if (b32 !== b) this.pool.release(b32);
  }

  /** An exact f32 copy of `n` values of a packed buffer, in a pooled buffer. */
  private decodeToF32(src: GPUBuffer, dtype: DType, n: number): GPUBuffer {
    const dst = this.pool.acquire(n * 4, "matmul operand in f32");
    this.run("cast", { DT_X: DT_CODE[dtype], DT_OUT: 0 }, [src, dst], [n], this.groups(n));
    return dst;
  }

  /** An f32 [cols, rows] transpose of t viewed as [rows, cols], in a pooled buffer. */
  private transpose(t: Tensor, rows: number, cols: number): GPUBuffer {
    const dst = this.pool.acquire(rows * cols * 4, "transpose");
    this.run("transposeToF32", { DT_SRC: DT_CODE[t.dtype] }, [this.buf(t), dst], [rows, cols], this.groups(rows * cols));
    return dst;
  }

  private run(name: KernelName, constants: Constants, buffers: GPUBuffer[], params: Param[], groups: readonly [number, number?]): void {
    this.alive();
    const def = KERNELS[name];
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

  private act(a: Activation): number {
    const code = ACT_CODE[a];
    if (code === undefined) throw new Error(`webgpu backend: unknown activation "${a}": allowed are ${Object.keys(ACT_CODE).join(", ")}`);
    return code;
  }

  private buf(t: Tensor): GPUBuffer {
    const g = t as GpuTensor;
    if (!g.buffer) throw new Error("webgpu backend: a tensor from another backend was passed");
    if (g.disposed) throw new Error(`webgpu backend: use of a disposed tensor of shape [${t.shape.join(", ")}]`);
    return g.buffer;
  }

  /** An optional fp32 output must be an f32 tensor of its rounded twin's size. */
  private checkF32(t: Tensor | null | undefined, twin: Tensor, what: string): void {
    this.check(!t || (t.dtype === "f32" && t.size === twin.size), `${what} must be an f32 tensor of ${twin.size} values`);
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

// Records ops into command buffers and submits them without waiting: a chunk of
// training steps becomes a few submits and no read-back.
//
// Uniforms: queue.writeBuffer runs on the queue timeline, before the commands of the
// next submit, so writing one uniform buffer several times between submits would make
// every dispatch see the last value. Instead each dispatch gets its own 256-byte slice
// of a uniform arena (bound with a dynamic offset); the arena is written once, right
// before its submit. Data uploads (Backend.write) go through their own staging buffer
// and a recorded copy, so they land in op order too.
import type { BufferPool } from "./bufferPool.js";
import type { Access } from "./kernels.js";
import type { CachedPipeline } from "./pipelineCache.js";

/** A uniform field: a plain number is a u32; {f} an f32; {i} an i32. */
export type Param = number | { f: number } | { i: number };

const SLICE = 256;
const SLICES = 1024;
const BINDING_SIZE = 64;

export class Recorder {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private uniformBuf: GPUBuffer;
  private uniformData = new ArrayBuffer(SLICE * SLICES);
  private view = new DataView(this.uniformData);
  private slices = 0;
  private staging: GPUBuffer[] = [];
  private bindGroups = new Map<string, GPUBindGroup>();
  /** counters for the benchmark and tests */
  dispatches = 0;
  submits = 0;
  readBacks = 0;

  constructor(private device: GPUDevice, private pool: BufferPool) {
    this.uniformBuf = device.createBuffer({ size: SLICE * SLICES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: "uniform arena" });
  }

  dispatch(p: CachedPipeline, access: Access[], buffers: GPUBuffer[], params: Param[], groups: readonly [number, number?]): void {
    if (buffers.length !== access.length) throw new Error(`webgpu backend: ${buffers.length} buffers for ${access.length} bindings`);
    if (this.slices === SLICES) this.submit();
    // A buffer bound for reading and writing in one dispatch is invalid in WebGPU; read a copy.
    const temps: GPUBuffer[] = [];
    const bound = buffers.map((b, i) => {
      if (access[i] === "read" && buffers.some((o, j) => o === b && access[j] === "write")) {
        const t = this.pool.acquire(b.size, "alias copy");
        this.copy(b, 0, t, 0, b.size);
        temps.push(t);
        return t;
      }
      return b;
    });
    const offset = this.slices * SLICE;
    params.forEach((v, i) => {
      const at = offset + 4 * i;
      if (typeof v === "number") this.view.setUint32(at, v >>> 0, true);
      else if ("f" in v) this.view.setFloat32(at, v.f, true);
      else this.view.setInt32(at, v.i, true);
    });
    this.slices++;
    const key = `${p.id}:${bound.map((b) => this.pool.id(b)).join(",")}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      if (this.bindGroups.size > 4096) this.bindGroups.clear();
      group = this.device.createBindGroup({
        layout: p.layout,
        entries: [
          { binding: 0, resource: { buffer: this.uniformBuf, offset: 0, size: BINDING_SIZE } },
          ...bound.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
        ],
      });
      this.bindGroups.set(key, group);
    }
    const pass = this.computePass();
    pass.setPipeline(p.pipeline);
    pass.setBindGroup(0, group, [offset]);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1);
    this.dispatches++;
    for (const t of temps) this.pool.release(t);
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void {
    this.endPass();
    this.enc().copyBufferToBuffer(src, srcOffset, dst, dstOffset, size);
  }

  clear(buf: GPUBuffer): void {
    this.endPass();
    this.enc().clearBuffer(buf);
  }

  /** Copies `words` into `dst` at this point of the command stream. */
  upload(dst: GPUBuffer, words: Uint32Array, dstOffset = 0): void {
    const size = Math.ceil(words.byteLength / 4) * 4;
    if (size === 0) return;
    const staging = this.device.createBuffer({ size, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true, label: "upload" });
    new Uint32Array(staging.getMappedRange()).set(words);
    staging.unmap();
    this.staging.push(staging);
    this.copy(staging, 0, dst, dstOffset, size);
  }

  /** Destroys `buf` after the next submit (commands already recorded may still use it). */
  retire(buf: GPUBuffer): void {
    this.staging.push(buf);
  }

  /** Submits what was recorded (no waiting). */
  submit(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.slices) this.device.queue.writeBuffer(this.uniformBuf, 0, this.uniformData, 0, this.slices * SLICE);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slices = 0;
    this.submits++;
    for (const s of this.staging) s.destroy(); // freed once the submitted copies ran
    this.staging = [];
  }

  /** Submits, copies `size` bytes of `src` out and waits for them. */
  async readBack(src: GPUBuffer, size: number): Promise<ArrayBuffer> {
    const bytes = Math.max(4, Math.ceil(size / 4) * 4);
    const dst = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: "read back" });
    this.copy(src, 0, dst, 0, bytes);
    this.submit();
    this.readBacks++;
    try {
      await dst.mapAsync(GPUMapMode.READ);
      return dst.getMappedRange().slice(0);
    } finally {
      dst.destroy();
    }
  }

  destroy(): void {
    this.encoder = null;
    this.pass = null;
    this.bindGroups.clear();
    for (const s of this.staging) s.destroy();
    this.uniformBuf.destroy();
  }

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.enc().beginComputePass());
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }
}

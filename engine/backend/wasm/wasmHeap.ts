// The wasm backend's memory: one WebAssembly.Memory that the kernels import, carved into
// tensors by a first-fit free list on the JS side. Blocks are 64-byte aligned and a whole
// number of 16-byte vectors, zero-filled when handed out, so a kernel may read and write
// a tensor four lanes at a time past its last element (the padding stays zero).
// The first RESERVED bytes hold the kernels' scratch: address 0 is "no tensor".

import { webAssembly, type WasmMemory } from "./webAssembly.js";

const PAGE = 65536;
const ALIGN = 64;
export const RESERVED = 4096;
/** a 4x8 tile and a bias row for the GEMM's edge tiles (256 bytes) */
export const GEMM_SCRATCH = 64;
/** the same for a worker thread's half of a GEMM */
export const WORKER_GEMM_SCRATCH = 384;
/** one statistics record (stats.wat, 292 bytes) */
export const STATS_RECORD = 768;
/** four lanes' histograms of an observation (stats.wat, 4 x 65 i32) */
export const STATS_LANES = 2048;
/** a worker's job: 20 i32, then its last run's milliseconds as an f64 (nodeWorkers.ts) */
export const WORKER_CONTROL = 1536;
/** two element-format descriptors and 16 parameter words of the element-format ops (engine/ops/formats, 128 bytes) */
export const FORMAT_SCRATCH = 3584;

export class WasmHeap {
  readonly memory: WasmMemory;
  private top = RESERVED;
  private free: { at: number; bytes: number }[] = [];
  private view: Float32Array;
  private readonly maxPages: number;

  /** shared: over a SharedArrayBuffer, for worker threads (its maximum is reserved up front, so 1 GiB) */
  constructor(shared = false, initialBytes = 16 << 20) {
    this.memory = new (webAssembly().Memory)({ initial: Math.ceil(initialBytes / PAGE), maximum: shared ? 16384 : 65536, ...(shared ? { shared: true } : {}) });
    this.view = new Float32Array(this.memory.buffer);
    this.maxPages = shared ? 16384 : 65536;
  }

  /** The memory as fp32 (a fresh view after the memory grew). */
  get f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** A zero-filled block for `count` fp32 values; returns its byte address. */
  alloc(count: number): number {
    const bytes = Math.ceil((count * 4) / ALIGN) * ALIGN || ALIGN;
    let at = -1;
    const i = this.free.findIndex((b) => b.bytes >= bytes);
    if (i >= 0) {
      const block = this.free[i];
      at = block.at;
      if (block.bytes === bytes) this.free.splice(i, 1);
      else { block.at += bytes; block.bytes -= bytes; }
    } else {
      at = this.top;
      this.top += bytes;
      const need = this.top + ALIGN - this.memory.buffer.byteLength; // one spare vector past the end
      if (need > 0) {
        const pages = Math.max(Math.ceil(need / PAGE), this.memory.buffer.byteLength / PAGE / 2) | 0;
        try {
          this.memory.grow(Math.min(pages, this.maxPages - this.memory.buffer.byteLength / PAGE));
        } catch {
          this.top -= bytes;
          throw new Error(`wasm backend: out of memory (a tensor of ${count} values on top of ${this.top} bytes)`);
        }
      }
    }
    this.f32.fill(0, at / 4, (at + bytes) / 4);
    return at;
  }

  /** Returns a block from alloc(count). */
  release(at: number, count: number): void {
    const bytes = Math.ceil((count * 4) / ALIGN) * ALIGN || ALIGN;
    this.free.push({ at, bytes });
    this.free.sort((a, b) => a.at - b.at);
    const merged: { at: number; bytes: number }[] = [];
    for (const b of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.at + last.bytes === b.at) last.bytes += b.bytes;
      else merged.push({ ...b });
    }
    // a free block at the top goes back to the top
    const end = merged[merged.length - 1];
    if (end && end.at + end.bytes === this.top) { this.top = end.at; merged.pop(); }
    this.free = merged;
  }

  reset(): void {
    this.top = RESERVED;
    this.free = [];
  }
}

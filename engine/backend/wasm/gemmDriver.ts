// Runs the wasm GEMM (engine/ops/matmul/gemm.wat) for any op that needs a product: grows
// the packed-B buffers on demand and, with a helper thread (gemmHelper.ts), splits the
// rows of C between the two threads as RowSplit learns.
import { RowSplit, type GemmHelper } from "./gemmHelper.js";
import type { WasmHeap } from "./wasmHeap.js";
import { GEMM_SCRATCH, WORKER_GEMM_SCRATCH } from "./wasmHeap.js";
import type { GemmKernel } from "../../ops/matmul/wasm.js";

/** K values per GEMM block (gemm.wat's K_BLOCK) */
export const K_BLOCK = 256;

/** A GEMM splits over the second thread from this many multiply-adds (below, waking it costs more than it saves). */
const PARALLEL_MIN = 1 << 20;

/** C[M,N] = A·B (+ bias): A(m,k) = a[m*sam + k*sak], B(k,n) = b[k*sbk + n*sbn] (byte addresses; 0 = none for bias, c32, ca). */
export interface GemmCall {
  M: number; N: number; K: number;
  a: number; sam: number; sak: number;
  b: number; sbk: number; sbn: number;
  c: number; bias: number; mode: number;
  /** the same sums rounded to fp32 only */
  c32: number;
  /** ReLU of the rounded result, fused into the store */
  ca: number;
}

export class GemmDriver {
  private pack = 0;
  private pack2 = 0;
  private packFloats = 0;
  private readonly split = new RowSplit();

  constructor(private readonly k: GemmKernel, private readonly heap: WasmHeap, private helper: GemmHelper | null) {}

  run(g: GemmCall): void {
    const { M, N, K } = g;
    const need = Math.min(K, K_BLOCK) * Math.ceil(N / 8) * 8;
    if (need > this.packFloats) {
      if (this.pack) this.heap.release(this.pack, this.packFloats);
      if (this.pack2) this.heap.release(this.pack2, this.packFloats);
      this.pack = this.heap.alloc(need);
      this.pack2 = this.helper ? this.heap.alloc(need) : 0;
      this.packFloats = need;
    }
    // with a helper thread: it takes the bottom rows of C (from a multiple of 4), as many as
    // makes both finish together (RowSplit)
    const helper = this.helper;
    const key = helper && M >= 8 && M * N * K >= PARALLEL_MIN ? `${M} ${N} ${K} ${g.sam} ${g.sak} ${g.sbk} ${g.sbn}` : "";
    const top = key ? this.split.top(key, M) : M;
    if (top < M) {
      const off = top * N * 4;
      helper!.start([M - top, N, K, g.a + top * g.sam * 4, g.sam, g.sak, g.b, g.sbk, g.sbn, g.c + off, g.bias, g.mode, this.pack2, WORKER_GEMM_SCRATCH, g.c32 ? g.c32 + off : 0, g.ca ? g.ca + off : 0]);
    }
    const t0 = performance.now();
    this.k.gemm(top, N, K, g.a, g.sam, g.sak, g.b, g.sbk, g.sbn, g.c, g.bias, g.mode, this.pack, GEMM_SCRATCH, g.c32, g.ca);
    if (top === M) return;
    const t1 = performance.now(), helperMs = helper!.wait(), t2 = performance.now();
    // when this thread waited, the helper's time is from the start (its wake-up included)
    this.split.learn(key, M, top, t1 - t0, t2 - t1 > 0.002 ? t2 - t0 : helperMs);
  }

  /** After the heap was reset: forget the buffers and stop the helper. */
  destroy(): void {
    this.pack = this.pack2 = this.packFloats = 0;
    this.helper?.destroy();
    this.helper = null;
  }
}

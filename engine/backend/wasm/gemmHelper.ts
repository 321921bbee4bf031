// A second thread for the wasm backend's large GEMMs: the backend runs the top rows of C,
// a helper the bottom rows, each packing B into its own buffer. Helpers come from the
// host: Node registers worker threads (nodeWorkers.ts); a webview has one thread (not
// cross-origin isolated, so no SharedArrayBuffer) and registers none.
import type { WasmModule } from "./webAssembly.js";
import type { WasmHeap } from "./wasmHeap.js";

export interface GemmHelper {
  /** starts gemm(args) (the kernel's parameters) on the other thread */
  start(args: number[]): void;
  /** waits until it is done; returns the milliseconds the helper's gemm ran */
  wait(): number;
  destroy(): void;
}

export type GemmHelperFactory = (module: WasmModule, heap: WasmHeap) => GemmHelper;

let factory: GemmHelperFactory | null = null;

export function registerGemmHelper(f: GemmHelperFactory): void {
  factory = f;
}

export const gemmHelperFactory = (): GemmHelperFactory | null => factory;

/**
 * Where a GEMM's rows split between the backend's thread (the top rows) and the helper:
 * per shape, the share moves toward the rates (rows per ms) the last calls measured, so
 * that both finish together. The helper is slower on rows whose inputs the other thread
 * just wrote (they travel between the cores' caches), so an even split left the backend's
 * thread waiting for a sixth of each step. The split never changes a result: each row's
 * sums are the same on either thread.
 */
export class RowSplit {
  private readonly share = new Map<string, number>();

  /** the backend thread's rows (a multiple of 4, leaving the helper at least 4) */
  top(key: string, M: number): number {
    const f = this.share.get(key) ?? 0.5;
    return Math.min(M - 4, Math.max(4, Math.round((f * M) / 4) * 4));
  }

  /** after a call: the backend thread ran `top` rows in mainMs, the helper the rest in helperMs */
  learn(key: string, M: number, top: number, mainMs: number, helperMs: number): void {
    if (!(mainMs > 0 && helperMs > 0)) return;
    const rMain = top / mainMs, rHelper = (M - top) / helperMs;
    const f = 0.7 * (this.share.get(key) ?? 0.5) + 0.3 * (rMain / (rMain + rHelper));
    this.share.set(key, Math.min(0.85, Math.max(0.15, f)));
  }
}

// A second thread for the wasm backend's large GEMMs: the backend runs the top rows of C,
// a helper the bottom rows, each packing B into its own buffer. Helpers come from the
// host: Node registers worker threads (nodeWorkers.ts); a webview has one thread (not
// cross-origin isolated, so no SharedArrayBuffer) and registers none.
import type { WasmModule } from "./webAssembly.js";
import type { WasmHeap } from "./wasmHeap.js";

export interface GemmHelper {
  /** starts gemm(args) (the kernel's parameters) on the other thread */
  start(args: number[]): void;
  /** waits until it is done */
  wait(): void;
  destroy(): void;
}

export type GemmHelperFactory = (module: WasmModule, heap: WasmHeap) => GemmHelper;

let factory: GemmHelperFactory | null = null;

export function registerGemmHelper(f: GemmHelperFactory): void {
  factory = f;
}

export const gemmHelperFactory = (): GemmHelperFactory | null => factory;

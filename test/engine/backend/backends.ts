// The backends under test: the CPU reference always; wasm (WebAssembly SIMD); WebGPU when an adapter exists
// (SwiftShader here, see scripts/test.mjs), else skipped with the reason visible in
// the test output. One WebGPU backend per test file keeps its pipeline cache warm.
import type { Backend } from "../../../engine/backend/backend.js";
import { createCpuBackend } from "../../../engine/backend/cpu/cpuBackend.js";
import { mulberry32 } from "../../../engine/data/rng.js";
import { createWebGpuBackend, type WebGpuBackend } from "../../../engine/backend/webgpu/webgpuBackend.js";
import { createWasmBackend } from "../../../engine/backend/wasm/wasmBackend.js";
import "../../../engine/backend/wasm/nodeWorkers.js"; // the wasm backend's second thread, as in the CLI

let gpu: Promise<WebGpuBackend | string> | null = null;

/** The shared WebGPU backend of this test file, or why there is none. */
export function webgpuOrReason(): Promise<WebGpuBackend | string> {
  gpu ??= createWebGpuBackend().catch((e: Error) => `WebGPU unavailable here: ${e.message}`);
  return gpu;
}

export async function releaseWebGpu(): Promise<void> {
  const g = gpu ? await gpu : null;
  if (g && typeof g !== "string") g.destroy();
  gpu = null;
}

/** Backends other than the CPU reference that initialised; with `skipped` reasons for the rest. */
export async function otherBackends(): Promise<{ name: string; backend?: Backend; skip?: string }[]> {
  const g = await webgpuOrReason();
  const w = await createWasmBackend(undefined, { threads: 1 }).catch((e: Error) => `wasm unavailable here: ${e.message}`);
  const w2 = await createWasmBackend(undefined, { threads: 2 }).catch((e: Error) => `wasm unavailable here: ${e.message}`);
  return [
    typeof w === "string" ? { name: "wasm", skip: w } : { name: "wasm", backend: w },
    typeof w2 === "string" ? { name: "wasm 2 threads", skip: w2 } : { name: "wasm 2 threads", backend: w2 },
    typeof g === "string" ? { name: "webgpu", skip: g } : { name: "webgpu", backend: g },
  ];
}

export const cpu = () => createCpuBackend();

/** A small deterministic generator: the engine's seeded mulberry32. */
export const rng = (seed: number): (() => number) => mulberry32(seed);

export function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

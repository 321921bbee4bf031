// The backends under test: the CPU reference always; WebGPU when an adapter exists
// (SwiftShader here, see scripts/test.mjs), else skipped with the reason visible in
// the test output. One WebGPU backend per test file keeps its pipeline cache warm.
import type { Backend } from "../../../engine/backend/backend.js";
import { createCpuBackend } from "../../../engine/backend/cpu/cpuBackend.js";
import { createWebGpuBackend, type WebGpuBackend } from "../../../engine/backend/webgpu/webgpuBackend.js";

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
  return [typeof g === "string" ? { name: "webgpu", skip: g } : { name: "webgpu", backend: g }];
}

export const cpu = () => createCpuBackend();

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

// Which backend the engine page trains on, and why: WebGPU when the user allows it and
// navigator.gpu gives an adapter, else the CPU reference backend in this page.
import type { Backend } from "../../engine/backend/backend.js";
import { createCpuBackend } from "../../engine/backend/cpu/cpuBackend.js";
import * as engine from "../../engine/index.js";

export type BackendPreference = "auto" | "webgpu" | "cpu";

interface GpuLike {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<{ info?: { vendor?: string; architecture?: string; description?: string; device?: string } } | null>;
}

type WebGpuFactory = (options: { gpu?: unknown }) => Promise<Backend>;

/**
 * PLUG-IN POINT (WebGPU backend): the one place the engine page makes a WebGPU backend.
 * It uses `createWebGpuBackend` from the engine's public API when the build has it
 * (engine/backend/webgpu, exported by engine/index.ts) and reports null otherwise.
 * Once it is in main for good, this can become a plain import.
 */
async function createWebGpu(gpu: GpuLike): Promise<Backend | null> {
  // looked up at run time: builds without the WebGPU backend do not export it
  const factory = Reflect.get(engine, "createWebGpuBackend") as WebGpuFactory | undefined;
  return factory ? factory({ gpu }) : null;
}

export async function chooseBackend(preference: BackendPreference, gpu: GpuLike | undefined): Promise<Backend> {
  if (preference === "cpu") return createCpuBackend("the mplab.engine.backend setting asks for the CPU backend");
  if (!gpu) {
    const why = "this webview has no navigator.gpu (WebGPU is not available here)";
    if (preference === "webgpu") throw new Error(`mplab.engine.backend is "webgpu" but ${why}`);
    return createCpuBackend(`CPU backend: ${why}`);
  }
  let adapter: Awaited<ReturnType<GpuLike["requestAdapter"]>> = null;
  let failure = "";
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    failure = `: ${(e as Error).message}`;
  }
  if (!adapter) {
    const why = `navigator.gpu gave no adapter${failure}`;
    if (preference === "webgpu") throw new Error(`mplab.engine.backend is "webgpu" but ${why}`);
    return createCpuBackend(`CPU backend: ${why}`);
  }
  const i = adapter.info ?? {};
  const name = [i.vendor, i.architecture, i.description || i.device].filter(Boolean).join(" ") || "unknown adapter";
  try {
    const webgpu = await createWebGpu(gpu);
    if (webgpu) return webgpu;
  } catch (e) {
    if (preference === "webgpu") throw e;
    return createCpuBackend(`CPU backend: the WebGPU backend failed to start on ${name}: ${(e as Error).message}`);
  }
  if (preference === "webgpu") throw new Error(`mplab.engine.backend is "webgpu" but this build has no WebGPU backend (adapter: ${name})`);
  return createCpuBackend(`CPU backend: a WebGPU adapter is available (${name}) but this build has no WebGPU backend yet`);
}

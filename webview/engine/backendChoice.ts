// Which backend the engine page trains on, and why: WebGPU when the user allows it and
// navigator.gpu gives an adapter, else the CPU reference backend in this page.
import type { Backend } from "../../engine/backend/backend.js";
import { createCpuBackend } from "../../engine/backend/cpu/cpuBackend.js";
import { createWebGpuBackend } from "../../engine/backend/webgpu/webgpuBackend.js";

export type BackendPreference = "auto" | "webgpu" | "cpu";

interface GpuLike {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<{ info?: { vendor?: string; architecture?: string; description?: string; device?: string } } | null>;
}

/** On Linux, VS Code's Chromium usually blocklists WebGPU (microsoft/vscode#235201). */
function linuxHint(): string {
  const ua = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? "";
  return /Linux/.test(ua) && !/Android/.test(ua)
    ? "; on Linux, start VS Code with `code --enable-features=Vulkan --enable-unsafe-webgpu` to enable WebGPU in webviews"
    : "";
}

export async function chooseBackend(preference: BackendPreference, gpu: GpuLike | undefined): Promise<Backend> {
  if (preference === "cpu") return createCpuBackend("the mplab.engine.backend setting asks for the CPU backend");
  if (!gpu) {
    const why = `this webview has no navigator.gpu (WebGPU is not available here)${linuxHint()}`;
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
    const why = `navigator.gpu gave no adapter${failure}${linuxHint()}`;
    if (preference === "webgpu") throw new Error(`mplab.engine.backend is "webgpu" but ${why}`);
    return createCpuBackend(`CPU backend: ${why}`);
  }
  const i = adapter.info ?? {};
  const name = [i.vendor, i.architecture, i.description || i.device].filter(Boolean).join(" ") || "unknown adapter";
  try {
    return await createWebGpuBackend({ gpu: gpu as GPU });
  } catch (e) {
    if (preference === "webgpu") throw e;
    return createCpuBackend(`CPU backend: the WebGPU backend failed to start on ${name}: ${(e as Error).message}`);
  }
}

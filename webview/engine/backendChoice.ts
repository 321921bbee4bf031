// Which backend the engine page trains on, and why: the engine's one chooser
// (engine/backend/choose.ts) with this page's navigator.gpu and the user's
// mplab.engine.backend setting.
import type { Backend } from "../../engine/backend/backend.js";
import { chooseBackend as choose, type BackendChoice } from "../../engine/backend/choose.js";
import { createWebGpuBackend } from "../../engine/backend/webgpu/webgpuBackend.js";

export type BackendPreference = BackendChoice;

interface GpuLike {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<unknown>;
}

/** On Linux, VS Code's Chromium usually blocklists WebGPU (microsoft/vscode#235201). */
function linuxHint(): string {
  const ua = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? "";
  return /Linux/.test(ua) && !/Android/.test(ua)
    ? "; on Linux, start VS Code with `code --enable-features=Vulkan --enable-unsafe-webgpu` to enable WebGPU in webviews"
    : "";
}

export async function chooseBackend(preference: BackendPreference, gpu: GpuLike | undefined): Promise<Backend> {
  return choose(preference, {
    webgpu: gpu
      ? () => createWebGpuBackend({ gpu: gpu as GPU }) // its errors carry the Linux hint
      : { none: `this webview has no navigator.gpu (WebGPU is not available here)${linuxHint()}` },
    askFor: (c) => `mplab.engine.backend ${JSON.stringify(c)}`,
  });
}

// Picks a backend for train() in Node and scripts: "cpu", "webgpu", or "auto"
// (WebGPU on a GPU adapter, else the CPU, saying why). The engine webview page
// makes its own choice (webview/engine/backendChoice.ts).
import type { Backend } from "./backend.js";
import { createCpuBackend } from "./cpu/cpuBackend.js";

export type BackendChoice = "auto" | "cpu" | "webgpu";

type Factory = () => Promise<Backend>;
let webgpuFactory: Factory | null = null;

/** The WebGPU backend registers itself here (engine/backend/webgpu). */
export function registerWebGpu(factory: Factory): void {
  webgpuFactory = factory;
}

export async function selectBackend(choice: BackendChoice | Backend = "auto"): Promise<{ backend: Backend; owned: boolean }> {
  if (typeof choice === "object") return { backend: choice, owned: false };
  if (choice !== "auto" && choice !== "cpu" && choice !== "webgpu") throw new Error(`backend must be "auto", "cpu" or "webgpu", got ${JSON.stringify(choice)}`);
  if (choice === "cpu") return { backend: createCpuBackend("chosen explicitly"), owned: true };
  if (!webgpuFactory) {
    if (choice === "webgpu") throw new Error("backend \"webgpu\": this build has no WebGPU backend");
    return { backend: createCpuBackend("no WebGPU backend in this build"), owned: true };
  }
  try {
    const backend = await webgpuFactory();
    if (choice === "auto" && backend.info.fallbackAdapter) {
      // a software rasterizer is no faster than the CPU backend for these models
      const adapter = backend.info.adapter;
      backend.destroy();
      return { backend: createCpuBackend(`the only WebGPU adapter is a software fallback (${adapter}); choose backend "webgpu" to use it anyway`), owned: true };
    }
    return { backend, owned: true };
  } catch (e) {
    if (choice === "webgpu") throw e;
    return { backend: createCpuBackend(`WebGPU unavailable: ${(e as Error).message}`), owned: true };
  }
}

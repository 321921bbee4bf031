// Picks a backend for train() in Node and scripts: "auto", "cpu", "wasm" or "webgpu",
// through the one chooser (choose.ts) that the engine webview uses too.
import type { Backend } from "./backend.js";
import { chooseBackend, type BackendChoice } from "./choose.js";

export type { BackendChoice } from "./choose.js";

type Factory = () => Promise<Backend>;
let webgpuFactory: Factory | null = null;

/** The WebGPU backend registers itself here (engine/backend/webgpu). */
export function registerWebGpu(factory: Factory): void {
  webgpuFactory = factory;
}

export async function selectBackend(choice: BackendChoice | Backend = "auto"): Promise<{ backend: Backend; owned: boolean }> {
  if (typeof choice === "object") return { backend: choice, owned: false };
  const backend = await chooseBackend(choice, {
    webgpu: webgpuFactory ?? { none: "this build has no WebGPU backend" },
    askFor: (c) => `backend ${JSON.stringify(c)}`,
  });
  return { backend, owned: true };
}

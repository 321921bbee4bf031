// The one backend chooser, for Node (select.ts: train(), the CLI, the notebook kernel)
// and the engine webview (webview/engine/backendChoice.ts): "auto" takes WebGPU on a
// real GPU adapter, and the wasm backend (WebAssembly SIMD) on a software (fallback)
// adapter or without WebGPU; the plain JS `cpu` backend only when asked for, or where the
// runtime has no WebAssembly SIMD. The chosen backend's info.note says why.
import type { Backend } from "./backend.js";
import { createCpuBackend } from "./cpu/cpuBackend.js";
import { createWasmBackend } from "./wasm/wasmBackend.js";

export type BackendChoice = "auto" | "cpu" | "wasm" | "webgpu";
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "cpu", "wasm", "webgpu"];

export interface ChooserEnv {
  /** makes the WebGPU backend, or null with the reason there is none here */
  webgpu: (() => Promise<Backend>) | { none: string };
  /** how the user changes the choice here, e.g. `backend "webgpu"` or `mplab.engine.backend "webgpu"` */
  askFor: (choice: BackendChoice) => string;
}

export async function chooseBackend(choice: BackendChoice, env: ChooserEnv): Promise<Backend> {
  if (!BACKEND_CHOICES.includes(choice)) throw new Error(`backend must be one of ${BACKEND_CHOICES.map((c) => JSON.stringify(c)).join(", ")}; got ${JSON.stringify(choice)}`);
  if (choice === "cpu") return createCpuBackend("chosen explicitly (the readable JavaScript reference)");
  if (choice === "wasm") return createWasmBackend("chosen explicitly");
  let why: string;
  if (typeof env.webgpu !== "function") {
    if (choice === "webgpu") throw new Error(`${env.askFor("webgpu")} asked for, but ${env.webgpu.none}`);
    why = env.webgpu.none;
  } else {
    let gpu: Backend | null = null;
    try {
      gpu = await env.webgpu();
    } catch (e) {
      if (choice === "webgpu") throw e;
      why = `WebGPU unavailable: ${(e as Error).message}`;
    }
    if (gpu) {
      if (choice === "webgpu" || !gpu.info.fallbackAdapter) return gpu;
      // a software rasterizer (SwiftShader) is ~14x slower than one core of WASM SIMD here
      why = `the only WebGPU adapter is a software fallback (${gpu.info.adapter}), slower than WebAssembly SIMD; choose ${env.askFor("webgpu")} to use it anyway`;
      gpu.destroy();
    }
  }
  try {
    return await createWasmBackend(`auto: ${why!}`);
  } catch (e) {
    return createCpuBackend(`auto: ${why!}; and the wasm backend failed: ${(e as Error).message}`);
  }
}

// Makes "webgpu" (and "auto") in train() and the CLI reach this backend: importing
// this module registers the factory with select.ts (which stays free of WebGPU code).
// engine/index.ts re-exports createWebGpuBackend from here; the CLI imports it.
import { registerWebGpu } from "../select.js";
import { createWebGpuBackend } from "./webgpuBackend.js";

registerWebGpu(() => createWebGpuBackend());

export { createWebGpuBackend };

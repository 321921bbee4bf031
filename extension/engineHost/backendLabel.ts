// The words the status bar uses for a backend (kept vscode-free so it is unit-tested).
import type { BackendInfo } from "../../engine/index.js";

export function describeBackend(info: BackendInfo): string {
  if (info.name === "cpu") return "CPU";
  if (info.name === "wasm") return "WASM SIMD";
  return info.fp16 === "native" ? "WebGPU fp16" : "WebGPU fp16 emulated";
}

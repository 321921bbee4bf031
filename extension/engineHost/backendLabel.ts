// The words the status bar uses for a backend (kept vscode-free so it is unit-tested).
import type { BackendInfo } from "../../engine/index.js";

export function describeBackend(info: BackendInfo): string {
  if (info.name === "cpu") return "CPU";
  return info.fp16 === "native" ? "WebGPU fp16" : "WebGPU fp16 emulated";
}

// Node-only: turns on relaxed SIMD in this process where V8 has it behind a flag (Node 20;
// Node 22+ ships it on), so the wasm backend's GEMM gets its fused multiply-add. For the
// processes the engine owns (the CLI, the notebook kernel); a library user keeps their
// flags. The kernels still pick their build by validating it (wasmKernels.ts).
import { setFlagsFromString } from "node:v8";
import { hasRelaxedSimd } from "./wasmKernels.js";

export function enableRelaxedSimd(): boolean {
  if (hasRelaxedSimd()) return true;
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  return hasRelaxedSimd();
}

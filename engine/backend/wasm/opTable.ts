// The wasm backend's op table: each op's wasm kernel (engine/ops/<op>/wasm.ts and its .wat).
import { activationBackwardWasm, activationForwardWasm } from "../../ops/activation/wasm.js";
import { adamStepWasm } from "../../ops/adamw/wasm.js";
import { gatherRowsWasm } from "../../ops/gatherRows/wasm.js";
import { matmulWasm } from "../../ops/matmul/wasm.js";
import { mseLossWasm } from "../../ops/mse/wasm.js";
import { quantizeFp8Wasm } from "../../ops/quantize/wasm.js";
import type { OpTable } from "../../ops/registry.js";
import { sgdStepWasm } from "../../ops/sgd/wasm.js";
import { sumRowsWasm } from "../../ops/sumRows/wasm.js";
import type { WasmKernelContext } from "./wasmContext.js";

export const WASM_OPS: OpTable<WasmKernelContext> = {
  matmul: matmulWasm,
  sumRows: sumRowsWasm,
  activationForward: activationForwardWasm,
  activationBackward: activationBackwardWasm,
  mseLoss: mseLossWasm,
  gatherRows: gatherRowsWasm,
  sgdStep: sgdStepWasm,
  adamStep: adamStepWasm,
  quantizeFp8: quantizeFp8Wasm,
};

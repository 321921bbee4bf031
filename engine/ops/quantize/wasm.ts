// quantizeFp8 on the wasm backend: the CPU reference's exact fp8 path on views of the
// wasm heap (no SIMD kernel yet).
import { FP8_RECORD_WORDS, quantizeFp8 } from "../../numerics/fp8Quantize.js";
import type { Tensor } from "../../backend/backend.js";
import type { WasmKernelContext } from "../../backend/wasm/wasmContext.js";
import type { Kernel } from "../op.js";
import type { QuantizeFp8Args } from "./quantize.js";

export const quantizeFp8Wasm: Kernel<WasmKernelContext, QuantizeFp8Args> = (c, p) => {
  const view = (t: Tensor) => new Float32Array(c.heap.memory.buffer, c.p(t), t.size);
  const r = quantizeFp8(view(p.out), view(p.x), p.cast);
  view(p.record).set([r.amax, r.scale, r.saturated, r.flushed], p.slot * FP8_RECORD_WORDS);
};

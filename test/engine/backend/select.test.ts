// selectBackend: "auto" takes WebGPU on a GPU adapter, but not on a software
// fallback adapter (SwiftShader here), where it says why and uses the wasm backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import "../../../engine/backend/webgpu/register.js";
import { selectBackend } from "../../../engine/backend/select.js";
import { webgpuOrReason, releaseWebGpu } from "./backends.js";

test("auto passes over a software fallback adapter; webgpu takes it when asked", async (t) => {
  const g = await webgpuOrReason();
  if (typeof g === "string") return t.skip(g);
  const fallback = g.info.fallbackAdapter === true;
  await releaseWebGpu();
  const auto = await selectBackend("auto");
  const explicit = await selectBackend("webgpu");
  try {
    assert.equal(explicit.backend.info.name, "webgpu");
    if (fallback) {
      assert.equal(auto.backend.info.name, "wasm");
      assert.match(auto.backend.info.note ?? "", /software fallback .*choose backend "webgpu"/);
    } else assert.equal(auto.backend.info.name, "webgpu");
  } finally {
    auto.backend.destroy();
    explicit.backend.destroy();
  }
});

test("wasm is the wasm backend, and says whether it has relaxed-SIMD FMA", async () => {
  const w = await selectBackend("wasm");
  assert.equal(w.backend.info.name, "wasm");
  assert.match(w.backend.info.adapter, /^WebAssembly SIMD( \+ relaxed-SIMD FMA)?, (1 thread|2 threads)$/);
  w.backend.destroy();
  await assert.rejects(selectBackend("tpu" as never), /backend must be one of "auto", "cpu", "wasm", "webgpu"; got "tpu"/);
});

test("cpu is the CPU, and a Backend object is used as it is", async () => {
  const c = await selectBackend("cpu");
  assert.equal(c.backend.info.name, "cpu");
  const same = await selectBackend(c.backend);
  assert.equal(same.backend, c.backend);
  assert.equal(same.owned, false);
});

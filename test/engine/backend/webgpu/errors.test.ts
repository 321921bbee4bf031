// Failures of the WebGPU backend are clear errors, never hangs: no adapter, a buffer
// beyond the device's limits (named, with its size, before allocating), a WGSL compile
// error (with the kernel file and line), a lost device, shapes that do not fit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { acquireDevice } from "../../../../engine/backend/webgpu/acquireDevice.js";
import { createWebGpuBackend } from "../../../../engine/backend/webgpu/webgpuBackend.js";
import { PipelineCache } from "../../../../engine/backend/webgpu/pipelineCache.js";
import numerics from "../../../../engine/backend/webgpu/shaders/numerics.wgsl";
import { webgpuOrReason } from "../backends.js";
import { linearForward } from "../linearOps.js";

const probe = await webgpuOrReason();
const skip = typeof probe === "string" ? probe : undefined;
if (typeof probe !== "string") probe.destroy(); // each test below makes its own

test("no adapter: the error says why and how to enable WebGPU (runs without a GPU too)", async () => {
  const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
  await assert.rejects(acquireDevice({ gpu: noAdapter }), (e: Error) => {
    assert.match(e.message, /no WebGPU adapter/);
    assert.match(e.message, /--enable-unsafe-webgpu/);
    assert.match(e.message, /VK_ICD_FILENAMES/);
    return true;
  });
});

test("a tensor beyond the device's buffer limit is refused before allocating, with its size", { skip }, async () => {
  const b = await createWebGpuBackend();
  try {
    assert.throws(() => b.tensor([1 << 20, 1 << 10], "f32"), (e: Error) => {
      assert.match(e.message, /f32 tensor of shape \[1048576, 1024\]/);
      assert.match(e.message, /4\.00 GiB/);
      assert.match(e.message, /limit/);
      return true;
    });
    assert.equal(b.counters().allocatedBytes < 2 ** 20, true, "nothing big was allocated");
  } finally {
    b.destroy();
  }
});

test("a WGSL compile error names the kernel file and line", { skip }, async () => {
  const b = await createWebGpuBackend();
  const messages: string[] = [];
  try {
    const cache = new PipelineCache(b.device, (m) => messages.push(m));
    const source = "@compute @workgroup_size(1)\nfn main() {\n  let x: u32 = 1.5;\n}\n";
    b.device.pushErrorScope("validation");
    cache.get({ name: "broken", source, preludes: [numerics], storage: [] });
    await b.device.popErrorScope();
    await cache.settle();
    assert.equal(messages.length, 1, messages.join("\n"));
    assert.match(messages[0], /WGSL compile error in broken\.wgsl line 3/);
    assert.match(messages[0], /let x: u32 = 1\.5;/);
  } finally {
    b.destroy();
  }
});

test("a mixed-dtype matmul compiles and runs with no WGSL or validation error", { skip }, async () => {
  const b = await createWebGpuBackend();
  try {
    const t = b.tensor([4, 8], "f16"), w = b.tensor([6, 8], "bf16"), z = b.tensor([4, 6], "f32");
    linearForward(b, z, t, w, b.tensor([6], "f32"));
    await b.read(z); // a compile or validation error would be thrown here
  } finally {
    b.destroy();
  }
});

test("a lost device turns the next op and wait into an error that says so", { skip }, async () => {
  const b = await createWebGpuBackend();
  const t = b.tensor([4], "f32", Float32Array.of(1, 2, 3, 4));
  b.device.destroy(); // what a driver reset looks like to the page
  await b.device.lost;
  await new Promise((r) => setTimeout(r, 0));
  assert.throws(() => b.cast(t, t), /device was lost/);
  await assert.rejects(b.read(t), /device was lost/);
  b.destroy();
});

test("bad shapes are named by the op", { skip }, async () => {
  const b = await createWebGpuBackend();
  try {
    const x = b.tensor([4, 8], "f32"), w = b.tensor([6, 7], "f32"), bias = b.tensor([6], "f32"), z = b.tensor([4, 6], "f32");
    assert.throws(() => linearForward(b, z, x, w, bias), /matmul: shape mismatch: out \[4, 6\] = a \[4, 8\] · b\^T \[6, 7\] \+ bias \[6\]/);
    assert.throws(() => b.tensor([2, 0], "f32"), /bad shape \[2, 0\]/);
    assert.throws(() => b.observe(0, x), /observe: slot 0 outside/);
    const y = b.tensor([4, 8], "f16");
    b.dispose(x);
    assert.throws(() => b.cast(y, x), /disposed tensor/);
  } finally {
    b.destroy();
  }
});

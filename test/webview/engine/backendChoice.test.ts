import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseBackend } from "../../../webview/engine/backendChoice.js";

const gpuWith = (adapter: unknown) => ({ requestAdapter: async () => adapter as never });

describe("engine page backend choice", () => {
  it("the cpu setting gives the CPU backend and says so", async () => {
    const b = await chooseBackend("cpu", gpuWith({}));
    assert.equal(b.info.name, "cpu");
    assert.match(b.info.note ?? "", /setting asks for the CPU/);
  });

  it("no navigator.gpu: CPU, and why; 'webgpu' fails with the reason", async () => {
    const b = await chooseBackend("auto", undefined);
    assert.equal(b.info.name, "cpu");
    assert.match(b.info.note ?? "", /no navigator\.gpu/);
    await assert.rejects(chooseBackend("webgpu", undefined), /"webgpu" but this webview has no navigator\.gpu/);
  });

  it("no adapter (or a failing request): CPU, and why", async () => {
    assert.match((await chooseBackend("auto", gpuWith(null))).info.note ?? "", /gave no adapter/);
    const failing = { requestAdapter: async () => { throw new Error("blocked"); } };
    assert.match((await chooseBackend("auto", failing)).info.note ?? "", /gave no adapter: blocked/);
    await assert.rejects(chooseBackend("webgpu", gpuWith(null)), /gave no adapter/);
  });

  it("a fake adapter that cannot start the WebGPU backend: CPU, naming the adapter and the failure", async () => {
    const b = await chooseBackend("auto", gpuWith({ info: { vendor: "google", description: "SwiftShader" } }));
    assert.equal(b.info.name, "cpu");
    assert.match(b.info.note ?? "", /WebGPU backend failed to start on google SwiftShader/);
  });
});

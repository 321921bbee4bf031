// The engine page's choice goes through the engine's one chooser (engine/backend/choose.ts):
// these fakes of navigator.gpu drive it the way a webview would.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseBackend } from "../../../webview/engine/backendChoice.js";

const gpuWith = (adapter: unknown) => ({ requestAdapter: async () => adapter as never });

describe("engine page backend choice", () => {
  it("the cpu and wasm settings give those backends and say so", async () => {
    const c = await chooseBackend("cpu", gpuWith({}));
    assert.equal(c.info.name, "cpu");
    assert.match(c.info.note ?? "", /chosen explicitly/);
    const w = await chooseBackend("wasm", gpuWith({}));
    assert.equal(w.info.name, "wasm");
    assert.match(w.info.note ?? "", /chosen explicitly/);
  });

  it("no navigator.gpu: wasm, and why; 'webgpu' fails with the reason", async () => {
    const b = await chooseBackend("auto", undefined);
    assert.equal(b.info.name, "wasm");
    assert.match(b.info.note ?? "", /^auto: this webview has no navigator\.gpu/);
    await assert.rejects(chooseBackend("webgpu", undefined), /mplab\.engine\.backend "webgpu" asked for, but this webview has no navigator\.gpu/);
  });

  it("no adapter (or a failing request): wasm, and why", async () => {
    const none = await chooseBackend("auto", gpuWith(null));
    assert.equal(none.info.name, "wasm");
    assert.match(none.info.note ?? "", /WebGPU unavailable: .*no WebGPU adapter/);
    const failing = { requestAdapter: async () => { throw new Error("blocked"); } };
    assert.match((await chooseBackend("auto", failing)).info.note ?? "", /WebGPU unavailable: blocked/);
    await assert.rejects(chooseBackend("webgpu", gpuWith(null)), /no WebGPU adapter/);
  });

  it("a fake adapter that cannot start the WebGPU backend: wasm, with the failure", async () => {
    const b = await chooseBackend("auto", gpuWith({ info: { vendor: "google", description: "SwiftShader" }, features: new Set(), limits: {}, requestDevice: async () => { throw new Error("no device for you"); } }));
    assert.equal(b.info.name, "wasm");
    assert.match(b.info.note ?? "", /WebGPU unavailable: .*refused to create a device: no device for you/);
  });

  it("an unknown setting is refused, naming the allowed values", async () => {
    await assert.rejects(chooseBackend("gpu" as never, undefined), /backend must be one of "auto", "cpu", "wasm", "webgpu"; got "gpu"/);
  });
});

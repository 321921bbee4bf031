import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentSecurityPolicy, engineHtml, makeNonce } from "../../../extension/engineHost/html.js";
import { describeBackend } from "../../../extension/engineHost/backendLabel.js";

describe("engine page HTML", () => {
  it("has a CSP with default-src 'none', scripts only by nonce, and wasm compilation (no eval)", () => {
    const nonce = "abc123";
    const html = engineHtml({ cspSource: "https://x.vscode-cdn.net", scriptUri: "https://x.vscode-cdn.net/dist/webview/engine.js", backend: "auto", nonce });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    assert.equal(csp, contentSecurityPolicy("https://x.vscode-cdn.net", nonce));
    // 'wasm-unsafe-eval' lets the page compile the wasm backend's kernels; it allows no JS eval
    assert.match(csp!, /^default-src 'none'; script-src 'nonce-abc123' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(csp!.replace("'wasm-unsafe-eval'", ""), /unsafe-inline|unsafe-eval|\*/);
    // every script carries the nonce and comes from the bundle
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [' nonce="abc123" src="https://x.vscode-cdn.net/dist/webview/engine.js"']);
    assert.doesNotMatch(html, /https?:\/\/(?!x\.vscode-cdn\.net)/, "no remote resources");
    assert.match(html, /data-backend="auto"/);
  });

  it("nonces are fresh and long", () => {
    const a = makeNonce(), b = makeNonce();
    assert.notEqual(a, b);
    assert.ok(a.length >= 20);
    assert.match(a, /^[A-Za-z0-9_-]+$/);
  });

  it("escapes attribute values", () => {
    const html = engineHtml({ cspSource: "s", scriptUri: 'x"><script>', backend: "cpu", nonce: "n" });
    assert.doesNotMatch(html, /x"><script>/);
  });

  it("status bar words for each backend", () => {
    assert.equal(describeBackend({ name: "cpu", adapter: "x", fp16: "software" }), "CPU");
    assert.equal(describeBackend({ name: "wasm", adapter: "x", fp16: "software" }), "WASM SIMD");
    assert.equal(describeBackend({ name: "webgpu", adapter: "x", fp16: "native" }), "WebGPU fp16");
    assert.equal(describeBackend({ name: "webgpu", adapter: "x", fp16: "emulated" }), "WebGPU fp16 emulated");
  });
});

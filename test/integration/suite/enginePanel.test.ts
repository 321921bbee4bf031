import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { BackendInfo } from "../../../engine/backend/backend.js";
import { describeBackend } from "../../../extension/engineHost/backendLabel.js";
import { api } from "./util.js";

describe("engine page", () => {
  it("reports its backend and why; the status bar shows it", async () => {
    const exports = await api();
    const info = (await vscode.commands.executeCommand("mplab.showEngine")) as BackendInfo | undefined;
    assert.ok(info, "the engine started");
    assert.ok(info.name === "wasm" || info.name === "webgpu", `auto never picks the plain cpu reference where WebAssembly SIMD runs: ${info.name}`);
    assert.ok(info.adapter.length > 0);
    if (info.name === "wasm") assert.ok(info.note && info.note.length > 0, "a wasm engine says why it is not on WebGPU");
    assert.equal(exports.statusBarText(), describeBackend(info));
    // the same answer over the protocol's describe request
    assert.deepEqual(await exports.engine.backend(), info);
    (globalThis as { mplabTestNotes?: string[] }).mplabTestNotes?.push(`engine page backend: ${describeBackend(info)} (${info.adapter}); ${info.note ?? ""}`);
  });

  it("Restart Engine starts a new engine page", async () => {
    await api();
    const info = (await vscode.commands.executeCommand("mplab.restartEngine")) as BackendInfo | undefined;
    assert.ok(info, "restarted");
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith("mplab.engine"));
    assert.equal(tabs.length, 1, "one engine panel");
  });
});

// The status bar item: which backend the engine runs on (`WebGPU fp16`,
// `WebGPU fp16 emulated`, `WASM SIMD`, `CPU`), the tooltip why; clicking it opens the engine panel.
import * as vscode from "vscode";
import type { BackendInfo } from "../engine/index.js";
import { describeBackend } from "./engineHost/backendLabel.js";
import type { EngineClient } from "./engineHost/engineClient.js";

export function createStatusBar(engine: EngineClient): vscode.StatusBarItem & { readonly label: string } {
  const item = vscode.window.createStatusBarItem("mplab.backend", vscode.StatusBarAlignment.Right, 100);
  item.name = "Mixed Precision Engine";
  item.command = "mplab.showEngine";
  let label = "";
  const update = (info: BackendInfo | undefined) => {
    label = info ? describeBackend(info) : "engine not started";
    item.text = `$(pulse) ${label}`;
    item.tooltip = info ? `Mixed Precision Engine: ${info.adapter}${info.note ? `\n${info.note}` : ""}` : "Mixed Precision Engine: starts with the first run; click to start it now";
  };
  update(engine.currentBackend);
  engine.onDidChangeBackend(update);
  item.show();
  return Object.defineProperty(item, "label", { get: () => label }) as vscode.StatusBarItem & { readonly label: string };
}

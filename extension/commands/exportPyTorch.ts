// "Mixed Precision: Export to PyTorch": the training script (torch.autocast +
// torch.amp.GradScaler set as the config or run, ready for torchrun) in a new untitled
// Python document.
import * as vscode from "vscode";
import { exportPyTorch, exportPyTorchFp8 } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";
import { exportSource, showUntitled } from "./exportSource.js";

export type ExportOutcome = { ok: true; content: string; from: string; document: vscode.TextDocument } | { ok: false; error: string };

export async function exportPyTorchCommand(engine: EngineClient, output: vscode.OutputChannel, arg?: unknown): Promise<ExportOutcome> {
  try {
    const { source, label } = await exportSource(engine, arg, "Export to PyTorch");
    // mixed-fp8: a script that repeats the run with torch's float8 casts (engine/export/pytorchFp8.ts)
    const fp8 = (source as { precision?: string; config?: { precision?: string } }).precision === "mixed-fp8";
    const content = fp8 ? await exportPyTorchFp8(source) : exportPyTorch(source);
    output.appendLine(`Export to PyTorch: a script from ${label}`);
    return { ok: true, content, from: label, document: await showUntitled("python", content) };
  } catch (e) {
    const error = (e as Error).message;
    output.appendLine(`Export to PyTorch: ${error}`);
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  }
}

// "Mixed Precision: Export to PyTorch": the training script that reproduces the config or
// run (same data, batch order, initial weights and scaler rule; ready for torchrun) in a
// new untitled Python document. Inline data too large to embed goes to a file beside the
// script: then the script is saved where the user picks, with its data file next to it.
import * as vscode from "vscode";
import { exportPyTorchFiles, exportPyTorchFp8 } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";
import { exportSource, showUntitled, untrustedNote } from "./exportSource.js";

export type ExportOutcome = { ok: true; content: string; from: string; document: vscode.TextDocument } | { ok: false; error: string };

export async function exportPyTorchCommand(engine: EngineClient, output: vscode.OutputChannel, arg?: unknown): Promise<ExportOutcome> {
  try {
    const { source, label, untrusted } = await exportSource(engine, arg, "Export to PyTorch");
    if (untrusted) {
      output.appendLine(`Export to PyTorch: ${untrustedNote(label)}`);
      void vscode.window.showWarningMessage(untrustedNote(label));
    }
    // mixed-fp8: a script that repeats the run with torch's float8 casts (engine/export/pytorchFp8.ts)
    const fp8 = (source as { precision?: string; config?: { precision?: string } }).precision === "mixed-fp8";
    if (fp8) {
      const content = await exportPyTorchFp8(source);
      output.appendLine(`Export to PyTorch: an fp8 script from ${label}`);
      return { ok: true, content, from: label, document: await showUntitled("python", content) };
    }
    const first = exportPyTorchFiles(source);
    if (!first.files.length) {
      output.appendLine(`Export to PyTorch: a script from ${label}`);
      return { ok: true, content: first.script, from: label, document: await showUntitled("python", first.script) };
    }
    // the data goes to a file: the script needs a place on disk, with the file beside it
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: "Export to PyTorch: save the script (its data file is written beside it)",
      defaultUri: folder ? vscode.Uri.joinPath(folder, "train_mplab.py") : undefined,
      filters: { Python: ["py"] },
    });
    if (!target) return { ok: false, error: "Export to PyTorch: cancelled (the data needs a file beside the script)" };
    const out = exportPyTorchFiles(source, { scriptName: target.path.split("/").pop() });
    const dir = vscode.Uri.joinPath(target, "..");
    for (const f of out.files) {
      const uri = vscode.Uri.joinPath(dir, f.name);
      const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
      if (exists) {
        const pick = await vscode.window.showWarningMessage(`${f.name} exists beside the script: replace it with the data of ${label}?`, { modal: true }, "Replace");
        if (pick !== "Replace") return { ok: false, error: `Export to PyTorch: cancelled (${f.name} exists)` };
      }
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(f.content));
      output.appendLine(`Export to PyTorch: the data of ${label} in ${uri.fsPath}`);
    }
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(out.script));
    output.appendLine(`Export to PyTorch: a script from ${label} in ${target.fsPath}`);
    const document = await vscode.workspace.openTextDocument(target);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return { ok: true, content: out.script, from: label, document };
  } catch (e) {
    const error = (e as Error).message;
    output.appendLine(`Export to PyTorch: ${error}`);
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  }
}

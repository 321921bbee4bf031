// "Mixed Precision: Inspect Precision": the precision report of the last run the
// engine finished (per-layer table, inspect()'s advice, the full report), in a
// Markdown document beside the editor.
import * as vscode from "vscode";
import type { EngineClient } from "../engineHost/engineClient.js";
import { inspectDocument } from "./inspectDocument.js";

export async function inspectPrecision(engine: EngineClient): Promise<string | undefined> {
  const run = engine.lastResult;
  if (!run) {
    void vscode.window.showInformationMessage("No run yet: train in a notebook cell or with 'Mixed Precision: Run Training' first.");
    return undefined;
  }
  const content = inspectDocument(run);
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  return content;
}

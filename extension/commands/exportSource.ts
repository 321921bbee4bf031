// What the export commands export: the config they were given (explorer or editor
// menu), else the active editor's *.mplab.json, else the last run the engine finished.
import * as vscode from "vscode";
import type { TrainConfig } from "../../engine/index.js";
import type { RunResult } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";
import { configArgOrActive, readConfig } from "./configSource.js";

export type ExportSource = { source: TrainConfig | RunResult; label: string };

/** The source, or an Error saying what to open or run first. */
export async function exportSource(engine: EngineClient, arg: unknown, command: string): Promise<ExportSource> {
  const uri = configArgOrActive(arg);
  if (uri) {
    const { config, name } = await readConfig(uri);
    return { source: config, label: name };
  }
  const run = engine.lastResult;
  if (run) return { source: run, label: `the last run${run.name ? ` (${run.name})` : ""}` };
  throw new Error(`${command} needs a *.mplab.json config in the active editor, or a finished run (train in a notebook cell or with 'Mixed Precision: Run Training').`);
}

/** Opens `content` as a new untitled document beside the editor (nothing on disk is written or overwritten). */
export async function showUntitled(language: string, content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return doc;
}

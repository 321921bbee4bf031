// What the export commands export: the config they were given (explorer or editor
// menu), else the active editor's *.mplab.json, else the last run the engine finished.
// Export works in an untrusted workspace (restricted mode): it runs nothing, writes the
// script to an untitled editor, and the script is data-safe by construction (every value
// of the config is a Python literal: engine/export/pythonLiteral.ts), so a config cannot
// make it do more than train. What such a config still decides is which CSV file the
// script reads; the commands say so (untrustedNote) so the user reviews it before running.
import * as vscode from "vscode";
import type { TrainConfig } from "../../engine/index.js";
import type { RunResult } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";
import { configArgOrActive, readConfig } from "./configSource.js";

export type ExportSource = { source: TrainConfig | RunResult; label: string; /** a config file of a workspace the user has not trusted */ untrusted: boolean };

/** What to tell the user about a script exported from an untrusted workspace's config. */
export function untrustedNote(label: string): string {
  return `${label} comes from a workspace you have not trusted. The script runs only the exported training code (every value from the config is written as a Python literal), but it reads the data files the config names: review the script before you run it.`;
}

/** The source, or an Error saying what to open or run first. */
export async function exportSource(engine: EngineClient, arg: unknown, command: string): Promise<ExportSource> {
  const uri = configArgOrActive(arg);
  if (uri) {
    const { config, name } = await readConfig(uri);
    return { source: config, label: name, untrusted: !vscode.workspace.isTrusted };
  }
  const run = engine.lastResult;
  if (run) return { source: run, label: `the last run${run.name ? ` (${run.name})` : ""}`, untrusted: false };
  throw new Error(`${command} needs a *.mplab.json config in the active editor, or a finished run (train in a notebook cell or with 'Mixed Precision: Run Training').`);
}

/** Opens `content` as a new untitled document beside the editor (nothing on disk is written or overwritten). */
export async function showUntitled(language: string, content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return doc;
}

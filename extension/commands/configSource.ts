// Which *.mplab.json a command works on (the one it was given, the active editor's, or
// one the user picks) and its contents as the engine reads them: unsaved edits count,
// and the default precision setting fills in a config that names none (as Run Training).
import * as vscode from "vscode";
import { parseTrainConfig } from "../../engine/index.js";
import type { TrainConfig } from "../../engine/index.js";

const CONFIG_GLOB = "**/*.mplab.json";

export function isConfigUri(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return !!uri && uri.path.endsWith(".mplab.json");
}

/** The config URI given as the command argument (menus pass it), else the active editor's; undefined when neither. */
export function configArgOrActive(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  return isConfigUri(active) ? active : undefined;
}

/** configArgOrActive, else the workspace's only config, else one the user picks. */
export async function pickConfig(arg: unknown, title: string): Promise<vscode.Uri | undefined> {
  const given = configArgOrActive(arg);
  if (given) return given;
  const files = await vscode.workspace.findFiles(CONFIG_GLOB, "**/node_modules/**", 200);
  if (files.length <= 1) return files[0];
  const pick = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title, placeHolder: "Pick a *.mplab.json config" },
  );
  return pick?.uri;
}

/** A config's JSON text with the user's default precision where it names none. Throws on invalid JSON. */
export function configInput(text: string): unknown {
  const json: unknown = JSON.parse(text);
  const precision = vscode.workspace.getConfiguration("mplab").get<string>("training.precision");
  if (precision && json && typeof json === "object" && !Array.isArray(json) && !("precision" in json)) return { ...json, precision };
  return json;
}

/** The parsed config of `uri`; a clear Error naming the file (and the field) when it is not one. */
export async function readConfig(uri: vscode.Uri): Promise<{ config: TrainConfig; name: string }> {
  const name = vscode.workspace.asRelativePath(uri);
  const text = (await vscode.workspace.openTextDocument(uri)).getText();
  let json: unknown;
  try {
    json = configInput(text);
  } catch (e) {
    throw new Error(`${name} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return { config: parseTrainConfig(json), name };
  } catch (e) {
    throw new Error(`${name} is not a valid training config: ${(e as Error).message}`);
  }
}

// The last RunResult the extension saw for each *.mplab.json config (Run Training):
// what the config's Problems warnings are measured against. In memory, per session.
// (A notebook cell's runs come from the controller's onDidTrainInCell.)
import * as vscode from "vscode";
import type { RunResult } from "../../engine/index.js";

export class LastRuns implements vscode.Disposable {
  private readonly configs = new Map<string, RunResult>();
  private readonly configEmitter = new vscode.EventEmitter<vscode.Uri>();
  /** a config got a new last run */
  readonly onDidChangeConfigRun = this.configEmitter.event;

  forConfig(uri: vscode.Uri): RunResult | undefined {
    return this.configs.get(uri.toString());
  }

  setConfigRun(uri: vscode.Uri, result: RunResult): void {
    this.configs.set(uri.toString(), result);
    this.configEmitter.fire(uri);
  }

  dispose(): void {
    this.configEmitter.dispose();
  }
}

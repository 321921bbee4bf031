// Problems on the notebook cell that ran a training: the run's overflow events
// (skipped steps with the first non-finite tensor; the calibration steps at the start
// in one line), from the engine's runDiagnostics, placed on the train(...) call that
// made the run. A cell's entries are replaced when it runs again and go with the cell.
import * as vscode from "vscode";
import { runDiagnostics } from "../../engine/host.js";
import type { CellTraining, NotebookController } from "../notebook/controller.js";
import { DIAGNOSTIC_SOURCE } from "./configDiagnostics.js";
import { trainCallFor } from "./trainCalls.js";

export class RunDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("mplab.runs");
  private readonly subscriptions: vscode.Disposable[];

  constructor(controller: NotebookController) {
    this.subscriptions = [
      controller.onDidStartCell((cell) => this.collection.delete(cell.document.uri)),
      controller.onDidTrainInCell((t) => this.add(t)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => nb.getCells().forEach((c) => this.collection.delete(c.document.uri))),
      vscode.workspace.onDidChangeNotebookDocument((e) =>
        e.contentChanges.forEach((c) => c.removedCells.forEach((cell) => this.collection.delete(cell.document.uri))),
      ),
    ];
  }

  private add({ cell, result, index }: CellTraining): void {
    const doc = cell.document;
    const call = trainCallFor(doc.getText(), index);
    const range = call ? new vscode.Range(doc.positionAt(call.start), doc.positionAt(call.end)) : doc.lineAt(0).range;
    const who = result.name ? `${result.name}: ` : "";
    const added = runDiagnostics(result).map((e) => {
      const d = new vscode.Diagnostic(range, `${who}${e.message}`, e.severity === "warning" ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
      d.source = DIAGNOSTIC_SOURCE;
      return d;
    });
    // several train() calls in one execution: each run's events, side by side
    this.collection.set(doc.uri, [...(index > 0 ? (this.collection.get(doc.uri) ?? []) : []), ...added]);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}

// Quick fixes for the config warnings: apply the recommended value (a power-of-two
// initScale, a static scale that fits fp16, the recommended scaler) to the config,
// editing only that value (engine's applyJsonFix, then the smallest replacement).
import * as vscode from "vscode";
import { applyJsonFix } from "../../engine/host.js";
import type { ConfigDiagnostics } from "./configDiagnostics.js";
import { minimalEdit } from "./minimalEdit.js";

export class ConfigQuickFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ConfigDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const text = doc.getText();
    const actions: vscode.CodeAction[] = [];
    for (const { diagnostic, fix } of this.diagnostics.fixesAt(doc.uri, range)) {
      let after: string;
      try {
        after = applyJsonFix(text, fix.path, fix.value);
      } catch {
        continue; // the text changed shape since the diagnostic: no fix rather than a wrong one
      }
      const r = minimalEdit(text, after);
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end)), r.text);
      actions.push(action);
    }
    return actions;
  }
}

export function registerConfigQuickFix(diagnostics: ConfigDiagnostics): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider({ pattern: "**/*.mplab.json" }, new ConfigQuickFix(diagnostics), {
    providedCodeActionKinds: ConfigQuickFix.kinds,
  });
}

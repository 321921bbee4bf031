// Problems on *.mplab.json configs as they are edited: the engine's precision
// warnings (a dynamic initScale that is not a power of two, a static scale that
// overflows fp16 with the last run's largest gradient, fp16 without a scaler on a run
// that underflowed), each with its quick fix kept for ConfigQuickFix.
// Validation errors are left to the JSON Schema (contributes.jsonValidation), which
// reports them on the same fields, except a mistyped key, which ours names with the
// nearest known one; Run Training repeats them before it runs.
import * as vscode from "vscode";
import { configDiagnostics, type ConfigFix } from "../../engine/host.js";
import { locateJsonPath } from "../../engine/host.js";
import { configInput, isConfigUri } from "../commands/configSource.js";
import type { LastRuns } from "./lastRuns.js";

export const DIAGNOSTIC_SOURCE = "Mixed Precision";
/** configDiagnostics' message for a key the schema does not know; group 1 is the key */
const UNKNOWN_KEY = /unknown key "([^"]+)" \(did you mean /;

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("mplab.config");
  /** the fixes of the diagnostics now shown, per document */
  private readonly fixes = new Map<string, { diagnostic: vscode.Diagnostic; fix: ConfigFix }[]>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly lastRuns: LastRuns) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.update(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("mplab.training.precision")) vscode.workspace.textDocuments.forEach((d) => this.update(d));
      }),
      lastRuns.onDidChangeConfigRun((uri) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc) this.update(doc);
      }),
    );
    vscode.workspace.textDocuments.forEach((d) => this.update(d));
  }

  /** The quick fixes of the diagnostics on `uri` that touch `range`. */
  fixesAt(uri: vscode.Uri, range: vscode.Range): { diagnostic: vscode.Diagnostic; fix: ConfigFix }[] {
    return (this.fixes.get(uri.toString()) ?? []).filter((f) => f.diagnostic.range.intersection(range) !== undefined);
  }

  update(doc: vscode.TextDocument): void {
    if (!isConfigUri(doc.uri)) return;
    const text = doc.getText();
    let found: ReturnType<typeof configDiagnostics>;
    try {
      // errors are the JSON Schema's, except an unknown key: the schema only says "not
      // allowed", ours names the nearest known key
      found = configDiagnostics(configInput(text), this.lastRuns.forConfig(doc.uri)).filter((d) => d.severity !== "error" || UNKNOWN_KEY.test(d.message));
    } catch {
      // not JSON (mid-edit): the JSON language service reports that; keep nothing stale
      this.clear(doc.uri);
      return;
    }
    const shown: { diagnostic: vscode.Diagnostic; fix: ConfigFix }[] = [];
    const diagnostics = found.map((d) => {
      const key = UNKNOWN_KEY.exec(d.message)?.[1];
      const at = locateJsonPath(text, key === undefined ? d.path : [...d.path, key]);
      const severity = d.severity === "error" ? vscode.DiagnosticSeverity.Error : d.severity === "warning" ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
      const diagnostic = new vscode.Diagnostic(new vscode.Range(doc.positionAt(at.start), doc.positionAt(at.end)), d.message, severity);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      if (d.fix) shown.push({ diagnostic, fix: d.fix });
      return diagnostic;
    });
    this.collection.set(doc.uri, diagnostics);
    this.fixes.set(doc.uri.toString(), shown);
  }

  private clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
    this.fixes.delete(uri.toString());
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}

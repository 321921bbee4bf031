// "Mixed Precision: Sweep Loss Scale": trains a config under the default grid (no
// scaler, static 2^8/2^12/2^16, the pytorch and deepspeed dynamic presets, plus an fp32
// reference) with a cancellable progress notification, then shows the ranked table in
// the output channel and in a document beside the editor, and says which to use
// (with a button that writes it into the config).
// Each configuration trains in the engine page, like Run Training (and a cell's sweep()),
// so the runs appear in the engine panel too.
import * as vscode from "vscode";
import type { EngineClient } from "../engineHost/engineClient.js";
import type { TrainConfig } from "../../engine/index.js";
import { formatSweep } from "../../engine/index.js";
import { applyJsonFix } from "../../engine/host.js";
import { defaultSweepGrid, sweep, type SweepResult } from "../../engine/index.js";
import { minimalEdit } from "../editor/minimalEdit.js";
import { UNTRUSTED_MESSAGE } from "../notebook/controller.js";
import { pickConfig, readConfig } from "./configSource.js";

export type SweepOutcome = { ok: true; result: SweepResult; report: string; file: string } | { ok: false; error: string };

export async function sweepLossScale(engine: EngineClient, output: vscode.OutputChannel, arg?: unknown): Promise<SweepOutcome> {
  const fail = (error: string): SweepOutcome => {
    output.appendLine(`Sweep Loss Scale: ${error}`);
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  };
  if (!vscode.workspace.isTrusted) return fail(`Sweep Loss Scale: ${UNTRUSTED_MESSAGE}`);
  const uri = await pickConfig(arg, "Sweep Loss Scale");
  if (!uri) return fail("Sweep Loss Scale needs a *.mplab.json config: open one or create one in the workspace.");
  let config: TrainConfig, name: string;
  try {
    ({ config, name } = await readConfig(uri));
  } catch (e) {
    return fail((e as Error).message);
  }
  const grid = defaultSweepGrid(config);
  output.appendLine(`Sweep Loss Scale: ${name}: ${grid.precision.join(", ")} × ${grid.scaler.length} scalers, ${config.steps} steps each, in the engine page`);
  let result: SweepResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Sweeping loss scales for ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          return await sweep(config, grid, {
            run: (c, o) => engine.train(c, { ...o, memoryBudgetMiB: vscode.workspace.getConfiguration("mplab").get<number>("training.memoryBudget") }),
            signal: abort.signal,
            onProgress: (p) => {
              const pct = (100 * (p.index + p.step / Math.max(1, p.totalSteps))) / p.total;
              progress.report({ increment: pct - reported, message: `${p.index + 1}/${p.total} ${p.label}: step ${p.step}/${p.totalSteps}` });
              reported = pct;
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    return fail(`${name}: ${(e as Error).message}`);
  }
  const report = `Sweep Loss Scale: ${name}\n\n${formatSweep(result)}\n`;
  output.appendLine(report);
  const doc = await vscode.workspace.openTextDocument({ language: "plaintext", content: report });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  const rec = result.recommendation;
  if (result.status === "cancelled") void vscode.window.showWarningMessage(`Sweep of ${name} cancelled: the table ranks the configurations that finished.`);
  else if (rec) {
    const apply = "Apply to config";
    void vscode.window.showInformationMessage(`Sweep of ${name}: use ${rec.label} (${rec.reason}).`, apply).then((choice) => {
      if (choice === apply) void applyRecommendation(uri, rec.precision, rec.scaler);
    });
  }
  return { ok: true, result, report, file: name };
}

/** Writes precision and scaler into the config (the editor's text, unsaved edits kept). */
export async function applyRecommendation(uri: vscode.Uri, precision: string, scaler: unknown): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const before = doc.getText();
  const after = applyJsonFix(applyJsonFix(before, ["precision"], precision), ["scaler"], scaler);
  const r = minimalEdit(before, after);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end)), r.text);
  return vscode.workspace.applyEdit(edit);
}

// "Mixed Precision: Run Training": trains the *.mplab.json config of the active editor
// (or one the user picks) in the engine page, with a cancellable progress notification.
// The config is validated here first, so a bad file is a clear error before any work.
// Returns what happened (the tests and other commands use it).
import * as vscode from "vscode";
import { parseTrainConfig } from "../../engine/index.js";
import type { RunResult } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";
import { UNTRUSTED_MESSAGE } from "../notebook/controller.js";

export type RunTrainingOutcome =
  | { ok: true; result: RunResult; file: string; uri: vscode.Uri }
  | { ok: false; error: string; file?: string };

const CONFIG_GLOB = "**/*.mplab.json";

async function pickConfig(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.path.endsWith(".mplab.json")) return active;
  const files = await vscode.workspace.findFiles(CONFIG_GLOB, "**/node_modules/**", 200);
  if (files.length === 0) return undefined;
  if (files.length === 1) return files[0];
  const pick = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: "Run Training", placeHolder: "Pick a *.mplab.json config" },
  );
  return pick?.uri;
}

export async function runTraining(engine: EngineClient, output: vscode.OutputChannel, arg?: unknown): Promise<RunTrainingOutcome> {
  const fail = (error: string, file?: string): RunTrainingOutcome => {
    output.appendLine(`Run Training: ${error}`);
    void vscode.window.showErrorMessage(error);
    return { ok: false, error, file };
  };
  if (!vscode.workspace.isTrusted) return fail(`Run Training: ${UNTRUSTED_MESSAGE}`);
  const uri = await pickConfig(arg);
  if (!uri) return fail("Run Training needs a *.mplab.json config: open one or create one in the workspace.");
  const name = vscode.workspace.asRelativePath(uri);
  // unsaved edits count: read the document rather than the file
  const text = (await vscode.workspace.openTextDocument(uri)).getText();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`${name} is not valid JSON: ${(e as Error).message}`, name);
  }
  const settings = vscode.workspace.getConfiguration("mplab");
  // the default precision setting applies where the file does not name one
  const precision = settings.get<string>("training.precision");
  if (precision && json && typeof json === "object" && !Array.isArray(json) && !("precision" in json)) json = { ...json, precision };
  let config: ReturnType<typeof parseTrainConfig>;
  try {
    config = parseTrainConfig(json);
  } catch (e) {
    return fail(`${name} is not a valid training config: ${(e as Error).message}`, name);
  }
  const chunkSize = settings.get<number>("training.chunkSize");
  output.appendLine(`Run Training: ${name}: ${config.steps} steps, ${config.precision}, batch ${config.batchSize}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Training ${config.name ?? name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          return await engine.train({ ...config, name: config.name ?? name }, {
            signal: abort.signal,
            chunkSize,
            memoryBudgetMiB: vscode.workspace.getConfiguration("mplab").get<number>("training.memoryBudget"),
            onProgress: (p) => {
              const pct = (100 * p.step) / Math.max(1, p.totalSteps);
              const loss = p.losses[p.losses.length - 1];
              progress.report({ increment: pct - reported, message: `step ${p.step}/${p.totalSteps}, loss ${loss?.toPrecision(4) ?? "-"}` });
              reported = pct;
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    engine.reveal();
    output.appendLine(
      `Run Training: ${name}: ${result.status} after ${result.steps} steps on ${result.backend.name}; final loss ${result.finalLoss}, ` +
        `${result.skippedSteps} skipped step(s), final scale ${result.scales[result.scales.length - 1] ?? "-"}, ${result.timings.totalMs.toFixed(0)} ms`,
    );
    if (result.status === "error") return fail(`${name}: the run stopped with an error: ${result.error ?? "unknown error"}`, name);
    return { ok: true, result, file: name, uri };
  } catch (e) {
    return fail(`${name}: ${(e as Error).message}`, name);
  }
}

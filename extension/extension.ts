// Activation: registration only. The pieces: the *.mpnb serializer, the notebook
// controller (cells run in a vm kernel, train() in the engine page), the engine client
// (webview panel + protocol), the status bar item, the commands, and the editor's
// hovers, Problems and quick fixes.
import * as vscode from "vscode";
import type { BackendInfo } from "../engine/index.js";
import { exportDeepSpeedCommand } from "./commands/exportDeepSpeed.js";
import { exportPyTorchCommand } from "./commands/exportPyTorch.js";
import { inspectPrecision } from "./commands/inspectPrecision.js";
import { newNotebook } from "./commands/newNotebook.js";
import { restartEngine } from "./commands/restartEngine.js";
import { runTraining } from "./commands/runTraining.js";
import { showEngine } from "./commands/showEngine.js";
import { sweepLossScale } from "./commands/sweepLossScale.js";
import { ConfigDiagnostics } from "./editor/configDiagnostics.js";
import { registerConfigQuickFix } from "./editor/configQuickFix.js";
import { LastRuns } from "./editor/lastRuns.js";
import { registerNumberHover } from "./editor/numberHover.js";
import { RunDiagnostics } from "./editor/runDiagnostics.js";
import { EngineClient } from "./engineHost/engineClient.js";
import { NotebookController } from "./notebook/controller.js";
import { MpnbSerializer } from "./notebook/serializer.js";
import { createStatusBar } from "./statusBar.js";

/** What activate() returns: for the integration tests (and other extensions). */
export interface MixedPrecisionApi {
  engine: EngineClient;
  statusBarText(): string;
}

export function activate(context: vscode.ExtensionContext): MixedPrecisionApi {
  const output = vscode.window.createOutputChannel("Mixed Precision");
  const engine = new EngineClient(context.extensionUri, output, () => void vscode.commands.executeCommand("mplab.restartEngine"));
  const controller = new NotebookController(engine, vscode.Uri.joinPath(context.extensionUri, "dist", "kernel.mjs").fsPath, output);
  const status = createStatusBar(engine);
  const lastRuns = new LastRuns();
  const configProblems = new ConfigDiagnostics(lastRuns);
  context.subscriptions.push(
    lastRuns,
    configProblems,
    new RunDiagnostics(controller),
    registerConfigQuickFix(configProblems),
    registerNumberHover(),
    output,
    engine,
    controller,
    status,
    vscode.workspace.registerNotebookSerializer("mpnb", new MpnbSerializer(), { transientOutputs: false }),
    vscode.commands.registerCommand("mplab.newNotebook", () => newNotebook()),
    vscode.commands.registerCommand("mplab.runTraining", async (uri?: vscode.Uri) => {
      const outcome = await runTraining(engine, output, uri);
      if (outcome.ok) lastRuns.setConfigRun(outcome.uri, outcome.result);
      return outcome;
    }),
    vscode.commands.registerCommand("mplab.inspectPrecision", () => inspectPrecision(engine)),
    vscode.commands.registerCommand("mplab.restartEngine", (): Promise<BackendInfo | undefined> => restartEngine(engine, controller)),
    vscode.commands.registerCommand("mplab.restartKernel", (arg?: { notebookEditor?: { notebookUri?: vscode.Uri } } | vscode.Uri) => {
      // from the notebook toolbar (an editor context) or the palette (the active notebook)
      const uri = arg instanceof vscode.Uri ? arg : (arg?.notebookEditor?.notebookUri ?? vscode.window.activeNotebookEditor?.notebook.uri);
      const nb = vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri?.toString());
      return nb ? controller.restartKernel(nb) : false;
    }),
    vscode.commands.registerCommand("mplab.showEngine", () => showEngine(engine)),
    vscode.commands.registerCommand("mplab.sweepLossScale", (uri?: vscode.Uri) => sweepLossScale(engine, output, uri)),
    vscode.commands.registerCommand("mplab.exportPyTorch", (uri?: vscode.Uri) => exportPyTorchCommand(engine, output, uri)),
    vscode.commands.registerCommand("mplab.exportDeepSpeed", (uri?: vscode.Uri) => exportDeepSpeedCommand(engine, output, uri)),
  );
  return { engine, statusBarText: () => status.label };
}

export function deactivate(): void {}

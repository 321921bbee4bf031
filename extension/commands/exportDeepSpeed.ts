// "Mixed Precision: Export to DeepSpeed": the matching ds_config JSON (fp16 section with
// initial_scale_power, loss_scale_window, hysteresis, consecutive_hysteresis, min_loss_scale,
// or bf16; zero_optimization.stage from zeroStage) in a new
// untitled JSON document. What DeepSpeed cannot express goes to a warning and the output
// channel (the JSON stays plain, so it can be saved as ds_config.json as it is).
import * as vscode from "vscode";
import { deepSpeedCaveats, exportDeepSpeedJson } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";
import type { ExportOutcome } from "./exportPyTorch.js";
import { exportSource, showUntitled } from "./exportSource.js";

export async function exportDeepSpeedCommand(engine: EngineClient, output: vscode.OutputChannel, arg?: unknown): Promise<ExportOutcome> {
  try {
    const { source, label } = await exportSource(engine, arg, "Export to DeepSpeed"); // a ds_config is data only: no note in restricted mode
    const content = exportDeepSpeedJson(source);
    const caveats = deepSpeedCaveats(source);
    output.appendLine(`Export to DeepSpeed: a ds_config from ${label}`);
    for (const c of caveats) output.appendLine(`  caveat: ${c}`);
    if (caveats.length) void vscode.window.showWarningMessage(`DeepSpeed config from ${label}: ${caveats.join("; ")}.`);
    return { ok: true, content, from: label, document: await showUntitled("json", content) };
  } catch (e) {
    const error = (e as Error).message;
    output.appendLine(`Export to DeepSpeed: ${error}`);
    void vscode.window.showErrorMessage(error);
    return { ok: false, error };
  }
}

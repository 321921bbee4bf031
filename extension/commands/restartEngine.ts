// "Mixed Precision: Restart Engine": stops what runs, closes the engine page, drops every
// notebook's variables, and starts a fresh engine page.
import * as vscode from "vscode";
import type { BackendInfo } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";
import type { NotebookController } from "../notebook/controller.js";

export async function restartEngine(engine: EngineClient, controller: NotebookController): Promise<BackendInfo | undefined> {
  controller.resetKernels();
  engine.restart();
  try {
    return await engine.start();
  } catch (e) {
    void vscode.window.showErrorMessage(`The Mixed Precision Engine did not restart: ${(e as Error).message}`);
    return undefined;
  }
}

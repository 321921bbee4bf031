// "Mixed Precision: Show Engine": opens the engine panel (starting the engine page when
// none runs) and resolves with the backend it reported.
import * as vscode from "vscode";
import type { BackendInfo } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";

export async function showEngine(engine: EngineClient): Promise<BackendInfo | undefined> {
  try {
    const info = await engine.start();
    engine.reveal();
    return info;
  } catch (e) {
    void vscode.window.showErrorMessage(`The Mixed Precision Engine did not start: ${(e as Error).message}`);
    return undefined;
  }
}

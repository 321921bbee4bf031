// One engine page in a webview panel ("Mixed Precision Engine"). It validates every
// message the page sends and tells its owner (the engine client) about messages and
// about the page going away. A closed panel is gone for good: the client makes a new
// EnginePanel for the next run.
import { existsSync } from "node:fs";
import * as vscode from "vscode";
import { encodeMessage, parsePageMessage, ProtocolError, type HostMessage, type PageMessage } from "../../engine/host.js";
import { engineHtml, makeNonce } from "./html.js";

export const ENGINE_VIEW_TYPE = "mplab.engine";

export interface EnginePanelEvents {
  message(msg: PageMessage): void;
  /** a message failed validation (id: its request id, when it could be read) */
  invalid(error: ProtocolError): void;
  /** the panel was closed (by the user or by dispose) */
  closed(): void;
}

export class EnginePanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private closed = false;

  constructor(extensionUri: vscode.Uri, backend: "auto" | "webgpu" | "wasm" | "cpu", private readonly events: EnginePanelEvents) {
    const root = vscode.Uri.joinPath(extensionUri, "dist", "webview");
    this.panel = vscode.window.createWebviewPanel(
      ENGINE_VIEW_TYPE,
      "Mixed Precision Engine",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        // the engine keeps training while its tab is in the background
        retainContextWhenHidden: true,
        localResourceRoots: [root],
      },
    );
    const webview = this.panel.webview;
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        let msg: PageMessage;
        try {
          msg = parsePageMessage(raw);
        } catch (e) {
          this.events.invalid(e instanceof ProtocolError ? e : new ProtocolError(String(e), null));
          return;
        }
        this.events.message(msg);
      }),
      this.panel.onDidDispose(() => {
        this.closed = true;
        for (const s of this.subscriptions) s.dispose();
        this.events.closed();
      }),
    );
    webview.html = engineHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, "engine.js")).toString(),
      // the dashboard's stylesheet, when its bundle has one
      styleUri: existsSync(vscode.Uri.joinPath(root, "engine.css").fsPath) ? webview.asWebviewUri(vscode.Uri.joinPath(root, "engine.css")).toString() : undefined,
      backend,
      nonce: makeNonce(),
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  post(message: HostMessage): void {
    if (this.closed) return;
    void this.panel.webview.postMessage(encodeMessage(message));
  }

  reveal(): void {
    if (!this.closed) this.panel.reveal(undefined, true);
  }

  dispose(): void {
    if (!this.closed) this.panel.dispose();
  }
}

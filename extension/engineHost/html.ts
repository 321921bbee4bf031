// The engine page's HTML: a strict CSP (nothing but this page's own bundle, by nonce),
// no remote resources. The backend preference travels as a data attribute.
import { randomBytes } from "node:crypto";

export interface EngineHtmlOptions {
  /** the webview's CSP source (webview.cspSource) */
  cspSource: string;
  /** webview URIs of the bundle files (asWebviewUri of dist/webview/...) */
  scriptUri: string;
  styleUri?: string;
  backend: "auto" | "webgpu" | "wasm" | "cpu";
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString("base64url");
}

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval' lets the page compile the wasm backend's kernels (nothing else: no eval)
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join("; ");
}

export function engineHtml(o: EngineHtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mixed Precision Engine</title>
${o.styleUri ? `<link rel="stylesheet" nonce="${nonce}" href="${escapeAttr(o.styleUri)}">` : ""}
</head>
<body data-backend="${escapeAttr(o.backend)}">
<div id="dashboard"></div>
<script nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}

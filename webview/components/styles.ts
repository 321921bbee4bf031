// The CSS of every component, injected as a constructable stylesheet: webview pages
// run under a CSP without 'unsafe-inline' styles, and adoptedStyleSheets need no nonce.
// Colours come from the VS Code theme variables, so light, dark and high contrast follow.
const CSS = `
.mpl-root { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-editor-foreground, inherit); display: flex; flex-direction: column; gap: 10px; min-width: 0; }
.mpl-summary { font-weight: 600; margin: 0; }
.mpl-muted { opacity: 0.75; font-size: 0.92em; }
.mpl-section > h4 { margin: 4px 0; font-size: 1em; font-weight: 600; }
.mpl-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 8px; }
.mpl-chart { position: relative; min-width: 0; }
.mpl-chart-title { font-size: 0.92em; margin-bottom: 2px; }
.mpl-chart-empty { padding: 24px 4px; opacity: 0.7; }
.mpl-chart .uplot, .mpl-chart .uplot * { box-sizing: border-box; }
.mpl-chart .uplot { width: min-content; line-height: 1.4; }
.mpl-chart .u-wrap { position: relative; user-select: none; }
.mpl-chart .u-over, .mpl-chart .u-under { position: absolute; }
.mpl-chart .u-under { overflow: hidden; }
.mpl-chart .uplot canvas { display: block; position: relative; width: 100%; height: 100%; }
.mpl-chart .u-axis { position: absolute; }
.mpl-chart .u-legend { display: none; }
.mpl-chart .u-select { position: absolute; pointer-events: none; background: rgba(128,128,128,0.15); }
.mpl-chart .u-cursor-x, .mpl-chart .u-cursor-y { position: absolute; left: 0; top: 0; pointer-events: none; }
.mpl-chart .u-hz .u-cursor-x { height: 100%; border-right: 1px dashed var(--vscode-editor-foreground, #888); opacity: .5; }
.mpl-chart .u-hz .u-cursor-y { width: 100%; border-bottom: 1px dashed var(--vscode-editor-foreground, #888); opacity: .5; }
.mpl-chart .u-cursor-pt { position: absolute; top: 0; left: 0; border-radius: 50%; border: 0 solid; pointer-events: none; background-clip: padding-box !important; }
.mpl-chart .u-off { display: none; }
.mpl-markers { position: absolute; left: 0; top: 0; width: 100%; height: 100%; pointer-events: none; overflow: visible; }
.mpl-overflow-marker { fill: var(--vscode-charts-red, #f14c4c); stroke: var(--vscode-editor-background, #fff); stroke-width: 0.5; }
.mpl-readout { font-size: 0.9em; min-height: 1.3em; font-variant-numeric: tabular-nums; }
.mpl-table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.92em; }
.mpl-table th, .mpl-table td { border: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,.35)); padding: 2px 6px; text-align: right; }
.mpl-table th { font-weight: 600; text-align: center; }
.mpl-table td.mpl-name, .mpl-table th.mpl-name { text-align: left; }
/* sideways only: a box that also scrolls vertically would take the wheel from the notebook around it */
.mpl-table-wrap { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
.mpl-sev-1 { background: color-mix(in srgb, var(--vscode-charts-yellow, #cca700) 28%, transparent); }
.mpl-sev-2 { background: color-mix(in srgb, var(--vscode-charts-orange, #d18616) 38%, transparent); }
.mpl-sev-3 { background: color-mix(in srgb, var(--vscode-charts-red, #f14c4c) 45%, transparent); font-weight: 600; }
body.vscode-high-contrast .mpl-sev-1, body.vscode-high-contrast .mpl-sev-2, body.vscode-high-contrast .mpl-sev-3 {
  background: none; outline: 1px dashed var(--vscode-contrastActiveBorder, #f38518); outline-offset: -2px; }
body.vscode-high-contrast .mpl-sev-2 { outline-style: solid; }
body.vscode-high-contrast .mpl-sev-3 { outline: 3px solid var(--vscode-contrastActiveBorder, #f38518); }
.mpl-hists { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 6px; }
.mpl-hist { min-width: 0; }
.mpl-hist svg { width: 100%; height: auto; display: block; }
.mpl-hist-bar { fill: var(--vscode-charts-blue, #3794ff); }
.mpl-hist-ghost { fill: none; stroke: var(--vscode-charts-purple, #b180d7); stroke-dasharray: 2 2; stroke-width: 1; }
.mpl-hist-zone { fill: var(--vscode-charts-red, #f14c4c); opacity: 0.12; }
.mpl-hist-sub { fill: var(--vscode-charts-yellow, #cca700); opacity: 0.12; }
.mpl-hist-line { stroke: var(--vscode-editor-foreground, #444); stroke-width: 1; opacity: 0.7; }
.mpl-hist-shift { stroke: var(--vscode-charts-purple, #b180d7); stroke-width: 1.5; fill: none; }
.mpl-hist text { fill: var(--vscode-editor-foreground, #444); font-size: 9px; }
.mpl-bars { display: grid; grid-template-columns: max-content 1fr max-content; gap: 3px 8px; align-items: center; max-width: 640px; }
.mpl-bar { height: 12px; background: var(--vscode-charts-blue, #3794ff); min-width: 1px; }
.mpl-bar-track { background: color-mix(in srgb, var(--vscode-editor-foreground, #888) 10%, transparent); }
.mpl-nonfinite { border-left: 3px solid var(--vscode-charts-red, #f14c4c); padding-left: 6px; }
.mpl-error { color: var(--vscode-errorForeground, #f14c4c); }
.mpl-progress { font-variant-numeric: tabular-nums; }
.mpl-callout { border-left: 3px solid var(--vscode-focusBorder, #3794ff); padding: 4px 8px; background: color-mix(in srgb, var(--vscode-focusBorder, #3794ff) 8%, transparent); }
.mpl-callout p, .mpl-callout ul { margin: 4px 0 0; }
.mpl-advice { border-left-color: var(--vscode-charts-orange, #d18616); background: color-mix(in srgb, var(--vscode-charts-orange, #d18616) 8%, transparent); }
.mpl-callout code { font-family: var(--vscode-editor-font-family, monospace); overflow-wrap: anywhere; }
.mpl-findings { margin: 0; padding-left: 1.4em; }
.mpl-report-table td:not(.mpl-name) { white-space: nowrap; }
.mpl-findings li { margin: 2px 0; }
.mpl-legend { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
.mpl-legend li { display: flex; align-items: center; gap: 5px; }
.mpl-swatch { display: inline-block; width: 14px; height: 4px; }
.mpl-table tr.mpl-recommended > * { background: color-mix(in srgb, var(--vscode-charts-green, #89d185) 22%, transparent); font-weight: 600; }
body.vscode-high-contrast .mpl-table tr.mpl-recommended { outline: 2px solid var(--vscode-contrastActiveBorder, #f38518); outline-offset: -2px; }
body.vscode-high-contrast .mpl-callout { border: 1px solid var(--vscode-contrastBorder, #6fc3df); background: none; }
.mpl-table-wrap:focus-visible { outline: 1px solid var(--vscode-focusBorder, #3794ff); }
details.mpl-numbers > summary { cursor: pointer; }
.mpl-numbers .mpl-table-wrap { max-height: 320px; overflow-y: auto; }
`;

let sheet: CSSStyleSheet | null = null;

/** Adds the components' stylesheet to the document (or shadow root) holding `node`, once. */
export function ensureStyles(node: Node): void {
  const root = node.getRootNode();
  const target: Document | ShadowRoot = root instanceof ShadowRoot ? root : document;
  if ("adoptedStyleSheets" in target && typeof CSSStyleSheet !== "undefined" && "replaceSync" in CSSStyleSheet.prototype) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    if (!target.adoptedStyleSheets.includes(sheet)) target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
    return;
  }
  // Older engines: a <style> carrying the page's script nonce (allowed by style-src 'nonce-...').
  if (target.querySelector?.("style[data-mpl]")) return;
  const style = document.createElement("style");
  style.dataset.mpl = "";
  const nonce = (document.querySelector("script[nonce]") as HTMLScriptElement | null)?.nonce;
  if (nonce) style.nonce = nonce;
  style.textContent = CSS;
  (target instanceof ShadowRoot ? target : document.head).appendChild(style);
}

// Layout of the dashboard page (the components bring their own styles).
const CSS = `
.mpl-dashboard { gap: 12px; }
.mpl-dash-header, .mpl-dash-row { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.mpl-dash-note { margin: 0; }
.mpl-dash-view { min-height: 60px; }
.mpl-dashboard vscode-progress-ring { height: 18px; width: 18px; }
.mpl-dashboard vscode-dropdown { min-width: 220px; }
.mpl-dashboard [data-status].mpl-error { color: var(--vscode-errorForeground, #f14c4c); }
`;

let sheet: CSSStyleSheet | null = null;
export function dashboardStyles(node: Node): void {
  const root = node.getRootNode();
  const target: Document | ShadowRoot = root instanceof ShadowRoot ? root : document;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  if (!target.adoptedStyleSheets.includes(sheet)) target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
}

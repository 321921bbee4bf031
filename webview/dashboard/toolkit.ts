// Every use of @vscode/webview-ui-toolkit goes through this module. Upstream deprecated
// the toolkit in January 2025; a replacement (plain elements styled with the
// --vscode-* variables, or another component set) only has to re-implement these
// five small factories: button, dropdown, badge, data grid, progress ring.
import "./cspNonceMeta.js"; // must run before the toolkit's modules
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
} from "@vscode/webview-ui-toolkit";
import { html } from "@microsoft/fast-element";

// FAST's badge template binds a style attribute, which a strict CSP (no 'unsafe-inline'
// styles) blocks and reports; VS Code's badge never sets the fill/colour it is for.
const badgeTemplate = html<{ circular: boolean }>`
  <template class="${(x) => (x.circular ? "circular" : "")}"><div class="control" part="control"><slot></slot></div></template>
`;

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge({ template: badgeTemplate }), vsCodeButton(), vsCodeDataGrid(), vsCodeDataGridCell(), vsCodeDataGridRow(),
    vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing(),
  );
}

export interface Button {
  element: HTMLElement;
  setDisabled(disabled: boolean): void;
}

export function button(label: string, action: string, onClick: () => void, secondary = false): Button {
  register();
  const el = document.createElement("vscode-button");
  el.textContent = label;
  el.dataset.action = action;
  if (secondary) el.setAttribute("appearance", "secondary");
  el.addEventListener("click", () => {
    if (!el.hasAttribute("disabled")) onClick();
  });
  return { element: el, setDisabled: (d) => el.toggleAttribute("disabled", d) };
}

export interface Dropdown {
  element: HTMLElement;
  /** replaces the options, keeping the selected value when it is still there */
  setOptions(options: { value: string; label: string }[], selected?: string): void;
  readonly value: string;
}

export function dropdown(name: string, onChange: (value: string) => void): Dropdown {
  register();
  const el = document.createElement("vscode-dropdown") as HTMLElement & { value: string };
  el.dataset.dropdown = name;
  el.setAttribute("aria-label", name);
  el.addEventListener("change", () => onChange(el.value));
  return {
    element: el,
    setOptions(options, selected) {
      const keep = selected ?? el.value;
      el.replaceChildren(
        ...options.map((o) => {
          const opt = document.createElement("vscode-option") as HTMLElement & { value: string };
          opt.setAttribute("value", o.value);
          opt.textContent = o.label;
          return opt;
        }),
      );
      if (options.some((o) => o.value === keep)) el.value = keep;
    },
    get value() {
      return el.value;
    },
  };
}

export interface Badge {
  element: HTMLElement;
  setText(text: string): void;
}

export function badge(text: string, name: string): Badge {
  register();
  const el = document.createElement("vscode-badge");
  el.dataset.badge = name;
  el.textContent = text;
  return { element: el, setText: (t) => (el.textContent = t) };
}

export interface DataGrid<Row extends object> {
  element: HTMLElement;
  setRows(rows: Row[]): void;
}

export function dataGrid<Row extends object>(columns: { key: keyof Row & string; title: string }[], label: string): DataGrid<Row> {
  register();
  const el = document.createElement("vscode-data-grid") as HTMLElement & { rowsData: object[]; columnDefinitions: object[] };
  el.setAttribute("aria-label", label);
  el.setAttribute("generate-header", "sticky");
  el.columnDefinitions = columns.map((c) => ({ columnDataKey: c.key, title: c.title }));
  return { element: el, setRows: (rows) => (el.rowsData = rows) };
}

export function progressRing(): HTMLElement {
  register();
  return document.createElement("vscode-progress-ring");
}

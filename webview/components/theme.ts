// The VS Code theme as chart colours. Webviews and notebook renderers get the
// theme as --vscode-* CSS variables and a body class (vscode-light, vscode-dark,
// vscode-high-contrast); canvases need resolved colours, so charts read them
// here and redraw when the body class changes.

export type ThemeColor = "foreground" | "grid" | "blue" | "purple" | "green" | "red" | "orange" | "yellow";

const VARS: Record<ThemeColor, [string, string]> = {
  foreground: ["--vscode-editor-foreground", "#444"],
  grid: ["--vscode-editorWidget-border", "rgba(128,128,128,0.35)"],
  blue: ["--vscode-charts-blue", "#3794ff"],
  purple: ["--vscode-charts-purple", "#b180d7"],
  green: ["--vscode-charts-green", "#89d185"],
  red: ["--vscode-charts-red", "#f14c4c"],
  orange: ["--vscode-charts-orange", "#d18616"],
  yellow: ["--vscode-charts-yellow", "#cca700"],
};

export function themeColor(el: Element, c: ThemeColor): string {
  const [name, fallback] = VARS[c];
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

export function themeFont(el: Element): string {
  const s = getComputedStyle(el);
  const family = s.getPropertyValue("--vscode-font-family").trim() || "sans-serif";
  return `11px ${family}`;
}

export function isHighContrast(): boolean {
  const c = document.body?.classList;
  return !!c && (c.contains("vscode-high-contrast") || c.contains("vscode-high-contrast-light"));
}

type Listener = () => void;
const listeners = new Set<Listener>();
let observer: MutationObserver | null = null;

/** Calls `fn` when the VS Code theme changes; returns the unsubscribe function. */
export function onThemeChange(fn: Listener): () => void {
  listeners.add(fn);
  if (!observer && typeof MutationObserver !== "undefined" && document.body) {
    observer = new MutationObserver(() => listeners.forEach((l) => l()));
    observer.observe(document.body, { attributes: true, attributeFilter: ["class", "data-vscode-theme-kind", "style"] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["style", "class"] });
  }
  return () => listeners.delete(fn);
}

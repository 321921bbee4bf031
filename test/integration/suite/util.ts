// Helpers for the integration tests: the extension's API, notebooks made in memory,
// running cells and waiting for them (cells report completion asynchronously).
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { MixedPrecisionApi } from "../../../extension/extension.js";

export const EXTENSION_ID = "mixed-precision-lab.mixed-precision-lab";

export async function api(): Promise<MixedPrecisionApi> {
  const ext = vscode.extensions.getExtension<MixedPrecisionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  return ext.activate();
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the tests need a workspace folder");
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
  state?: () => unknown,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${state ? `; state: ${JSON.stringify(state())}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An untitled mpnb notebook with these code cells, shown, with our controller selected. */
export async function openNotebook(codeCells: string[]): Promise<vscode.NotebookDocument> {
  await api();
  const data = new vscode.NotebookData(codeCells.map((c) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c, "javascript")));
  const doc = await vscode.workspace.openNotebookDocument("mpnb", data);
  await showWithKernel(doc);
  return doc;
}

export async function showWithKernel(doc: vscode.NotebookDocument): Promise<vscode.NotebookEditor> {
  const editor = await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand("notebook.selectKernel", { notebookEditor: editor, id: "mplab.mpnb", extension: EXTENSION_ID });
  return editor;
}

/** Code cells in [start, end) have all finished (markdown cells never run). */
export function cellsDone(doc: vscode.NotebookDocument, start: number, end: number): boolean {
  return doc
    .getCells(new vscode.NotebookRange(start, end))
    .filter((c) => c.kind === vscode.NotebookCellKind.Code)
    .every((c) => c.executionSummary?.success !== undefined && c.executionSummary.timing?.endTime);
}

/** A cell's outputs as text, for failure messages. */
export function describeCell(cell: vscode.NotebookCell): unknown {
  return { summary: cell.executionSummary, outputs: cell.outputs.map((o) => o.items.map((i) => `${i.mime}: ${new TextDecoder().decode(i.data).slice(0, 300)}`)) };
}

/** Runs cells [start, end) and waits until each has finished (successfully or not). */
export async function runCells(doc: vscode.NotebookDocument, start = 0, end = doc.cellCount, timeoutMs = 90_000): Promise<void> {
  await vscode.commands.executeCommand("notebook.cell.execute", { ranges: [{ start, end }], document: doc.uri });
  await waitFor(`cells ${start}..${end - 1} to finish`, () => cellsDone(doc, start, end), timeoutMs, () =>
    doc.getCells(new vscode.NotebookRange(start, end)).map(describeCell),
  );
}

/** Starts cells without waiting for them. */
export function startCells(doc: vscode.NotebookDocument, start = 0, end = doc.cellCount): void {
  void vscode.commands.executeCommand("notebook.cell.execute", { ranges: [{ start, end }], document: doc.uri });
}

export function items(cell: vscode.NotebookCell): vscode.NotebookCellOutputItem[] {
  return cell.outputs.flatMap((o) => o.items);
}

export function itemText(item: vscode.NotebookCellOutputItem): string {
  return new TextDecoder().decode(item.data);
}

export function textOf(cell: vscode.NotebookCell, mime: string): string | undefined {
  const item = items(cell).find((i) => i.mime === mime);
  return item && itemText(item);
}

export function errorOf(cell: vscode.NotebookCell): { name: string; message: string; stack?: string } | undefined {
  const t = textOf(cell, "application/vnd.code.notebook.error");
  return t === undefined ? undefined : JSON.parse(t);
}

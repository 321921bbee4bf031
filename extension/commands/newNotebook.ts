// "Mixed Precision: New Notebook": an untitled *.mpnb notebook with a starter that runs as is.
import * as vscode from "vscode";
import { DEFAULT_NOTEBOOK_METADATA } from "../../engine/host.js";
import { STARTER_CELLS } from "./starterNotebook.js";

export async function newNotebook(): Promise<vscode.NotebookDocument> {
  const cells = STARTER_CELLS.map((c) =>
    c.kind === "markdown"
      ? new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, c.source, "markdown")
      : new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c.source, "javascript"),
  );
  const data = new vscode.NotebookData(cells);
  data.metadata = { nb: { nbformat: 4, nbformat_minor: 5, metadata: structuredClone(DEFAULT_NOTEBOOK_METADATA) } };
  const doc = await vscode.workspace.openNotebookDocument("mpnb", data);
  await vscode.window.showNotebookDocument(doc);
  return doc;
}

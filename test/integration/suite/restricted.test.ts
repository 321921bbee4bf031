import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { RunTrainingOutcome } from "../../../extension/commands/runTraining.js";
import { api, openNotebook, startCells, workspaceFile } from "./util.js";

describe("restricted mode", () => {
  it("the workspace is not trusted in this window, and the extension is active", async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.ok(await api());
  });

  it("opens notebooks but does not run cells", async () => {
    const sample = await vscode.workspace.openNotebookDocument(workspaceFile("sample.mpnb"));
    assert.equal(sample.cellCount, 2);
    const doc = await openNotebook(["41 + 1"]);
    // VS Code asks for trust first (a dialog the test workbench refuses); the
    // controller itself refuses too. Either way the cell must not produce a value.
    startCells(doc);
    await new Promise((r) => setTimeout(r, 3000));
    const cell = doc.cellAt(0);
    assert.notEqual(cell.executionSummary?.success, true);
    const texts = cell.outputs.flatMap((o) => o.items).filter((i) => i.mime === "text/plain").map((i) => new TextDecoder().decode(i.data));
    assert.ok(!texts.includes("42"), "the cell did not run");
  });

  it("Run Training refuses to run, saying why", async () => {
    const out = (await vscode.commands.executeCommand("mplab.runTraining", workspaceFile("good.mplab.json"))) as RunTrainingOutcome;
    assert.equal(out.ok, false);
    assert.ok(!out.ok);
    assert.match(out.error, /trusted workspaces/);
  });
});

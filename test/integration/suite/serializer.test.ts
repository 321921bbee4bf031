import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { api, workspaceFile } from "./util.js";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe("serializer", () => {
  it("opens an nbformat 4 file and saves it back with unknown metadata, ids, outputs kept", async () => {
    await api();
    const uri = workspaceFile("sample.mpnb");
    const before = JSON.parse(decode(await vscode.workspace.fs.readFile(uri)));
    const doc = await vscode.workspace.openNotebookDocument(uri);
    assert.equal(doc.notebookType, "mpnb");
    assert.equal(doc.cellCount, 2);
    assert.equal(doc.cellAt(0).kind, vscode.NotebookCellKind.Markup);
    const code = doc.cellAt(1);
    assert.equal(code.document.getText(), 'console.log("hello")\n6 * 7');
    assert.equal(code.executionSummary?.executionOrder, 3);
    assert.deepEqual(code.outputs.map((o) => o.items.map((i) => i.mime)), [["application/vnd.code.notebook.stdout"], ["text/plain"]]);
    // edit a cell so that saving writes the file
    const edit = new vscode.WorkspaceEdit();
    edit.insert(code.document.uri, new vscode.Position(1, 5), " + 0");
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save(), "saved");
    const after = JSON.parse(decode(await vscode.workspace.fs.readFile(uri)));
    const expected = structuredClone(before);
    expected.cells[1].source = ['console.log("hello")\n', "6 * 7 + 0"];
    assert.deepEqual(after, expected);
  });

  it("refuses a file that does not parse, naming the problem, and leaves it untouched", async () => {
    await api();
    const uri = workspaceFile("broken.mpnb");
    const before = decode(await vscode.workspace.fs.readFile(uri));
    await assert.rejects(async () => vscode.workspace.openNotebookDocument(uri), (e: Error) => {
      assert.match(e.message, /not valid JSON/);
      assert.match(e.message, /line \d+/);
      return true;
    });
    assert.equal(decode(await vscode.workspace.fs.readFile(uri)), before);
  });

  it("refuses a notebook that is not UTF-8 with the byte offset, and never rewrites it", async () => {
    await api();
    const uri = workspaceFile("latin1.mpnb");
    const before = await vscode.workspace.fs.readFile(uri);
    await assert.rejects(async () => vscode.workspace.openNotebookDocument(uri), (e: Error) => {
      assert.match(e.message, /not valid UTF-8: byte \d+ \(0xe9\)/);
      return true;
    });
    assert.deepEqual(await vscode.workspace.fs.readFile(uri), before);
  });

  it("accepts a UTF-8 byte order mark", async () => {
    await api();
    const doc = await vscode.workspace.openNotebookDocument(workspaceFile("bom.mpnb"));
    assert.equal(doc.cellCount, 2);
    assert.equal(doc.cellAt(0).document.getText(), "# Caf\u00e9 au lait");
  });
});

import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { api, describeCell, errorOf, items, itemText, openNotebook, runCells, showWithKernel, startCells, textOf, waitFor } from "./util.js";

/** The step the cell's live chart output (the renderer's live MIME) has reached; 0 when there is none. */
const liveStep = (cell: vscode.NotebookCell): number => {
  const t = textOf(cell, "application/vnd.mplab.live+json");
  return t === undefined ? 0 : Number((JSON.parse(t) as { step?: number }).step ?? 0);
};

const RUN_MIME = "application/vnd.mplab.run+json";
const tiny = (steps: number, chunk = "") =>
  `await train({ model: mlp({ inputs: 2, hidden: [4], outputs: 1, seed: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 64, seed: 2 }), steps: ${steps}, batchSize: 16${chunk} })`;

describe("notebook", () => {
  it("runs the New Notebook starter end to end: RunResult output, execution order, timing", async () => {
    await api();
    const doc = (await vscode.commands.executeCommand("mplab.newNotebook")) as vscode.NotebookDocument;
    await showWithKernel(doc);
    assert.equal(doc.notebookType, "mpnb");
    const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    await runCells(doc, 0, doc.cellCount, 120_000);
    for (const c of code) assert.equal(c.executionSummary?.success, true, `cell ${c.index} succeeded: ${JSON.stringify(errorOf(c))}`);
    assert.deepEqual(code.map((c) => c.executionSummary?.executionOrder), [1, 2, 3]);
    for (const c of code) assert.ok(c.executionSummary!.timing!.startTime <= c.executionSummary!.timing!.endTime);
    // the train cell: one RunResult with the renderer's MIME type (plus a text fallback)
    const trainCell = code[1]!;
    const run = items(trainCell).find((i) => i.mime === RUN_MIME);
    assert.ok(run, `RunResult output, got ${items(trainCell).map((i) => i.mime).join(", ")}`);
    const result = JSON.parse(itemText(run));
    assert.equal(result.kind, "mplab.run");
    assert.equal(result.status, "completed");
    assert.equal(result.steps, 100);
    assert.equal(result.losses.length, 100);
    assert.equal(result.precision, "mixed-fp16");
    assert.ok(result.finalLoss < result.losses[0], `the loss went down: ${result.losses[0]} -> ${result.finalLoss}`);
    assert.equal(trainCell.outputs.length, 1, "the live progress line is gone once the run ended");
    // predict on the trained model (a variable from an earlier cell)
    const predicted = JSON.parse(textOf(code[2]!, "text/plain")!.replace(/\s+/g, ""));
    assert.equal(predicted.length, 2);
    assert.ok(predicted.every((row: number[]) => row.length === 1 && Number.isFinite(row[0])));
  });

  it("keeps variables across cells, re-runs a const declaration, streams console.log", async () => {
    const doc = await openNotebook(["const x = 20", 'console.log("x is", x); x + 22']);
    await runCells(doc);
    await runCells(doc, 0, 1); // `const x` again
    assert.equal(doc.cellAt(0).executionSummary?.success, true, JSON.stringify(errorOf(doc.cellAt(0))));
    assert.equal(textOf(doc.cellAt(1), "application/vnd.code.notebook.stdout"), "x is 20\n");
    assert.equal(textOf(doc.cellAt(1), "text/plain"), "42");
    assert.deepEqual([doc.cellAt(0).executionSummary?.executionOrder, doc.cellAt(1).executionSummary?.executionOrder], [3, 2]);
  });

  it("shows an error with its cell line", async () => {
    const doc = await openNotebook(["const a = 1\nconst b = a + 1\nnotDefinedAnywhere + b"]);
    await runCells(doc);
    const cell = doc.cellAt(0);
    assert.equal(cell.executionSummary?.success, false);
    const err = errorOf(cell);
    assert.ok(err, "an error output");
    assert.equal(err.name, "ReferenceError");
    assert.match(err.message, /notDefinedAnywhere is not defined \(line 3\)/);
  });

  it("interrupt stops the training at the next chunk and clears the queued cells", async () => {
    const { engine } = await api();
    const doc = await openNotebook([tiny(1_000_000, ", chunkSize: 5"), "1 + 1", "2 + 2"]);
    startCells(doc);
    await waitFor("the live progress line", () => liveStep(doc.cellAt(0)) > 0, 60_000, () => describeCell(doc.cellAt(0)));
    await vscode.commands.executeCommand("notebook.cancelExecution");
    await waitFor("the cell to end", () => doc.cellAt(0).executionSummary?.success !== undefined && doc.cellAt(0).executionSummary?.timing?.endTime);
    const cell = doc.cellAt(0);
    assert.equal(cell.executionSummary?.success, false);
    const err = errorOf(cell);
    assert.equal(err?.name, "Interrupted", JSON.stringify(err));
    assert.match(err!.message, /training stopped after \d+ of 1000000 steps/);
    const last = await waitFor("the engine's cancelled result", () => engine.lastResult?.status === "cancelled" && engine.lastResult);
    assert.ok(last.steps < 1_000_000);
    for (const i of [1, 2]) {
      assert.equal(doc.cellAt(i).executionSummary?.success, undefined, `queued cell ${i} did not run`);
      assert.equal(doc.cellAt(i).outputs.length, 0);
    }
    // the notebook still works
    await runCells(doc, 1, 2);
    assert.equal(textOf(doc.cellAt(1), "text/plain"), "2");
  });

  it("a closed engine panel fails the running cell clearly; the next run starts a new engine", async () => {
    const doc = await openNotebook([tiny(1_000_000, ", chunkSize: 5"), `(${tiny(20)}).status`]);
    startCells(doc, 0, 1);
    await waitFor("the live progress line", () => liveStep(doc.cellAt(0)) > 0, 60_000, () => describeCell(doc.cellAt(0)));
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith("mplab.engine"));
    assert.ok(tab, "the engine panel has a tab");
    await vscode.window.tabGroups.close(tab);
    await waitFor("the cell to end", () => doc.cellAt(0).executionSummary?.success !== undefined && doc.cellAt(0).executionSummary?.timing?.endTime);
    assert.equal(doc.cellAt(0).executionSummary?.success, false);
    assert.match(errorOf(doc.cellAt(0))!.message, /Engine panel was closed/);
    await runCells(doc, 1, 2);
    assert.equal(doc.cellAt(1).executionSummary?.success, true, JSON.stringify(errorOf(doc.cellAt(1))));
    assert.equal(textOf(doc.cellAt(1), "text/plain"), "completed");
  });

  it("a reloaded engine page fails the running cell clearly; the next run works", async () => {
    const doc = await openNotebook([tiny(1_000_000, ", chunkSize: 5"), `(${tiny(20)}).status`]);
    startCells(doc, 0, 1);
    await waitFor("the live progress line", () => liveStep(doc.cellAt(0)) > 0, 60_000, () => describeCell(doc.cellAt(0)));
    await vscode.commands.executeCommand("workbench.action.webview.reloadWebviewAction");
    await waitFor("the cell to end", () => doc.cellAt(0).executionSummary?.success !== undefined && doc.cellAt(0).executionSummary?.timing?.endTime);
    assert.equal(doc.cellAt(0).executionSummary?.success, false);
    assert.match(errorOf(doc.cellAt(0))!.message, /Engine page reloaded/);
    await runCells(doc, 1, 2);
    assert.equal(textOf(doc.cellAt(1), "text/plain"), "completed", JSON.stringify(describeCell(doc.cellAt(1))));
  });
});

// The notebook kernel in the real VS Code: cells run in a process of their own, so a
// synchronous loop, process.exit, a crash, a promise that never settles or a training
// over the memory budget never freezes the extension host. These tests run in the
// extension host itself: that they keep running (and that a command round-trips to the
// workbench) while a cell spins is the responsiveness check.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { describeCell, errorOf, openNotebook, runCells, startCells, textOf, waitFor } from "./util.js";

const done = (cell: vscode.NotebookCell) => cell.executionSummary?.success !== undefined && !!cell.executionSummary?.timing?.endTime;
const escape = "console.log.constructor('return process')()"; // the kernel process's `process`

/** Another command still answers while the cell runs: the host is not blocked. */
async function hostAnswers(): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes("mplab.restartKernel"));
  assert.equal(vscode.workspace.getConfiguration("mplab").get("training.memoryBudget"), 2048);
}

async function interruptRunning(doc: vscode.NotebookDocument, index: number): Promise<void> {
  startCells(doc, index, index + 1);
  await new Promise((r) => setTimeout(r, 1500)); // let the loop start
  await hostAnswers();
  assert.equal(done(doc.cellAt(index)), false, "the loop is still running");
  await vscode.commands.executeCommand("notebook.cancelExecution");
  await waitFor("the interrupted cell to end", () => done(doc.cellAt(index)), 30_000, () => describeCell(doc.cellAt(index)));
}

describe("notebook kernel process", () => {
  it("interrupt stops a synchronous loop; the kernel's variables are kept", async () => {
    const doc = await openNotebook(["var kept = 7", "while (true) {}", "kept * 6"]);
    await runCells(doc, 0, 1);
    await interruptRunning(doc, 1);
    const err = errorOf(doc.cellAt(1));
    assert.equal(err?.name, "Interrupted", JSON.stringify(describeCell(doc.cellAt(1))));
    assert.match(err!.message, /variables are kept/);
    await runCells(doc, 2, 3);
    assert.equal(textOf(doc.cellAt(2), "text/plain"), "42");
  });

  it("a loop after an await ignores the interrupt: the kernel is restarted and the cell says so", async () => {
    const doc = await openNotebook(["var lost = 1; console.log('before')", "console.log('so far'); await null; while (true) {}", "typeof lost"]);
    await runCells(doc, 0, 1);
    await interruptRunning(doc, 1);
    assert.equal(textOf(doc.cellAt(1), "application/vnd.code.notebook.stdout"), "so far\n", "the outputs so far stay");
    const err = errorOf(doc.cellAt(1));
    assert.equal(err?.name, "Interrupted");
    assert.match(err!.message, /kernel was restarted/);
    await runCells(doc, 2, 3);
    assert.equal(textOf(doc.cellAt(2), "text/plain"), "undefined", "a new kernel: the variable is gone");
  });

  it("process.exit in a cell ends that kernel only, with the reason; the next cell runs", async () => {
    const doc = await openNotebook([`${escape}.exit(3)`, "1 + 1"]);
    await runCells(doc, 0, 1);
    await hostAnswers();
    const err = errorOf(doc.cellAt(0));
    assert.equal(err?.name, "KernelDied", JSON.stringify(describeCell(doc.cellAt(0))));
    assert.match(err!.message, /^the kernel died: a cell called process.exit\(3\)/);
    await runCells(doc, 1, 2);
    assert.equal(textOf(doc.cellAt(1), "text/plain"), "2");
  });

  it("a crash (abort) ends the kernel, not the extension host", async () => {
    const doc = await openNotebook([`${escape}.abort()`, "['al', 'ive'].join('')"]);
    await runCells(doc, 0, 1);
    await hostAnswers();
    const err = errorOf(doc.cellAt(0));
    assert.equal(err?.name, "KernelDied");
    assert.match(err!.message, /the kernel died: it was ended by SIGABRT/);
    await runCells(doc, 1, 2);
    assert.equal(textOf(doc.cellAt(1), "text/plain"), "alive");
  });

  it("a promise that never settles is reported with the cell's number", async () => {
    const doc = await openNotebook(["1", "await new Promise(() => {})"]);
    await runCells(doc, 0, 2, 60_000);
    const err = errorOf(doc.cellAt(1));
    assert.equal(err?.name, "CellNeverFinishes", JSON.stringify(describeCell(doc.cellAt(1))));
    assert.match(err!.message, /cell 2 can never finish/);
  });

  it("a training over the memory budget is refused before anything is allocated, with the estimate and the budget", async () => {
    const doc = await openNotebook([
      "await train({ model: mlp({ inputs: 8, hidden: [65535, 65535], outputs: 1 }), data: datasets.teacher({ inputs: 8, outputs: 1, samples: 64 }), steps: 1, batchSize: 8 })",
    ]);
    await runCells(doc);
    const err = errorOf(doc.cellAt(0));
    // (refused by the engine page; the name does not cross the protocol, the message does)
    assert.ok(err, JSON.stringify(describeCell(doc.cellAt(0))));
    assert.match(err!.message, /needs about \d+ MiB .* more than the memory budget of 2048 MiB/);
  });

  it("Restart Kernel ends the notebook's kernel: variables are gone", async () => {
    const doc = await openNotebook(["var z = 5", "typeof z"]);
    await runCells(doc, 0, 2);
    assert.equal(textOf(doc.cellAt(1), "text/plain"), "number");
    assert.equal(await vscode.commands.executeCommand("mplab.restartKernel", doc.uri), true);
    await runCells(doc, 1, 2);
    assert.equal(textOf(doc.cellAt(1), "text/plain"), "undefined");
  });
});

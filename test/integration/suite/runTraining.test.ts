import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { RunTrainingOutcome } from "../../../extension/commands/runTraining.js";
import { api, waitFor, workspaceFile } from "./util.js";

describe("Run Training", () => {
  it("trains a *.mplab.json config in the engine and reports the result", async () => {
    const { engine } = await api();
    const out = (await vscode.commands.executeCommand("mplab.runTraining", workspaceFile("good.mplab.json"))) as RunTrainingOutcome;
    assert.equal(out.ok, true, out.ok ? "" : out.error);
    assert.ok(out.ok);
    assert.equal(out.result.status, "completed");
    assert.equal(out.result.steps, 40);
    assert.equal(out.result.name, "fixture run");
    assert.equal(engine.lastResult?.steps, 40);
    // Inspect Precision shows the per-layer table of that run
    const table = (await vscode.commands.executeCommand("mplab.inspectPrecision")) as string;
    assert.match(table, /\| layer \| tensor \|/);
    assert.match(table, /fixture run/);
    assert.match(table, /weightGrads/);
  });

  it("refuses a bad config with an error naming the field, before any work", async () => {
    const { engine } = await api();
    const before = engine.lastResult;
    const out = (await vscode.commands.executeCommand("mplab.runTraining", workspaceFile("bad.mplab.json"))) as RunTrainingOutcome;
    assert.equal(out.ok, false);
    assert.ok(!out.ok);
    assert.match(out.error, /bad\.mplab\.json is not a valid training config: steps must be an integer from 1 to 10000000, got 0/);
    assert.equal(engine.lastResult, before, "nothing ran");
  });
});

describe("*.mplab.json in the editor", () => {
  it("is validated against the engine's JSON Schema (contributes.jsonValidation)", async () => {
    await api();
    const uri = workspaceFile("bad.mplab.json");
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await waitFor("JSON schema diagnostics", () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length > 0 && d;
    }, 60_000);
    const steps = diagnostics.find((d) => d.range.start.line === 3);
    assert.ok(steps, `a diagnostic on the "steps": 0 line; got ${diagnostics.map((d) => `${d.range.start.line}: ${d.message}`).join("; ")}`);
    assert.match(steps.message, /minimum/i);
  });
});

// The editor layer in a real VS Code: hovers on numeric literals, config warnings in
// the Problems panel with their quick fixes, a run's overflow events on the cell that
// ran it, and the Sweep Loss Scale / Export commands. Runs are tiny (a few steps).
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { ExportOutcome } from "../../../extension/commands/exportPyTorch.js";
import type { RunTrainingOutcome } from "../../../extension/commands/runTraining.js";
import { applyRecommendation, type SweepOutcome } from "../../../extension/commands/sweepLossScale.js";
import { api, openNotebook, runCells, waitFor, workspaceFile } from "./util.js";

const SOURCE = "Mixed Precision";

async function openConfig(name: string): Promise<vscode.TextEditor> {
  await api();
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile(name)));
}

function positionOf(doc: vscode.TextDocument, needle: string, into = 1): vscode.Position {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${doc.uri.path}`);
  return doc.positionAt(at + into);
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand("vscode.executeHoverProvider", uri, position)) as vscode.Hover[];
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === "string" ? c : c.value))).join("\n---\n");
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

async function quickFixes(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = (await vscode.commands.executeCommand("vscode.executeCodeActionProvider", doc.uri, range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
  // (the command's results lose `diagnostics`; VS Code's own AI fixes have no edit)
  return actions.filter((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value && a.edit);
}

describe("Editor: hovers", () => {
  it("a literal in a *.mplab.json shows its fp16 and bf16 values, error and kind", async () => {
    const { document: doc } = await openConfig("editor.mplab.json");
    const text = await hoverText(doc.uri, positionOf(doc, "1e-5"));
    // 1e-5 is below fp16's smallest normal 2^-14: 1e-5 / 2^-24 = 167.77 -> 168 · 2^-24
    const fp16 = 168 * 2 ** -24;
    assert.ok(text.includes(`| fp16 | ${fp16} | 0x00a8 |`), text);
    assert.match(text, /\| fp16 \|[^\n]*\| subnormal \(reduced precision\) \|/);
    assert.match(text, /\| bf16 \|[^\n]*\| normal \|/);
    // no hover off a literal (on a key), nor on digits inside a string
    const table = /\| fp16 \|/;
    assert.doesNotMatch(await hoverText(doc.uri, positionOf(doc, '"optimizer"', 3)), table);
    assert.doesNotMatch(await hoverText(doc.uri, positionOf(doc, 'fixture 2"', 8)), table);
    assert.match(await hoverText(doc.uri, positionOf(doc, "[8]", 1)), /\| fp16 \| 8 \| 0x4800 \| exact \| normal \|/);
  });

  it("a literal in a notebook cell: overflow in fp16, not in bf16", async () => {
    const nb = await openNotebook(["const s = staticScaler(70000);"]);
    const cell = nb.cellAt(0).document;
    const text = await hoverText(cell.uri, positionOf(cell, "70000", 2));
    assert.match(text, /\| fp16 \| Infinity \| 0x7c00 \| ∞ \| overflows to Inf \|/);
    // bf16 keeps 8 mantissa bits: 70000 = 1.068 · 2^16 -> 1.0703125 · 2^16 = 70144
    assert.match(text, /\| bf16 \| 70144 \| 0x4789 \|/);
  });
});

describe("Editor: config Problems and quick fixes", () => {
  it("a mistyped key is an error naming the nearest known key, in our Problems and in VS Code's JSON schema check", async () => {
    const editor = await openConfig("typo.mplab.json");
    const doc = editor.document;
    const err = await waitFor("the unknown-key error", () => ours(doc.uri).find((d) => /"precison" \(did you mean precision\?\)/.test(d.message)));
    assert.equal(err.severity, vscode.DiagnosticSeverity.Error);
    // VS Code's JSON language service reads schemas/mplab.schema.json (additionalProperties: false)
    const json = await waitFor("the JSON schema's diagnostic", () =>
      vscode.languages.getDiagnostics(doc.uri).find((d) => d.source !== SOURCE && /precison/.test(doc.getText(d.range)) && /not allowed/i.test(d.message)),
    );
    assert.ok(json);
  });

  it("warns on a dynamic initScale that is not a power of two; the quick fix writes 1024", async () => {
    const editor = await openConfig("editor.mplab.json");
    const doc = editor.document;
    const warn = await waitFor("the initScale warning", () => ours(doc.uri).find((d) => /initScale 1000 is not a power of two/.test(d.message)));
    assert.equal(warn.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(doc.getText(warn.range), "1000");
    const [fix] = await quickFixes(doc, warn.range);
    assert.ok(fix?.edit, "a quick fix with an edit");
    assert.match(fix.title, /1024/);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /"initScale": 1024 \}/);
    assert.match(doc.getText(), /"lr": 1e-5 \}/, "the rest of the file is untouched");
    await waitFor("the warning to go", () => !ours(doc.uri).some((d) => /initScale/.test(d.message)));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand("workbench.action.files.revert");
  });

  it("after a run that overflowed, a static scale gets a warning; the fix replaces the scaler", async () => {
    const editor = await openConfig("overflow.mplab.json");
    const doc = editor.document;
    assert.equal(ours(doc.uri).length, 0, "no warning before a run");
    const out = (await vscode.commands.executeCommand("mplab.runTraining", doc.uri)) as RunTrainingOutcome;
    assert.ok(out.ok, out.ok ? "" : out.error);
    assert.equal(out.result.skippedSteps, 6, "2^18 × gradients of ~0.2-0.5 overflow fp16 at every step");
    const warn = await waitFor("the static-scale warning", () => ours(doc.uri).find((d) => /static scale 262144 overflows fp16/.test(d.message)));
    assert.equal(doc.getText(warn.range), "262144");
    const [fix] = await quickFixes(doc, warn.range);
    assert.ok(fix?.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /"scaler": \{"type":"dynamic","preset":"pytorch"\},/);
    assert.equal(JSON.parse(doc.getText()).steps, 6, "still valid JSON, the rest kept");
    await waitFor("the warning to go", () => !ours(doc.uri).some((d) => /static scale/.test(d.message)));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand("workbench.action.files.revert");
  });

  it("the cell that ran an overflowing training lists its skipped steps in the Problems", async () => {
    const nb = await openNotebook([
      "const note = 1;",
      [
        "const r = await train({ model: { inputs: 4, hidden: [8], outputs: 1, activation: 'tanh', seed: 1 },",
        "  data: { type: 'teacher', inputs: 4, outputs: 1, samples: 64, seed: 2 },",
        "  scaler: staticScaler(262144), precision: 'mixed-fp16', steps: 3, batchSize: 16 });",
        "r.skippedSteps",
      ].join("\n"),
    ]);
    await runCells(nb);
    const cell = nb.cellAt(1).document;
    const diags = await waitFor("the cell's run events", () => {
      const d = ours(cell.uri);
      return d.length >= 3 && d;
    });
    assert.deepEqual(diags.map((d) => d.message.replace(/: non-finite.*/, "")), ["step 0 skipped", "step 1 skipped", "step 2 skipped"]);
    assert.match(diags[0].message, /non-finite layer \d \S+ gradients at scale 262144/);
    for (const d of diags) assert.equal(cell.getText(d.range), "train");
    assert.equal(ours(nb.cellAt(0).document.uri).length, 0, "nothing on the cell that did not train");
    // the entries go with the cell
    const edit = new vscode.WorkspaceEdit();
    edit.set(nb.uri, [vscode.NotebookEdit.deleteCells(new vscode.NotebookRange(1, 2))]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor("the deleted cell's entries to go", () => ours(cell.uri).length === 0);
  });
});

describe("Editor: commands", () => {
  it("Sweep Loss Scale ranks the default grid on a config and says which to use", async () => {
    const editor = await openConfig("sweep.mplab.json");
    const out = (await vscode.commands.executeCommand("mplab.sweepLossScale", editor.document.uri)) as SweepOutcome;
    assert.ok(out.ok, out.ok ? "" : out.error);
    assert.equal(out.result.status, "completed");
    assert.equal(out.result.ranked.length, 6, "none, 3 static scales, 2 dynamic presets");
    assert.equal(out.result.reference?.added, true, "an fp32 reference was added");
    assert.ok(out.result.recommendation, "a recommendation");
    assert.match(out.report, /rank\s+configuration/);
    assert.ok(out.report.includes(`Use ${out.result.recommendation.label}:`));
    // the table is shown in a document
    const shown = await waitFor("the sweep document", () => vscode.workspace.textDocuments.find((d) => d.isUntitled && d.getText() === out.report));
    assert.equal(shown.languageId, "plaintext");
  });

  it("the sweep's recommendation is written into the config by its Apply button's edit", async () => {
    const { document: doc } = await openConfig("sweep.mplab.json");
    assert.ok(await applyRecommendation(doc.uri, "mixed-fp16", { type: "static", scale: 4096 }));
    const cfg = JSON.parse(doc.getText());
    assert.deepEqual([cfg.precision, cfg.scaler, cfg.steps, cfg.name], ["mixed-fp16", { type: "static", scale: 4096 }, 8, "sweep fixture"]);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand("workbench.action.files.revert");
  });

  it("Export to PyTorch opens the script of the active config", async () => {
    await openConfig("good.mplab.json");
    const out = (await vscode.commands.executeCommand("mplab.exportPyTorch")) as ExportOutcome;
    assert.ok(out.ok, out.ok ? "" : out.error);
    assert.equal(out.document.languageId, "python");
    assert.equal(out.document.isUntitled, true);
    const py = out.document.getText();
    assert.match(py, /^PRECISION = "mixed-fp16"$/m);
    assert.match(py, /^STEPS = 40$/m);
    assert.match(py, /^BATCH_SIZE = 16\b/m);
    assert.match(py, /torch\.autocast/);
    assert.match(py, /torch\.amp\.GradScaler/);
  });

  it("Export to DeepSpeed opens the ds_config of a config given by the explorer menu", async () => {
    await api();
    const out = (await vscode.commands.executeCommand("mplab.exportDeepSpeed", workspaceFile("good.mplab.json"))) as ExportOutcome;
    assert.ok(out.ok, out.ok ? "" : out.error);
    assert.equal(out.document.languageId, "json");
    const ds = JSON.parse(out.document.getText());
    assert.equal(ds.train_micro_batch_size_per_gpu, 16);
    assert.equal(ds.gradient_accumulation_steps, 1);
    assert.equal(ds.optimizer.type, "AdamW");
    assert.equal(ds.optimizer.params.lr, 0.01);
    assert.equal(ds.bf16.enabled, false);
    // the pytorch preset: dynamic from 2^16, growth every 2000 steps
    assert.equal(ds.fp16.enabled, true);
    assert.equal(ds.fp16.loss_scale, 0);
    assert.equal(ds.fp16.initial_scale_power, 16);
    assert.equal(ds.fp16.loss_scale_window, 2000);
    for (const k of ["hysteresis", "min_loss_scale"]) assert.ok(k in ds.fp16, `fp16.${k}`);
    assert.equal(ds.fp16.min_loss_scale, 1, "DeepSpeed 0.19 refuses a floor of 0: the pytorch preset's none becomes 1");
    assert.deepEqual(ds.zero_optimization, { stage: 0 });
  });

  it("Inspect Precision shows inspect()'s advice for the last run", async () => {
    const { engine } = await api();
    assert.ok(engine.lastResult, "an earlier test ran a training");
    const doc = (await vscode.commands.executeCommand("mplab.inspectPrecision")) as string;
    assert.match(doc, /## Advice/);
    assert.match(doc, /\*\*Recommended scaler:\*\* `\{"type":/);
    assert.match(doc, /scales that keep it/);
  });
});

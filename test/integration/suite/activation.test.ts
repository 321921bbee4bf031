import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { api, EXTENSION_ID } from "./util.js";

describe("activation", () => {
  it("activates and registers its commands, serializer and controller", async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const exports = await api();
    assert.equal(ext.isActive, true);
    assert.ok(exports.engine, "activate() returns the engine client");
    const commands = await vscode.commands.getCommands(true);
    for (const id of ["mplab.newNotebook", "mplab.runTraining", "mplab.inspectPrecision", "mplab.restartEngine", "mplab.showEngine"]) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });
});

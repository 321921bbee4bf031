import * as assert from "node:assert/strict";
import * as vscode from "vscode";
describe("activation", () => {
  it("activates", async () => {
    const ext = vscode.extensions.getExtension("mixed-precision-lab.mixed-precision-lab");
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});

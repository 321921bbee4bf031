import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cellApi } from "../../../engine/notebook/cellApi.js";
import { NotebookKernel } from "../../../engine/notebook/kernel.js";
import { createInProcessSession } from "../../../engine/session/inProcessSession.js";
import { STARTER_CELLS } from "../../../extension/commands/starterNotebook.js";

describe("New Notebook starter", () => {
  it("runs as is (headless kernel, CPU session) and its run learns", async () => {
    const session = createInProcessSession();
    const k = new NotebookKernel(cellApi({ session: () => session }));
    const values: unknown[] = [];
    for (const cell of STARTER_CELLS.filter((c) => c.kind === "code")) {
      const r = await k.execute(cell.source);
      assert.equal(r.status, "ok", JSON.stringify(r));
      if (r.status === "ok") values.push(r.value);
    }
    const run = values[1] as { kind: string; status: string; losses: number[]; finalLoss: number };
    assert.equal(run.kind, "mplab.run");
    assert.equal(run.status, "completed");
    assert.ok(run.finalLoss < run.losses[0]!);
    const predicted = values[2] as number[][];
    assert.equal(predicted.length, 2);
    session.dispose();
  });
});

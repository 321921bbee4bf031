// executeNotebook: the headless "Run All" behind `mplab run`, in process.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cellApi } from "../../../engine/notebook/cellApi.js";
import { executeNotebook } from "../../../engine/notebook/executeNotebook.js";
import { parseNotebook, serializeNotebook, type NbNotebook } from "../../../engine/notebook/format.js";
import { NotebookKernel } from "../../../engine/notebook/kernel.js";
import { inProcessRunner } from "../../../engine/kernel/inProcessRunner.js";
import { createInProcessSession } from "../../../engine/session/inProcessSession.js";
import { parsePayload } from "../../../engine/payload/parse.js";
import { RUN_RESULT_MIME, runResultSchema } from "../../../engine/train/runResult.js";

const notebook = (...sources: string[]): NbNotebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: sources.map((source) => (source.startsWith("#") ? { cell_type: "markdown", source, metadata: {} } : { cell_type: "code", source, metadata: {}, outputs: [], execution_count: null })),
});

describe("executeNotebook", () => {
  it("JSON outputs carry non-finite numbers through the one codec: saved, read back and decoded, the run is the same", async () => {
    const session = createInProcessSession();
    const kernel = new NotebookKernel(cellApi({ session: () => session }));
    // a static scale of 2^40 overflows every step: the gradient norms are Infinity
    const nb = notebook(
      "# overflow",
      'await train({ model: mlp({ inputs: 2, hidden: [4], outputs: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 16 }), scaler: staticScaler(2 ** 40), steps: 3, batchSize: 4 })',
    );
    const status = await executeNotebook(nb, inProcessRunner(kernel));
    session.dispose();
    assert.deepEqual(status, { status: "ok", cellsRun: 1 });
    const out = nb.cells[1].outputs![0];
    assert.equal(out.output_type, "execute_result");
    const saved = (out as { data: Record<string, unknown> }).data[RUN_RESULT_MIME];
    assert.deepEqual((saved as { gradNorms: unknown[] }).gradNorms, [{ $nonFinite: "NaN" }, { $nonFinite: "NaN" }, { $nonFinite: "NaN" }]);
    // the notebook round-trips through the file format unchanged, and what was saved is a RunResult again
    const back = parseNotebook(serializeNotebook(nb));
    assert.deepEqual(back, nb);
    const run = parsePayload(runResultSchema, (back.cells[1].outputs![0] as { data: Record<string, unknown> }).data[RUN_RESULT_MIME], "run");
    assert.equal(run.skippedSteps, 3);
    assert.deepEqual(run.gradNorms, [NaN, NaN, NaN]); // an overflowing step: Inf - Inf in the norm (not null, not Infinity)
  });

  it("an aborted signal stops before the next cell; the cells not run keep their state", async () => {
    const kernel = new NotebookKernel();
    const abort = new AbortController();
    const nb = notebook("1", "2", "3");
    const started: number[] = [];
    const status = await executeNotebook(nb, inProcessRunner(kernel, abort.signal), { signal: abort.signal, onCellStart: (i) => started.push(i), onCellEnd: (i) => i === 1 && abort.abort() });
    assert.equal(status.status, "interrupted");
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(nb.cells.map((c) => c.execution_count), [1, 2, null]);
    assert.deepEqual(nb.cells[2].outputs, []);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NotebookFormatError, parseNotebook, serializeNotebook } from "../../../engine/notebook/format.js";

const jupyterFile = {
  cells: [
    { cell_type: "markdown", id: "m1", metadata: { tags: ["a"] }, source: ["# Title\n", "text"], attachments: { "x.png": { "image/png": "AAAA" } } },
    {
      cell_type: "code",
      id: "c1",
      metadata: { collapsed: false, custom: { keep: 1 } },
      execution_count: 2,
      outputs: [
        { output_type: "stream", name: "stdout", text: ["a\n", "b\n"] },
        { output_type: "execute_result", execution_count: 2, metadata: { m: 1 }, data: { "text/plain": ["1\n", "2"], "application/vnd.mplab.run+json": { kind: "mplab.run", losses: [1, 2] } } },
        { output_type: "display_data", metadata: {}, data: { "image/png": "iVBOR" } },
        { output_type: "error", ename: "Error", evalue: "boom", traceback: ["Error: boom", "  at cell"] },
      ],
      source: "let x = 1\nx",
      "x-unknown": [1, 2, 3],
    },
    { cell_type: "raw", id: "r1", metadata: {}, source: [] },
  ],
  metadata: { kernelspec: { name: "mplab", display_name: "X", language: "javascript" }, "x-custom": { deep: { keep: true } } },
  nbformat: 4,
  nbformat_minor: 5,
  "x-top-level": "kept",
};

describe("notebook format (nbformat 4)", () => {
  it("parse then serialize gives the same JSON, unknown keys and metadata kept", () => {
    const text = JSON.stringify(jupyterFile);
    const back = JSON.parse(serializeNotebook(parseNotebook(text)));
    const expected = structuredClone(jupyterFile) as typeof jupyterFile & { cells: { source: unknown }[] };
    expected.cells[1]!.source = ["let x = 1\n", "x"]; // sources are written as lines, as Jupyter does
    assert.deepEqual(back, expected);
    // and again: a fixed point
    assert.equal(serializeNotebook(parseNotebook(serializeNotebook(parseNotebook(text)))), serializeNotebook(parseNotebook(text)));
  });

  it("joins multiline sources and texts", () => {
    const nb = parseNotebook(JSON.stringify(jupyterFile));
    assert.equal(nb.cells[0]!.source, "# Title\ntext");
    const out = nb.cells[1]!.outputs!;
    assert.equal(out[0]!.output_type === "stream" && out[0]!.text, "a\nb\n");
    assert.equal(out[1]!.output_type === "execute_result" && out[1]!.data["text/plain"], "1\n2");
    assert.deepEqual(out[1]!.output_type === "execute_result" && out[1]!.data["application/vnd.mplab.run+json"], { kind: "mplab.run", losses: [1, 2] });
  });

  it("an empty file is a new notebook", () => {
    const nb = parseNotebook("  \n");
    assert.equal(nb.nbformat, 4);
    assert.deepEqual(nb.cells, []);
  });

  it("refuses broken files, naming the problem", () => {
    const bad = (text: string, re: RegExp) =>
      assert.throws(() => parseNotebook(text), (e: Error) => {
        assert.ok(e instanceof NotebookFormatError);
        assert.match(e.message, re);
        return true;
      });
    bad('{\n "cells": [\n  {,\n ]}', /not valid JSON at line 3, column \d+/);
    bad("[]", /must hold a JSON object/);
    bad('{"nbformat": 3, "cells": []}', /nbformat must be 4 \(found 3\)/);
    bad('{"nbformat": 4}', /cells must be an array/);
    bad('{"nbformat": 4, "cells": [{"cell_type": "python", "source": ""}]}', /cells\[0\]\.cell_type must be "code", "markdown" or "raw" \(found "python"\)/);
    bad('{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}', /cells\[0\]\.source must be a string or an array of strings/);
    bad('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "weird"}]}]}', /cells\[0\]\.outputs\[0\]\.output_type must be one of/);
    bad('{"nbformat": 4, "cells": [], "metadata": 3}', /metadata must be an object/);
  });
});

// *.mpnb files <-> VS Code notebooks. The file format (nbformat 4) lives in
// engine/notebook/format.ts; this maps it onto VS Code's notebook model. What VS Code
// has no place for (notebook and cell metadata, cell ids, attachments, unknown keys)
// rides along in the `metadata.nb` bags so a save writes it back unchanged.
// A file that fails to parse (not UTF-8, not JSON, not nbformat 4) throws: VS Code then
// shows the error instead of an empty notebook that a save would write over the user's data.
import * as vscode from "vscode";
import { decodeNotebookBytes, encodeNonFinite, isJsonMime, NotebookFormatError, parseNotebook, serializeNotebook, type MimeBundle, type NbCell, type NbNotebook, type NbOutput } from "../../engine/host.js";

const ERROR_MIME = "application/vnd.code.notebook.error";
const STDOUT_MIME = "application/vnd.code.notebook.stdout";
const STDERR_MIME = "application/vnd.code.notebook.stderr";

const encoder = new TextEncoder();

export class MpnbSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    let nb: NbNotebook;
    try {
      // bytes that are not UTF-8 are refused (with their offset), never decoded to U+FFFD and saved back
      nb = parseNotebook(decodeNotebookBytes(content));
    } catch (e) {
      const why = e instanceof NotebookFormatError ? e.message : String(e);
      throw new Error(`This file cannot be opened as a Mixed Precision notebook: ${why}. The file was left unchanged.`);
    }
    const { cells, ...rest } = nb;
    const data = new vscode.NotebookData(cells.map(toCellData));
    data.metadata = { nb: rest };
    return data;
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const rest = (data.metadata?.nb ?? {}) as { nbformat_minor?: number; metadata?: Record<string, unknown>; [key: string]: unknown };
    const nb: NbNotebook = { ...rest, nbformat: 4, nbformat_minor: rest.nbformat_minor ?? 5, metadata: rest.metadata ?? {}, cells: data.cells.map(fromCellData) };
    return encoder.encode(serializeNotebook(nb));
  }
}

function toCellData(cell: NbCell): vscode.NotebookCellData {
  const { cell_type, source, outputs, execution_count, ...nb } = cell;
  const kind = cell_type === "markdown" ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
  const language = cell_type === "markdown" ? "markdown" : cell_type === "raw" ? "raw" : "javascript";
  const data = new vscode.NotebookCellData(kind, source, language);
  data.metadata = { nb: { ...nb, cell_type } };
  if (cell_type === "code") {
    data.outputs = (outputs ?? []).map(toOutput);
    if (typeof execution_count === "number") data.executionSummary = { executionOrder: execution_count };
  }
  return data;
}

function fromCellData(cell: vscode.NotebookCellData): NbCell {
  const saved = (cell.metadata?.nb as Partial<NbCell> | undefined) ?? {};
  const cell_type: NbCell["cell_type"] =
    cell.kind === vscode.NotebookCellKind.Markup ? "markdown" : saved.cell_type === "raw" || cell.languageId === "raw" ? "raw" : "code";
  const out: NbCell = { ...saved, cell_type, source: cell.value, metadata: saved.metadata ?? {} };
  delete out.outputs;
  delete out.execution_count;
  if (cell_type === "code") {
    out.execution_count = cell.executionSummary?.executionOrder ?? null;
    out.outputs = (cell.outputs ?? []).map((o) => fromOutput(o, out.execution_count ?? null));
  }
  return out;
}

/** Output items; JSON ones with NaN/±Infinity in the one codec (NotebookCellOutputItem.json would write null). */
function bundleItems(bundle: MimeBundle): vscode.NotebookCellOutputItem[] {
  return Object.entries(bundle).map(([mime, value]) =>
    isJsonMime(mime) ? vscode.NotebookCellOutputItem.json(encodeNonFinite(value), mime) : vscode.NotebookCellOutputItem.text(String(value), mime),
  );
}

/** An nbformat output as a VS Code output; its nbformat fields are kept in the metadata. */
export function toOutput(o: NbOutput): vscode.NotebookCellOutput {
  switch (o.output_type) {
    case "stream":
      return new vscode.NotebookCellOutput([o.name === "stdout" ? vscode.NotebookCellOutputItem.stdout(o.text) : vscode.NotebookCellOutputItem.stderr(o.text)], { outputType: "stream" });
    case "error":
      return new vscode.NotebookCellOutput(
        [vscode.NotebookCellOutputItem.error({ name: o.ename, message: o.evalue, stack: o.traceback.join("\n") })],
        { outputType: "error", traceback: o.traceback },
      );
    case "execute_result":
    case "display_data": {
      const { data, output_type, ...rest } = o;
      return new vscode.NotebookCellOutput(bundleItems(data), { ...rest, outputType: output_type });
    }
  }
}

/** A MIME bundle as a VS Code output (display helpers and cell values). */
export function bundleToOutput(bundle: MimeBundle, outputType: "execute_result" | "display_data"): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(bundleItems(bundle), { outputType, metadata: {} });
}

function fromOutput(o: vscode.NotebookCellOutput, executionCount: number | null): NbOutput {
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  const items = o.items;
  const text = (item: vscode.NotebookCellOutputItem) => new TextDecoder().decode(item.data);
  const err = items.find((i) => i.mime === ERROR_MIME);
  if (err) {
    const e = JSON.parse(text(err)) as { name?: string; message?: string; stack?: string };
    const traceback = Array.isArray(meta.traceback) ? (meta.traceback as string[]) : (e.stack ?? "").split("\n");
    return { output_type: "error", ename: e.name ?? "Error", evalue: e.message ?? "", traceback };
  }
  const stream = items.find((i) => i.mime === STDOUT_MIME || i.mime === STDERR_MIME);
  if (stream) {
    return { output_type: "stream", name: stream.mime === STDOUT_MIME ? "stdout" : "stderr", text: items.filter((i) => i.mime === stream.mime).map(text).join("") };
  }
  const data: MimeBundle = {};
  for (const item of items) data[item.mime] = isJsonMime(item.mime) ? JSON.parse(text(item)) : text(item);
  const { outputType, ...rest } = meta;
  const metadata = (rest.metadata as Record<string, unknown>) ?? {};
  if (outputType === "display_data") return { ...rest, output_type: "display_data", data, metadata };
  return { ...rest, output_type: "execute_result", data, metadata, execution_count: executionCount };
}

// The *.mpnb file format: Jupyter's nbformat 4 (JSON), so a renamed file opens in
// Jupyter and a .ipynb opens here. Parsing is strict about structure and names the
// problem (a broken file must never be opened as an empty notebook and saved over);
// everything it does not interpret (metadata, unknown keys) is kept for the round trip.

import { decodeUtf8, parseJsonText } from "../config/jsonText.js";

export type MimeBundle = Record<string, unknown>;

export type NbOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string; [key: string]: unknown }
  | { output_type: "execute_result"; data: MimeBundle; metadata: Record<string, unknown>; execution_count: number | null; [key: string]: unknown }
  | { output_type: "display_data"; data: MimeBundle; metadata: Record<string, unknown>; [key: string]: unknown }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[]; [key: string]: unknown };

export interface NbCell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  /** always one string here; files may hold an array of lines */
  source: string;
  metadata: Record<string, unknown>;
  /** code cells only */
  outputs?: NbOutput[];
  execution_count?: number | null;
  /** keys this code does not interpret (attachments, ...), kept as they were */
  [key: string]: unknown;
}

export interface NbNotebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NbCell[];
  [key: string]: unknown;
}

/** A file that is not a notebook this code can open; the message names the problem. */
export class NotebookFormatError extends Error {
  override name = "NotebookFormatError";
}

export const DEFAULT_NOTEBOOK_METADATA = {
  kernelspec: { name: "mplab", display_name: "Mixed Precision (JavaScript)", language: "javascript" },
  language_info: { name: "javascript", file_extension: ".js", mimetype: "text/javascript" },
};

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** nbformat "multiline string": a string or an array of strings (lines with their newlines). */
function multiline(x: unknown, where: string): string {
  if (typeof x === "string") return x;
  if (Array.isArray(x) && x.every((l) => typeof l === "string")) return x.join("");
  throw new NotebookFormatError(`${where} must be a string or an array of strings`);
}

/** Where in the text a JSON.parse error is, as "line L, column C" when the engine says. */
function parseOutput(o: unknown, where: string): NbOutput {
  if (!isObject(o)) throw new NotebookFormatError(`${where} must be an object`);
  switch (o.output_type) {
    case "stream":
      if (o.name !== "stdout" && o.name !== "stderr") throw new NotebookFormatError(`${where}.name must be "stdout" or "stderr"`);
      return { ...o, output_type: "stream", name: o.name, text: multiline(o.text, `${where}.text`) };
    case "execute_result":
    case "display_data": {
      if (!isObject(o.data)) throw new NotebookFormatError(`${where}.data must be an object of MIME types`);
      const data: MimeBundle = {};
      for (const [mime, v] of Object.entries(o.data)) data[mime] = isJsonMime(mime) ? v : multiline(v, `${where}.data["${mime}"]`);
      const metadata = isObject(o.metadata) ? o.metadata : {};
      if (o.output_type === "display_data") return { ...o, output_type: "display_data", data, metadata };
      const ec = o.execution_count;
      return { ...o, output_type: "execute_result", data, metadata, execution_count: typeof ec === "number" ? ec : null };
    }
    case "error":
      return {
        ...o,
        output_type: "error",
        ename: typeof o.ename === "string" ? o.ename : "Error",
        evalue: typeof o.evalue === "string" ? o.evalue : "",
        traceback: Array.isArray(o.traceback) ? o.traceback.map(String) : [],
      };
    default:
      throw new NotebookFormatError(`${where}.output_type must be one of "stream", "execute_result", "display_data", "error" (found ${JSON.stringify(o.output_type)})`);
  }
}

function isLineMime(mime: string): boolean {
  return (mime.startsWith("text/") || mime === "image/svg+xml") && !isJsonMime(mime);
}

/** JSON MIME types hold JSON values in nbformat; text types hold (multiline) strings. */
export function isJsonMime(mime: string): boolean {
  return mime === "application/json" || /\+json$/.test(mime);
}

function parseCell(c: unknown, i: number): NbCell {
  const where = `cells[${i}]`;
  if (!isObject(c)) throw new NotebookFormatError(`${where} must be an object`);
  const type = c.cell_type;
  if (type !== "code" && type !== "markdown" && type !== "raw") {
    throw new NotebookFormatError(`${where}.cell_type must be "code", "markdown" or "raw" (found ${JSON.stringify(type)})`);
  }
  if (c.metadata !== undefined && !isObject(c.metadata)) throw new NotebookFormatError(`${where}.metadata must be an object`);
  const cell: NbCell = { ...c, cell_type: type, source: multiline(c.source ?? "", `${where}.source`), metadata: (c.metadata as Record<string, unknown>) ?? {} };
  if (c.id !== undefined && typeof c.id !== "string") throw new NotebookFormatError(`${where}.id must be a string`);
  if (type === "code") {
    const outputs = c.outputs ?? [];
    if (!Array.isArray(outputs)) throw new NotebookFormatError(`${where}.outputs must be an array`);
    cell.outputs = outputs.map((o, j) => parseOutput(o, `${where}.outputs[${j}]`));
    cell.execution_count = typeof c.execution_count === "number" ? c.execution_count : null;
  }
  return cell;
}

/** Notebook file bytes -> text: UTF-8 only (the byte offset of the first bad byte otherwise), BOM dropped. Throws NotebookFormatError. */
export function decodeNotebookBytes(bytes: Uint8Array): string {
  try {
    return decodeUtf8(bytes, "it");
  } catch (e) {
    throw new NotebookFormatError((e as Error).message.replace(/ \(it was left unchanged\)$/, ""));
  }
}

/** Parses notebook file text. An empty file is a new, empty notebook. Throws NotebookFormatError. */
export function parseNotebook(text: string): NbNotebook {
  text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a UTF-8 BOM is accepted
  if (text.trim() === "") return { nbformat: 4, nbformat_minor: 5, metadata: structuredClone(DEFAULT_NOTEBOOK_METADATA), cells: [] };
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (e) {
    throw new NotebookFormatError((e as Error).message.replace(/^the file is /, "it is "));
  }
  if (!isObject(raw)) throw new NotebookFormatError("the file must hold a JSON object (an nbformat 4 notebook)");
  if (raw.nbformat !== 4) throw new NotebookFormatError(`nbformat must be 4 (found ${JSON.stringify(raw.nbformat)})`);
  if (!Array.isArray(raw.cells)) throw new NotebookFormatError("cells must be an array");
  if (raw.metadata !== undefined && !isObject(raw.metadata)) throw new NotebookFormatError("metadata must be an object");
  return {
    ...raw,
    nbformat: 4,
    nbformat_minor: typeof raw.nbformat_minor === "number" ? raw.nbformat_minor : 5,
    metadata: (raw.metadata as Record<string, unknown>) ?? {},
    cells: raw.cells.map(parseCell),
  };
}

/** nbformat stores sources as lines, each with its newline (Jupyter does the same). */
function toLines(s: string): string[] {
  return s === "" ? [] : s.split(/(?<=\n)/);
}

function serializeOutput(o: NbOutput): Record<string, unknown> {
  switch (o.output_type) {
    case "stream":
      return { ...o, text: toLines(o.text) };
    case "execute_result":
    case "display_data": {
      const data: MimeBundle = {};
      // text is written as lines (as Jupyter does); base64 images stay one string
      for (const [mime, v] of Object.entries(o.data)) data[mime] = typeof v === "string" && isLineMime(mime) ? toLines(v) : v;
      return { ...o, data };
    }
    case "error":
      return { ...o };
  }
}

/** Serializes a notebook as nbformat 4 JSON, keys in Jupyter's order, one-space indent like Jupyter. */
export function serializeNotebook(nb: NbNotebook): string {
  const cells = nb.cells.map((c) => {
    const { cell_type, id, source, metadata, outputs, execution_count, ...rest } = c;
    const out: Record<string, unknown> = { cell_type };
    if (id !== undefined) out.id = id;
    out.metadata = metadata;
    if (cell_type === "code") {
      out.execution_count = execution_count ?? null;
      out.outputs = (outputs ?? []).map(serializeOutput);
    }
    out.source = toLines(source);
    return { ...out, ...rest };
  });
  const { cells: _cells, metadata, nbformat, nbformat_minor, ...rest } = nb;
  return JSON.stringify({ cells, metadata, nbformat, nbformat_minor, ...rest }, null, 1) + "\n";
}

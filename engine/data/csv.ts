// CSV datasets (Node only): a header row, then numbers. Parsing by csv-parse.
import { parse } from "csv-parse/sync";
import type { DataSpec } from "../config/schema.js";
import { fromRows, type Dataset } from "./datasets.js";

export async function readCsv(spec: Extract<DataSpec, { type: "csv" }>): Promise<Dataset> {
  const { readFile } = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(spec.path, "utf8");
  } catch (e) {
    throw new Error(`data.path: cannot read ${spec.path}: ${(e as Error).message}`);
  }
  const rows: string[][] = parse(text, { skip_empty_lines: true, trim: true });
  if (rows.length < 2) throw new Error(`data.path: ${spec.path} needs a header row and at least one data row`);
  const header = rows[0];
  const column = (c: string | number, field: string) => {
    const i = typeof c === "number" ? c : header.indexOf(c);
    if (i < 0 || i >= header.length) throw new Error(`data.${field}: no column ${JSON.stringify(c)} in ${spec.path} (columns: ${header.join(", ")})`);
    return i;
  };
  const xi = spec.inputs.map((c) => column(c, "inputs"));
  const yi = spec.targets.map((c) => column(c, "targets"));
  const num = (row: string[], i: number, line: number) => {
    const v = Number(row[i]);
    if (row[i] === undefined || row[i] === "" || !Number.isFinite(v)) throw new Error(`${spec.path}: line ${line}, column ${header[i] ?? i}: ${JSON.stringify(row[i] ?? "")} is not a finite number`);
    if (!Number.isFinite(Math.fround(v))) throw new Error(`${spec.path}: line ${line}, column ${header[i] ?? i}: ${row[i]} is beyond fp32's range (±3.4028e38); data is stored in fp32, where it would be Inf`);
    return v;
  };
  const body = rows.slice(1);
  const data = fromRows(body.map((row, r) => xi.map((i) => num(row, i, r + 2))), body.map((row, r) => yi.map((i) => num(row, i, r + 2))), "data");
  return { ...data, names: { inputs: xi.map((i) => header[i]), targets: yi.map((i) => header[i]) } };
}

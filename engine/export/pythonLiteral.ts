// The one way a value enters an exported Python script: as an ASCII-only Python literal,
// or refused. Every exporter (pytorch.ts, pytorchFp8.ts and their sections) writes user
// text and numbers through these functions, never by pasting them into the source, so
// whatever a config or run holds (quotes, backslashes, newlines, NUL, a `coding:` cookie,
// any Unicode) stays inside one literal and the script runs only the generated code.
// - strings: double-quoted; `"` and `\` escaped; every character outside printable
//   ASCII as \n, \r, \t, \xNN, \uNNNN or \UNNNNNNNN, so the file is pure ASCII and no
//   source encoding can change what a literal means;
// - numbers: typed (pyInt an int, pyFloat a float), finite unless NaN/Inf is asked for
//   (then float("nan"), float("inf"), -float("inf"));
// - None, True/False, lists, dicts with string keys; anything else is refused, and so
//   is nesting deeper than MAX_LITERAL_DEPTH (Python's parser stops at 200 brackets).

/** A value an exporter cannot write (no Python literal, no JSON form); the message names where it was. */
export class ExportValueError extends Error {
  override name = "ExportValueError";
}

/** The deepest list/dict nesting py() writes (the exporters' data is at most 3 deep). */
export const MAX_LITERAL_DEPTH = 32;

/** The first lines of every exported script: no user text there (Python reads a `coding:` declaration from lines 1-2). */
export const PYTHON_HEADER = ["#!/usr/bin/env python3", "# -*- coding: utf-8 -*-"] as const;

const hex = (c: number, digits: number) => c.toString(16).padStart(digits, "0");

/** A string as a double-quoted, pure-ASCII Python str literal. */
export function pyStr(s: string, what = "a string"): string {
  if (typeof s !== "string") throw new ExportValueError(`${what} must be a string, got ${typeof s}`);
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x100) out += "\\x" + hex(c, 2);
    else if (c < 0x10000) out += "\\u" + hex(c, 4); // a lone surrogate stays one (Python str holds it)
    else out += "\\U" + hex(c, 8);
  }
  return out + '"';
}

/** An integer (a safe one: |n| < 2^53) as a Python int literal. */
export function pyInt(n: number, what = "an integer"): string {
  if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new ExportValueError(`${what} must be an integer, got ${describe(n)}`);
  return String(n);
}

/** A finite number as a Python float literal (always a float: "2.0", "1e-08", "-0.0"); NaN/±Inf only with `nonFinite`. */
export function pyFloat(n: number, what = "a number", opts: { nonFinite?: boolean } = {}): string {
  if (typeof n !== "number") throw new ExportValueError(`${what} must be a number, got ${describe(n)}`);
  if (!Number.isFinite(n)) {
    if (!opts.nonFinite) throw new ExportValueError(`${what} must be finite, got ${describe(n)}`);
    return Number.isNaN(n) ? 'float("nan")' : n > 0 ? 'float("inf")' : '-float("inf")';
  }
  if (Object.is(n, -0)) return "-0.0";
  const t = String(n); // the shortest decimal that reads back as the same double, as Python's repr
  return /[.e]/.test(t) ? t : `${t}.0`;
}

/** A number as Python writes it: an int literal for a safe integer, else a float literal. */
export function pyNumber(n: number, what = "a number", opts: { nonFinite?: boolean } = {}): string {
  return typeof n === "number" && Number.isSafeInteger(n) && !Object.is(n, -0) ? String(n) : pyFloat(n, what, opts);
}

export function pyBool(b: boolean, what = "a flag"): string {
  if (typeof b !== "boolean") throw new ExportValueError(`${what} must be true or false, got ${describe(b)}`);
  return b ? "True" : "False";
}

/**
 * Plain data as a Python literal: null/undefined None, booleans, numbers (pyNumber),
 * strings (pyStr), arrays and typed arrays as lists, plain objects as dicts. `what`
 * names the value in errors; `nonFinite` lets NaN/±Inf through (a run's trace).
 */
export function py(v: unknown, what = "the value", opts: { nonFinite?: boolean } = {}): string {
  return literal(v, what, opts, 0);
}

function literal(v: unknown, what: string, opts: { nonFinite?: boolean }, depth: number): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return pyBool(v, what);
  if (typeof v === "number") return pyNumber(v, what, opts);
  if (typeof v === "string") return pyStr(v, what);
  if (typeof v !== "object") throw new ExportValueError(`${what} has no Python literal (a ${typeof v})`);
  if (depth >= MAX_LITERAL_DEPTH) throw new ExportValueError(`${what} is nested deeper than ${MAX_LITERAL_DEPTH} levels`);
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    const items = Array.from(v as ArrayLike<unknown>);
    const parts = new Array<string>(items.length);
    for (let i = 0; i < items.length; i++) parts[i] = literal(items[i], `${what}[${i}]`, opts, depth + 1);
    return `[${parts.join(", ")}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw new ExportValueError(`${what} has no Python literal (an object of class ${proto?.constructor?.name ?? "unknown"})`);
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) parts.push(`${pyStr(k, `a key of ${what}`)}: ${literal(x, `${what}.${k}`, opts, depth + 1)}`);
  return `{${parts.join(", ")}}`;
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 37) + "..." : v);
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  return `a ${typeof v}`;
}

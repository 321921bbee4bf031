// The literal encoder against Python itself: every literal it writes is pure ASCII and
// reads back (ast.literal_eval) as the same value with the right type; what has no
// literal is refused with the place named. jsonText against Python's json module.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { mulberry32 } from "../../../engine/data/rng.js";
import { jsonText } from "../../../engine/export/jsonText.js";
import { ExportValueError, MAX_LITERAL_DEPTH, py, pyFloat, pyInt, pyNumber, pyStr } from "../../../engine/export/pythonLiteral.js";
import { peerPythonPath } from "../../helpers/pythonPeers.js";

const PYTHON = existsSync(peerPythonPath()) ? peerPythonPath() : "python3";

/** Python's reading of each literal: [ascii() of the value (a str: its code points), its type name], via ast.literal_eval (or eval for float("nan")). */
function pythonReads(literals: string[]): [string, string][] {
  const code = [
    "import ast, json, math, sys",
    "out = []",
    "for lit in json.load(sys.stdin):",
    "    v = eval(lit, {'__builtins__': {'float': float}}) if lit.lstrip('-').startswith('float(') else ast.literal_eval(lit)",
    "    out.append([[ord(c) for c in v] if isinstance(v, str) else ascii(v), type(v).__name__])",
    "print(json.dumps(out))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", code], { input: JSON.stringify(literals), encoding: "utf8", maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const codePoints = (s: string) => Array.from(s, (ch) => ch.codePointAt(0)!);

test("strings: every code point class, fuzzed, reads back in Python as the same str", () => {
  const rng = mulberry32(5);
  const special = ['"', "'", "\\", "\n", "\r", "\t", "\0", "\x0b", "\x0c", "\x1b", "\x7f", "\x80", "\x85", "\xa0", "\xff", "\u2028", "\ufeff", "\ud800", "\udfff", "\u{1F600}", "\u{10FFFF}", "中", "#", "{", "}", "\\N{BULLET}", "-*- coding: gbk -*-"];
  const strings: string[] = ["", ...special];
  for (let i = 0; i < 300; i++) {
    let s = "";
    const len = Math.floor(rng() * 12);
    for (let k = 0; k < len; k++) {
      const r = rng();
      // a third special, a third random BMP unit (lone surrogates included), a third astral
      s += r < 1 / 3 ? special[Math.floor(rng() * special.length)] : r < 2 / 3 ? String.fromCharCode(Math.floor(rng() * 0x10000)) : String.fromCodePoint(0x10000 + Math.floor(rng() * 0xfffff));
    }
    strings.push(s);
  }
  const lits = strings.map((s) => pyStr(s));
  for (const l of lits) assert.match(l, /^"[\x20-\x7e]*"$/);
  const got = pythonReads(lits);
  strings.forEach((s, i) => assert.deepEqual(got[i], [codePoints(s), "str"], `string ${i}: ${JSON.stringify(s)} written as ${lits[i]}`));
});

test("numbers: ints stay ints, floats floats, the same double; NaN/Inf only when asked for", () => {
  const floats = [0, -0, 1, -1, 0.1, 1e-8, 5e-324, -5e-324, 1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, 1e21, 1.2345678901234568e20, 123456789.125, 1 / 3];
  const ints = [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 65536];
  const got = pythonReads([...floats.map((v) => pyFloat(v)), ...ints.map((v) => pyInt(v)), ...[0.5, 3, -0].map((v) => pyNumber(v))]);
  floats.forEach((v, i) => {
    assert.equal(got[i][1], "float", `${v}`);
    assert.equal(Number(got[i][0]), v, `${v} read back as ${got[i][0]}`);
    assert.equal(Object.is(v, -0), got[i][0] === "-0.0", `${v}: the sign of zero`);
  });
  ints.forEach((v, i) => assert.deepEqual(got[floats.length + i], [String(v), "int"]));
  assert.deepEqual(got.slice(floats.length + ints.length), [["0.5", "float"], ["3", "int"], ["-0.0", "float"]]);
  for (const bad of [NaN, Infinity, -Infinity]) assert.throws(() => pyFloat(bad, "optimizer.lr"), /optimizer\.lr must be finite/);
  const nf = pythonReads([NaN, Infinity, -Infinity].map((v) => pyFloat(v, "a loss", { nonFinite: true })));
  assert.deepEqual(nf, [["nan", "float"], ["inf", "float"], ["-inf", "float"]]);
  for (const bad of [0.5, NaN, 2 ** 53, "3" as unknown as number]) assert.throws(() => pyInt(bad, "steps"), /steps must be an integer/);
});

test("lists, dicts, None and booleans; what has no literal is refused with its place", () => {
  const v = { a: [1, 2.5, null, true, false, "x\ny"], "k\"ey": { n: new Float32Array([0.5, 1]) } };
  const lit = py(v);
  assert.equal(lit, '{"a": [1, 2.5, None, True, False, "x\\ny"], "k\\"ey": {"n": [0.5, 1]}}');
  assert.deepEqual(pythonReads([lit]), [["{'a': [1, 2.5, None, True, False, 'x\\ny'], 'k\"ey': {'n': [0.5, 1]}}", "dict"]]);
  assert.throws(() => py({ a: [1, () => 1] }, "the run"), /the run\.a\[1\] has no Python literal \(a function\)/);
  assert.throws(() => py({ a: Symbol("s") }), ExportValueError);
  assert.throws(() => py(10n), /a bigint/);
  assert.throws(() => py(new Map()), /an object of class Map/);
  assert.throws(() => py([NaN], "data.xs"), /data\.xs\[0\] must be finite/);
  let deep: unknown = 1;
  for (let i = 0; i < MAX_LITERAL_DEPTH + 1; i++) deep = [deep];
  assert.throws(() => py(deep, "data"), /nested deeper than 32 levels/);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.throws(() => py(cyclic), /nested deeper/);
});

test("jsonText: pure ASCII JSON that Python's json reads as the same data; non-finite numbers refused", () => {
  const v = { name: 'a"中\u2028\ud800\u{1F600}\0', xs: [[1, 2.5e-300]], ok: true, none: null };
  const text = jsonText(v, "the data file", 2);
  assert.match(text, /^[\n\x20-\x7e]*$/);
  assert.deepEqual(JSON.parse(text), v);
  const r = spawnSync(PYTHON, ["-c", "import json,sys; d=json.load(sys.stdin); print(json.dumps([[ord(c) for c in d['name']], d['xs'][0][1] == 2.5e-300]))"], { input: text, encoding: "utf8" });
  assert.deepEqual(JSON.parse(r.stdout), [codePoints(v.name), true]);
  assert.throws(() => jsonText({ a: { lr: NaN } }, "exportDeepSpeed"), /exportDeepSpeed: "lr" must be a finite number, got NaN/);
  assert.throws(() => jsonText({ a: [Infinity] }, "x"), /must be a finite number/);
  assert.throws(() => jsonText({ a: [undefined] }, "x"), /no JSON form/);
  assert.throws(() => jsonText({ a: 1n }, "x"), /no JSON form \(a bigint\)/);
  assert.equal(jsonText({ a: undefined, b: 1 }, "x"), '{"b":1}');
});

// The NaN/±Infinity codec on hostile values: it walks with a stack of its own, so a value
// nested 200,000 deep is refused with "nesting deeper than 1,000 levels" (parsePayload and
// the protocol say which payload), never a stack overflow; a value holding itself too.
// On ordinary values it agrees with the plain recursive definition (written out here as
// the reference) over a fuzz of JSON-like values, and keeps "__proto__" keys as data.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mulberry32 } from "../../../engine/data/rng.js";
import { decodeNonFinite, encodeNonFinite, MAX_PAYLOAD_DEPTH, NestingError, NON_FINITE_TAG } from "../../../engine/payload/nonFinite.js";
import { parsePayload, PayloadError } from "../../../engine/payload/parse.js";
import { parsePageMessage, ProtocolError } from "../../../engine/protocol.js";
import { runResultSchema } from "../../../engine/train/runResult.js";

const nested = (depth: number, leaf: unknown = 1): unknown => JSON.parse('{"a":'.repeat(depth) + JSON.stringify(leaf) + "}".repeat(depth));

test("a value nested 200,000 deep is refused by name, not by a stack overflow", () => {
  const deep = nested(200_000);
  assert.throws(() => decodeNonFinite(deep), (e: unknown) => e instanceof NestingError && (e as Error).message === "nesting deeper than 1,000 levels");
  assert.throws(() => encodeNonFinite(deep), NestingError);
  assert.throws(() => parsePayload(runResultSchema, { kind: "mplab.run", x: deep }, "run result"), (e: unknown) => e instanceof PayloadError && (e as Error).message === "run result: nesting deeper than 1,000 levels");
  assert.throws(() => parsePageMessage({ v: 1, type: "ready", x: deep }), (e: unknown) => e instanceof ProtocolError && /nesting deeper than 1,000 levels/.test((e as Error).message));
  const arrays = JSON.parse("[".repeat(200_000) + "]".repeat(200_000));
  assert.throws(() => decodeNonFinite(arrays), NestingError);
  const self: Record<string, unknown> = { a: 1 };
  self.self = self;
  assert.throws(() => encodeNonFinite(self), NestingError);
});

test("up to the limit the codec works: NaN and Infinity at depth 999 round-trip", () => {
  const v = nested(MAX_PAYLOAD_DEPTH - 1, { [NON_FINITE_TAG]: "NaN" });
  let d = decodeNonFinite(v) as Record<string, unknown>;
  for (let i = 0; i < MAX_PAYLOAD_DEPTH - 1; i++) d = d.a as Record<string, unknown>;
  assert.ok(Number.isNaN(d));
  assert.throws(() => decodeNonFinite(nested(MAX_PAYLOAD_DEPTH, { x: 1 })), NestingError);
});

test('"__proto__" keys stay data, in both directions; the prototype is untouched', () => {
  const raw = JSON.parse('{"__proto__": {"polluted": {"$nonFinite": "Infinity"}}, "b": [{"__proto__": 1}]}');
  const d = decodeNonFinite(raw) as Record<string, any>;
  assert.equal(Object.getPrototypeOf(d), Object.prototype);
  assert.ok(Object.hasOwn(d, "__proto__"));
  assert.equal(d["__proto__"].polluted, Infinity);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(JSON.stringify(encodeNonFinite(d)), '{"__proto__":{"polluted":{"$nonFinite":"Infinity"}},"b":[{"__proto__":1}]}');
});

// the codec's definition, recursive: the reference for ordinary values
function refEncode(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : { [NON_FINITE_TAG]: Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity" };
  if (typeof v === "function" || typeof v === "symbol") return undefined;
  if (Array.isArray(v)) return v.map(refEncode);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, refEncode);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (refEncode(x) !== undefined) out[k] = refEncode(x);
    return out;
  }
  return v;
}
function refDecode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(refDecode);
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    const tag = (v as Record<string, unknown>)[NON_FINITE_TAG];
    if (keys.length === 1 && keys[0] === NON_FINITE_TAG && (tag === "NaN" || tag === "Infinity" || tag === "-Infinity")) return Number(tag);
    return Object.fromEntries(keys.map((k) => [k, refDecode((v as Record<string, unknown>)[k])]));
  }
  return v;
}

test("a fuzz of 500 values: encode and decode agree with the recursive definition, and decode undoes encode", () => {
  const rng = mulberry32(41);
  const leaf = () => [0, -0, 1.5, NaN, Infinity, -Infinity, "NaN", "x", null, true, undefined, () => 1, Symbol("s"), { [NON_FINITE_TAG]: "NaN" }, { [NON_FINITE_TAG]: "other" }][Math.floor(rng() * 15)];
  const value = (depth: number): unknown => {
    const r = rng();
    if (depth > 5 || r < 0.4) return leaf();
    if (r < 0.6) return new Float32Array([1, NaN, -Infinity].slice(0, Math.floor(rng() * 4)));
    if (r < 0.8) return Array.from({ length: Math.floor(rng() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rng() * 4) }, (_, i) => [`k${i}`, value(depth + 1)]));
  };
  for (let i = 0; i < 500; i++) {
    const v = value(0);
    const e = encodeNonFinite(v);
    assert.deepEqual(e, refEncode(v), `encode ${i}`);
    const wire = JSON.parse(JSON.stringify(e) ?? "null");
    assert.deepEqual(decodeNonFinite(wire), refDecode(wire), `decode ${i}`);
  }
});

// The one codec for NaN and ±Infinity in JSON (which has no such numbers): protocol
// messages, notebook outputs (saved by `mplab run` and by VS Code) and the renderer all
// use it, so a saved notebook keeps NaN and Infinity apart. A non-finite number becomes
// the tagged object {"$nonFinite": "NaN" | "Infinity" | "-Infinity"}: unambiguous (a
// string field that happens to read "NaN" stays a string), and it survives any JSON
// writer, VS Code's JSON.stringify of output items included.
import { z } from "zod";

// no eval probes under a webview CSP (see engine/config/schema.ts); this file may load first
z.config({ jitless: true });

export const NON_FINITE_TAG = "$nonFinite";

/** Plain data with NaN/±Infinity tagged; functions and symbols left out; typed arrays as arrays. */
export function encodeNonFinite(value: unknown): unknown {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    return { [NON_FINITE_TAG]: Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity" };
  }
  if (typeof value === "function" || typeof value === "symbol") return undefined; // not data: left out
  if (Array.isArray(value)) return value.map(encodeNonFinite);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, encodeNonFinite);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const e = encodeNonFinite(v);
      if (e !== undefined) out[k] = e;
    }
    return out;
  }
  return value;
}

/** Undoes encodeNonFinite. */
export function decodeNonFinite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeNonFinite);
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === NON_FINITE_TAG) {
      const tag = (value as Record<string, unknown>)[NON_FINITE_TAG];
      if (tag === "NaN") return NaN;
      if (tag === "Infinity") return Infinity;
      if (tag === "-Infinity") return -Infinity;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeNonFinite(v);
    return out;
  }
  return value;
}

/** Any number, NaN and ±Infinity included (z.number() refuses them; overflow steps have an infinite gradient norm). */
export const anyNumber = z.custom<number>((v) => typeof v === "number", { error: "expected a number" });
/** A finite count or index. */
export const int = z.number().int();

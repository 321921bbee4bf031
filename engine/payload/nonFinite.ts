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

/** The deepest nesting the codec walks: payloads are a few levels deep; a saved output can hold anything. */
export const MAX_PAYLOAD_DEPTH = 1000;

/** A value nested deeper than MAX_PAYLOAD_DEPTH (or holding itself): the codec stops and says so. */
export class NestingError extends Error {
  override name = "NestingError";
  constructor() {
    super(`nesting deeper than ${MAX_PAYLOAD_DEPTH.toLocaleString("en-US")} levels`);
  }
}

// Both directions walk the value with a stack of their own (a deep value cannot overflow
// the call stack) and copy it: `put` sets a key as data, "__proto__" included.
type Slot = Record<string | number, unknown>;
type Work = [source: unknown, target: Slot, key: string | number, depth: number];

function put(target: Slot, key: string | number, v: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true });
  else target[key] = v;
}

/** Plain data with NaN/±Infinity tagged; functions and symbols left out; typed arrays as arrays. Throws NestingError. */
export function encodeNonFinite(value: unknown): unknown {
  const root: Slot = {};
  const work: Work[] = [[value, root, "v", 0]];
  while (work.length) {
    const [src, target, key, depth] = work.pop()!;
    if (typeof src === "number") put(target, key, Number.isFinite(src) ? src : { [NON_FINITE_TAG]: Number.isNaN(src) ? "NaN" : src > 0 ? "Infinity" : "-Infinity" });
    else if (typeof src === "function" || typeof src === "symbol") put(target, key, undefined); // not data: left out
    else if (!src || typeof src !== "object") put(target, key, src);
    else if (depth >= MAX_PAYLOAD_DEPTH) throw new NestingError();
    else if (Array.isArray(src) || (ArrayBuffer.isView(src) && !(src instanceof DataView))) {
      const items = src as ArrayLike<unknown>;
      const out = new Array<unknown>(items.length);
      put(target, key, out);
      for (let i = 0; i < items.length; i++) {
        const x = items[i];
        if (typeof x === "number" && Number.isFinite(x)) out[i] = x; // the common case, without a work item
        else work.push([x, out as unknown as Slot, i, depth + 1]);
      }
    } else {
      const out: Slot = {};
      put(target, key, out);
      for (const [k, v] of Object.entries(src)) {
        if (typeof v === "function" || typeof v === "symbol" || v === undefined) continue;
        put(out, k, undefined); // the key's place, in order; filled when its value is reached
        work.push([v, out, k, depth + 1]);
      }
    }
  }
  return root.v;
}

/** Undoes encodeNonFinite. Throws NestingError. */
export function decodeNonFinite(value: unknown): unknown {
  const root: Slot = {};
  const work: Work[] = [[value, root, "v", 0]];
  while (work.length) {
    const [src, target, key, depth] = work.pop()!;
    if (!src || typeof src !== "object") put(target, key, src);
    else if (depth >= MAX_PAYLOAD_DEPTH) throw new NestingError();
    else if (Array.isArray(src)) {
      const out = new Array<unknown>(src.length);
      put(target, key, out);
      for (let i = 0; i < src.length; i++) {
        const x = src[i];
        if (x && typeof x === "object") work.push([x, out as unknown as Slot, i, depth + 1]);
        else out[i] = x;
      }
    } else {
      const keys = Object.keys(src);
      const tag = keys.length === 1 && keys[0] === NON_FINITE_TAG ? (src as Slot)[NON_FINITE_TAG] : undefined;
      if (tag === "NaN" || tag === "Infinity" || tag === "-Infinity") {
        put(target, key, tag === "NaN" ? NaN : tag === "Infinity" ? Infinity : -Infinity);
        continue;
      }
      const out: Slot = {};
      put(target, key, out);
      for (const k of keys) {
        const x = (src as Slot)[k];
        put(out, k, x);
        if (x && typeof x === "object") work.push([x, out, k, depth + 1]);
      }
    }
  }
  return root.v;
}

/** Any number, NaN and ±Infinity included (z.number() refuses them; overflow steps have an infinite gradient norm). */
export const anyNumber = z.custom<number>((v) => typeof v === "number", { error: "expected a number" });
/** A finite count or index. */
export const int = z.number().int();

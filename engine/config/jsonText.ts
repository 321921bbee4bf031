// Reading JSON files that people edit (configs, notebooks) with errors they can act on:
// bytes that are not UTF-8 are refused with the byte offset (never decoded to U+FFFD and
// later written back), a UTF-8 byte order mark is accepted, a syntax error gives line
// and column, and nesting deeper than MAX_JSON_DEPTH is refused before anything recurses
// into it.
export const MAX_JSON_DEPTH = 64;

export class JsonTextError extends Error {
  override name = "JsonTextError";
}

/** The offset of the first byte that is not part of valid UTF-8, or -1. */
export function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) { i++; continue; }
    let n: number, min: number;
    if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** Decodes UTF-8 (a leading BOM dropped); refuses invalid bytes with their offset. */
export function decodeUtf8(bytes: Uint8Array, what = "the file"): string {
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) {
    throw new JsonTextError(
      `${what} is not valid UTF-8: byte ${bad} (0x${bytes[bad]!.toString(16).padStart(2, "0")}) cannot start or continue a character; save it as UTF-8 (it was left unchanged)`,
    );
  }
  const text = new TextDecoder("utf-8", { ignoreBOM: false }).decode(bytes);
  return text;
}

/** "line L, column C" (1-based) of a string offset. */
export function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

function depthError(text: string): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_DEPTH) return `it is nested deeper than ${MAX_JSON_DEPTH} levels (at ${lineColumn(text, i)})`;
    } else if (c === 93 || c === 125) depth--;
  }
  return null;
}

/** JSON.parse with the position as line and column, a BOM accepted, and a depth limit. */
export function parseJsonText(text: string, what = "the file"): unknown {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const deep = depthError(t);
  if (deep) throw new JsonTextError(`${what} is not JSON that can be read: ${deep}`);
  try {
    return JSON.parse(t);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : /end of JSON input/.test(msg) ? t.length : errorOffset(t);
    const where = pos >= 0 ? ` at ${lineColumn(t, pos)}` : "";
    throw new JsonTextError(`${what} is not valid JSON${where}: ${msg.replace(/^(Unexpected|Expected)/, (s) => s.toLowerCase())}`);
  }
}

/**
 * Where JSON.parse fails when its message has no position (Node 20 leaves it out for
 * some errors): the shortest prefix whose error is not "the input ended", found by
 * bisection (a prefix of valid JSON only ever fails by ending early).
 */
function errorOffset(t: string): number {
  const endsEarly = (n: number) => {
    try {
      JSON.parse(t.slice(0, n));
      return true;
    } catch (e) {
      const msg = (e as Error).message;
      if (/end of JSON input|Unterminated string/i.test(msg)) return true;
      const at = /position (\d+)/.exec(msg);
      return at !== null && Number(at[1]) >= n - 1; // failed only at the prefix's last character

    }
  };
  let lo = 0, hi = t.length; // endsEarly(lo) holds; the error is within (lo, hi]
  if (!endsEarly(0)) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (endsEarly(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

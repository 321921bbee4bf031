// JSON written for another tool (a DeepSpeed ds_config, the data file beside an exported
// script): plain data only, finite numbers only (JSON.stringify would turn NaN and
// Infinity into null without a word), pure ASCII (every non-ASCII character a \u escape,
// so no reader's guess at the encoding changes a string). Anything else is refused.
import { ExportValueError } from "./pythonLiteral.js";

export function jsonText(value: unknown, what: string, indent?: number): string {
  const text = JSON.stringify(
    value,
    function (this: unknown, key: string, v: unknown) {
      const where = key === "" ? what : `${what}: ${JSON.stringify(key)}`;
      if (typeof v === "number" && !Number.isFinite(v)) throw new ExportValueError(`${where} must be a finite number, got ${v}`);
      if (v === undefined && key !== "" && !Array.isArray(this)) return v; // an absent optional field
      if (typeof v === "function" || typeof v === "symbol" || typeof v === "bigint" || v === undefined) throw new ExportValueError(`${where} has no JSON form (a ${typeof v})`);
      return v;
    },
    indent,
  );
  // outside strings JSON is ASCII already: what is left to escape is inside strings
  return text.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

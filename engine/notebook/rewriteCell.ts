// Turns a cell's JavaScript into a script for the notebook's persistent vm context,
// so that cells behave like a REPL (and like Jupyter JavaScript kernels):
// - the cell body runs in an async function: top-level `await` works;
// - top-level `const`/`let`/`var`/`class` become assignments to the context's globals:
//   later cells see them, and re-running a cell that declares `const x` works;
// - top-level function declarations are published to the globals too;
// - the last expression statement is returned: the cell's value.
// Edits are made in place (insertions and keyword swaps only), so every line of the
// cell keeps its line number: errors can name the cell line.
import { parse, type Node } from "acorn";

export interface RewrittenCell {
  /** the script to run; its first line is a header, the cell starts on line 2 */
  script: string;
  /** names the cell declares at top level */
  declared: string[];
}

/** A syntax error in a cell, with the 1-based cell line and column. */
export class CellSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

interface Edit { at: number; end: number; text: string; seq?: number }

// acorn's ESTree nodes, just the fields used here
interface Pattern extends Node { type: string; name?: string; properties?: Pattern[]; elements?: (Pattern | null)[]; value?: Pattern; argument?: Pattern; left?: Pattern; key?: Node }
interface Declarator extends Node { id: Pattern; init: Node | null }
interface Statement extends Node {
  kind?: "const" | "let" | "var" | "using" | "await using";
  declarations?: Declarator[];
  id?: { name: string } | null;
  directive?: string;
}

/** The identifiers a declaration pattern binds: `{ a, b: [c, ...d] }` -> a, c, d. */
function boundNames(p: Pattern | null | undefined, out: string[]): string[] {
  if (!p) return out;
  switch (p.type) {
    case "Identifier": out.push(p.name!); break;
    case "ObjectPattern": for (const prop of p.properties ?? []) boundNames(prop.type === "RestElement" ? prop.argument : prop.value, out); break;
    case "ArrayPattern": for (const e of p.elements ?? []) boundNames(e, out); break;
    case "RestElement": boundNames(p.argument, out); break;
    case "AssignmentPattern": boundNames(p.left, out); break;
  }
  return out;
}

export function rewriteCell(code: string): RewrittenCell {
  let program: { body: Statement[] };
  try {
    program = parse(code, { ecmaVersion: "latest", sourceType: "script", allowAwaitOutsideFunction: true, locations: true }) as unknown as { body: Statement[] };
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    const message = err.message.replace(/\s*\(\d+:\d+\)$/, "");
    throw new CellSyntaxError(message, err.loc?.line ?? 1, (err.loc?.column ?? 0) + 1);
  }
  const edits: Edit[] = [];
  const declared: string[] = [];
  const hoisted: string[] = [];
  const body = program.body;
  body.forEach((stmt, i) => {
    const last = i === body.length - 1;
    if (stmt.type === "VariableDeclaration" && (stmt.kind === "const" || stmt.kind === "let" || stmt.kind === "var")) {
      // `const a = 1, { b } = o;`  ->  `void (a = 1, { b } = o);`
      edits.push({ at: stmt.start, end: stmt.start + stmt.kind.length, text: "void (" });
      for (const d of stmt.declarations!) {
        boundNames(d.id, declared);
        if (!d.init) edits.push({ at: d.id.end, end: d.id.end, text: " = undefined" });
      }
      const lastDecl = stmt.declarations![stmt.declarations!.length - 1]!;
      edits.push({ at: lastDecl.end, end: stmt.end, text: ");" });
    } else if (stmt.type === "ClassDeclaration" && stmt.id) {
      declared.push(stmt.id.name);
      edits.push({ at: stmt.start, end: stmt.start, text: `;${stmt.id.name} = ` });
      edits.push({ at: stmt.end, end: stmt.end, text: ";" });
    } else if (stmt.type === "FunctionDeclaration" && stmt.id) {
      declared.push(stmt.id.name);
      hoisted.push(stmt.id.name);
    } else if (last && stmt.type === "ExpressionStatement" && stmt.directive === undefined) {
      // the statement's range includes parentheses around the expression, and its `;`
      const end = code[stmt.end - 1] === ";" ? stmt.end - 1 : stmt.end;
      edits.push({ at: stmt.start, end: stmt.start, text: "return (" });
      edits.push({ at: end, end: stmt.end, text: ");" });
    }
  });
  let out = code;
  // from the end backwards; of two edits at one place the later one first, so the
  // earlier one's text ends up in front (`let a` -> `void (a = undefined);`)
  edits.forEach((e, i) => (e.seq = i));
  for (const e of edits.sort((a, b) => b.at - a.at || b.end - a.end || b.seq! - a.seq!)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  // Line 1 is the header (the vm script is compiled with lineOffset -1).
  const header = `(async function () { ${hoisted.map((n) => `globalThis[${JSON.stringify(n)}] = ${n};`).join(" ")}`;
  return { script: `${header}\n${out}\n})()`, declared };
}

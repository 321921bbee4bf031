// Hover on a numeric literal in a notebook cell (JavaScript) or a *.mplab.json
// config: what fp16 and bf16 make of it (value, bits, rounding error, subnormal /
// underflow / overflow). The logic is the engine's numberAt + describeNumber.
import * as vscode from "vscode";
import { describeNumber, formatNumberInfo } from "../../engine/index.js";
import { numberAt } from "../../engine/host.js";
import { insideString } from "./insideString.js";

/** Where the hover applies: JavaScript cells of the notebooks our controller runs, and *.mplab.json files. */
export const NUMBER_HOVER_SELECTOR: vscode.DocumentSelector = [
  { notebookType: "mpnb", language: "javascript" },
  { notebookType: "jupyter-notebook", language: "javascript" },
  { pattern: "**/*.mplab.json" },
];

export class NumberHoverProvider implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    // the literal sits on one line: look at that line only
    const line = doc.lineAt(position.line).text;
    const hit = numberAt(line, position.character);
    // JSON strings use double quotes only (an apostrophe in "it's 2" opens nothing)
    if (!hit || insideString(line, hit.start, doc.languageId === "javascript" ? undefined : '"')) return undefined;
    const md = new vscode.MarkdownString(formatNumberInfo(describeNumber(hit.value)));
    return new vscode.Hover(md, new vscode.Range(position.line, hit.start, position.line, hit.end));
  }
}

export function registerNumberHover(): vscode.Disposable {
  return vscode.languages.registerHoverProvider(NUMBER_HOVER_SELECTOR, new NumberHoverProvider());
}

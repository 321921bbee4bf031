// Whether a column of one line of code sits inside a string literal: a number in
// "name": "run 2" or 'fp16 at 1e-3' is text, not a value the engine reads, so it
// gets no hover. One line is enough: JSON strings cannot span lines, and a JavaScript
// template literal that does is rare in a cell. A `//` comment ends the scan.
// vscode-free, unit-tested.

export function insideString(line: string, column: number, quotes = "\"'`"): boolean {
  let open: string | null = null;
  for (let i = 0; i < column && i < line.length; i++) {
    const c = line[i];
    if (open) {
      if (c === "\\") i++;
      else if (c === open) open = null;
    } else if (quotes.includes(c)) open = c;
    else if (c === "/" && line[i + 1] === "/") return false;
  }
  return open !== null;
}

// Where a cell's code calls train(...): the Problems entries of a run sit on the call
// that made it. vscode-free, unit-tested.

/**
 * Offsets of the `train` identifiers that are calls (`train(`, `await train (`), in
 * order; not `.train(` (a method), `function train(` or `xtrain(`. Comments and strings
 * are skipped so commented-out code does not count.
 */
export function trainCalls(code: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|(?<![\w$.])train(?=\s*\()/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (m[0] !== "train") continue;
    if (/\bfunction\s*$/.test(code.slice(Math.max(0, m.index - 20), m.index))) continue;
    out.push({ start: m.index, end: m.index + 5 });
  }
  return out;
}

/** The call the `index`-th training of a cell execution came from (the last one when a loop made more runs than calls). */
export function trainCallFor(code: string, index: number): { start: number; end: number } | null {
  const calls = trainCalls(code);
  if (calls.length === 0) return null;
  return calls[Math.min(index, calls.length - 1)];
}

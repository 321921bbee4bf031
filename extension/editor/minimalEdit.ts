// The smallest replacement that turns one text into another (common prefix and
// suffix kept): a quick fix edits only the value it changes, so the cursor, undo
// and the rest of the file stay as they were. vscode-free, unit-tested.

export interface TextReplacement {
  /** offsets into the old text */
  start: number;
  end: number;
  text: string;
}

export function minimalEdit(before: string, after: string): TextReplacement {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < max - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

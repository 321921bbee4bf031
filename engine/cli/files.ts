// Node-only: how the CLI reads its inputs and writes its outputs without losing a file.
// - inputs are UTF-8 (the byte offset of a bad byte otherwise; a BOM is fine);
// - --out is checked before any work: not one of the inputs (also through a symlink or
//   a hard link), its folder exists and can be written;
// - writes replace the file by a rename of a complete temporary file in the same folder
//   as the real file, so a symlink keeps pointing at its (updated) target.
import { constants } from "node:fs";
import { access, chmod, readFile, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { decodeUtf8 } from "../config/jsonText.js";

const why = (e: unknown) => ((e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as NodeJS.ErrnoException).code === "EISDIR" ? "it is a folder" : (e as Error).message);

/** Reads a text file as strict UTF-8; errors name the file. */
export async function readTextFile(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${why(e)}`);
  }
  return decodeUtf8(bytes, file);
}

/** The file a path finally names (symlinks followed); the path itself when it does not exist yet. */
async function realTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    return resolve(file);
  }
}

/** Refuses an --out before any work: the same file as an input, or a folder that cannot take it. */
export async function checkOutPath(out: string, inputs: string[], flag = "--out"): Promise<void> {
  const target = await realTarget(out);
  const outStat = await stat(target).catch(() => null);
  for (const input of inputs) {
    const inTarget = await realTarget(input);
    const inStat = await stat(inTarget).catch(() => null);
    const same = inTarget === target || (outStat && inStat && outStat.dev === inStat.dev && outStat.ino === inStat.ino);
    if (same) throw new Error(`${flag} ${out} is the input file ${input}: writing it would overwrite the input; choose another file`);
  }
  if (outStat?.isDirectory()) throw new Error(`${flag} ${out} is a folder; give a file name`);
  const folder = dirname(target);
  const folderStat = await stat(folder).catch(() => null);
  if (!folderStat) throw new Error(`${flag} ${out}: the folder ${folder} does not exist (nothing was run)`);
  if (!folderStat.isDirectory()) throw new Error(`${flag} ${out}: ${folder} is not a folder (nothing was run)`);
  try {
    await access(folder, constants.W_OK);
    if (outStat) await access(target, constants.W_OK);
  } catch {
    throw new Error(`${flag} ${out}: ${outStat ? "the file" : `the folder ${folder}`} cannot be written (nothing was run)`);
  }
}

/** Writes `text` to `file` (through symlinks, to their target) via a temporary file and a rename. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const target = await realTarget(file);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await stat(target)).mode & 0o777;
  } catch {
    // a new file
  }
  try {
    await writeFile(tmp, text);
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

// Node-only: how the CLI reads its inputs and writes its outputs without losing a file.
// - inputs are UTF-8 (the byte offset of a bad byte otherwise; a BOM is fine);
// - --out is checked before any work: not one of the inputs (also through a symlink or
//   a hard link), its folder exists and can be written;
// - an in-place target is checked the same way before any work (checkWritable);
// - writes replace the file by a rename of a complete temporary file in the same folder
//   as the real file, so a symlink keeps pointing at its (updated) target; a signal's
//   exit path removes the temporary file of a write it cuts short (removePendingTemps).
import { unlinkSync } from "node:fs";
import { chmod, open, readFile, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
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
  const problem = await unwritable(target);
  if (problem) throw new Error(`${flag} ${out}: ${problem} (nothing was run)`);
}

/** Refuses, before any work, a file that is to be replaced in place but cannot be: read-only, or in a folder that cannot take a new file. */
export async function checkWritable(file: string): Promise<void> {
  const problem = await unwritable(await realTarget(file));
  if (problem) throw new Error(`${file} cannot be written in place: ${problem}. Nothing was run; make it writable, or write the outputs elsewhere with --out FILE`);
}

/** Why `target` (symlinks resolved) cannot be replaced by a rename, or null. Tried, not guessed: a file is created in its folder and removed (root passes every permission check; a read-only mount does not). */
async function unwritable(target: string): Promise<string | null> {
  const folder = dirname(target);
  const folderStat = await stat(folder).catch(() => null);
  if (!folderStat) return `the folder ${folder} does not exist`;
  if (!folderStat.isDirectory()) return `${folder} is not a folder`;
  const fileStat = await stat(target).catch(() => null);
  if (fileStat && (fileStat.mode & 0o222) === 0) return "the file is read-only";
  const probe = join(folder, `.${basename(target)}.${process.pid}.probe`);
  try {
    await (await open(probe, "wx")).close();
    await unlink(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `the folder ${folder} cannot be written (${code === "EROFS" ? "a read-only file system" : code === "EACCES" || code === "EPERM" ? "permission denied" : (e as Error).message})`;
  }
  return null;
}

/** Temporary files being written now. */
const pending = new Set<string>();

/** Removes the temporary files of writes in progress, at once: for an exit that cannot wait for them. */
export function removePendingTemps(): void {
  for (const t of pending) {
    try {
      unlinkSync(t);
    } catch {
      // gone already
    }
  }
  pending.clear();
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
  pending.add(tmp);
  try {
    await writeFile(tmp, text);
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  } finally {
    pending.delete(tmp);
  }
}

/**
 * Writes `text` to a new file beside `file` (its target, through symlinks) that does not
 * exist yet: NAME.TAG.EXT, else NAME.TAG-2.EXT, ... Never replaces a file. The name is
 * taken by an exclusive create, then the complete text renamed over it. Returns the path.
 */
export async function writeBeside(file: string, text: string, tag: string): Promise<string> {
  const target = await realTarget(file);
  const folder = dirname(target), ext = extname(target), stem = basename(target, ext);
  for (let k = 1; ; k++) {
    const name = join(folder, `${stem}.${tag}${k > 1 ? `-${k}` : ""}${ext}`);
    try {
      await (await open(name, "wx")).close();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw e;
    }
    pending.add(name); // an empty placeholder until the rename fills it
    try {
      await writeAtomically(name, text);
    } catch (e) {
      await unlink(name).catch(() => {});
      throw e;
    } finally {
      pending.delete(name);
    }
    return name;
  }
}

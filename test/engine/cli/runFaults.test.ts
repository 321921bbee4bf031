// `mplab run` when things go wrong around it, run as users run it (node dist/mplab.mjs):
// SIGTERM and SIGHUP during a long training interrupt the cell, write the outputs so far,
// and leave no kernel process (checked by pid) and no temporary file; a runner killed
// outright takes its kernel with it; a signal during the final write never leaves a
// temporary file or half a notebook; a notebook that cannot be written in place is
// refused before its first cell (a read-only file, a folder without write permission, a
// read-only file system); one changed on disk during the run is left alone and the
// outputs go beside it; a thrown value that is not an Error never hangs the run.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseNotebook, serializeNotebook, type NbNotebook, type NbOutput } from "../../../engine/notebook/format.js";
import { CLI, ensureCli, mplab } from "../../helpers/mplabCli.js";
import { childrenOf, waitGone } from "../../helpers/processes.js";

const root = mkdtempSync(join(tmpdir(), "mplab-run-faults-"));
chmodSync(root, 0o755);
let n = 0;
/** A fresh folder (nothing else in it) holding one notebook of code cells. */
function notebook(cells: string[]): { dir: string; file: string } {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  const file = join(dir, "n.mpnb");
  writeFileSync(file, serializeNotebook({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((source, i) => ({ cell_type: "code", id: `c${i}`, source, metadata: {}, outputs: [], execution_count: null })),
  }));
  return { dir, file };
}
const read = (p: string): NbNotebook => parseNotebook(readFileSync(p, "utf8"));
const lastError = (nb: NbNotebook, i: number) => nb.cells[i].outputs!.at(-1) as Extract<NbOutput, { output_type: "error" }>;
const temps = (dir: string) => readdirSync(dir).filter((f) => f.startsWith("."));
const LIMIT = { timeout: 300_000 }; // a regression that hangs fails here

const longTrain = "await train({ model: mlp({ inputs: 2, hidden: [4], outputs: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 32 }), steps: 10000000, batchSize: 8, chunkSize: 10 })";
const processOf = "console.log.constructor('return process')()"; // the kernel's `process`, as a cell can reach it

/** Runs `mplab run` (extra arguments, or a wrapper command before node), calling `onStderr` with each chunk so far; resolves with the exit. */
function runCli(file: string, onStderr: (all: string, child: ReturnType<typeof spawn>) => void, wrapper: string[] = []) {
  const [cmd, ...args] = [...wrapper, process.execPath, resolve(CLI), "run", file, "--backend", "cpu"];
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) => {
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      onStderr(stderr, child);
    });
    child.on("close", (code, signal) => res({ code, signal, stderr }));
  });
  return { child, exit };
}

before(ensureCli);

for (const [signal, status] of [["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  test(`run: ${signal} during a long training interrupts the cell, writes what was done, leaves no kernel and no temporary file; exit ${status}`, LIMIT, async () => {
    const { dir, file } = notebook(['console.log("first")', longTrain, 'console.log("never")']);
    let kernels: number[] = [];
    let sent = false;
    const { exit } = runCli(file, (all, child) => {
      if (sent || !/cell 2: train step/.test(all)) return;
      sent = true;
      kernels = childrenOf(child.pid!);
      child.kill(signal);
    });
    const r = await exit;
    assert.equal(r.code, status, r.stderr);
    assert.equal(kernels.length, 1, `the runner's children while it trained: ${kernels}`);
    assert.ok(await waitGone(kernels[0]), `the kernel ${kernels[0]} still runs`);
    assert.match(r.stderr, new RegExp(`${signal}: interrupting the running cell`));
    assert.deepEqual(temps(dir), []);
    const nb = read(file);
    assert.deepEqual(nb.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "first\n" }]);
    assert.equal(lastError(nb, 1).ename, "Interrupted");
    assert.match(lastError(nb, 1).evalue, /training stopped after \d+ of 10000000 steps/);
    assert.equal(nb.cells[2].execution_count, null);
  });
}

test("run: a runner killed outright (SIGKILL) takes its kernel with it, even in a synchronous loop; the notebook is as it was", LIMIT, async () => {
  const { dir, file } = notebook(['console.log("spinning"); while (true) {}']);
  const before = readFileSync(file);
  let kernels: number[] = [];
  let sent = false;
  const { exit } = runCli(file, (all, child) => {
    if (sent || !/cell 1 \(code cell/.test(all)) return;
    sent = true;
    // a moment for the cell's loop to start
    setTimeout(() => {
      kernels = childrenOf(child.pid!);
      child.kill("SIGKILL");
    }, 1000);
  });
  const r = await exit;
  assert.equal(r.signal, "SIGKILL");
  assert.equal(kernels.length, 1);
  assert.ok(await waitGone(kernels[0]), `the kernel ${kernels[0]} still runs`);
  assert.deepEqual(readFileSync(file), before);
  assert.deepEqual(temps(dir), []);
});

test("run: SIGTERM (once or twice) at any moment around the final write of a large notebook leaves no temporary file and a whole notebook", LIMIT, async () => {
  // ~20 MB of output: the write takes a while; the signal, sent when the runner says it
  // writes, lands during the write or just after it, as the machine's load decides
  const big = 'console.log("x".repeat(20_000_000))';
  let writes = 0;
  for (let i = 0; i < 8; i++) {
    const { dir, file } = notebook(['console.log("first")', big]);
    const before = readFileSync(file, "utf8");
    let sent = false;
    const { exit } = runCli(file, (all, child) => {
      if (sent || !/writing the outputs/.test(all)) return;
      sent = true;
      setTimeout(() => {
        child.kill("SIGTERM");
        // every other time a second one: the write stops at once, its temporary file removed
        if (i % 2) setTimeout(() => child.kill("SIGTERM"), 2);
      }, i * 5);
    });
    const r = await exit;
    assert.ok(r.code === 0 || r.code === 143, `exit ${r.code} ${r.signal}: ${r.stderr}`);
    assert.deepEqual(temps(dir), [], `attempt ${i}`);
    const text = readFileSync(file, "utf8");
    if (text !== before) assert.equal(parseNotebook(text).cells[0].execution_count, 1, "a whole notebook");
    // a signal during the write waited for it: the outputs are complete, the exit says the signal
    if (/the outputs are being written; finishing that first/.test(r.stderr) && !/again: stopped before the write finished/.test(r.stderr)) {
      writes++;
      assert.equal(r.code, 143);
      assert.equal(read(file).cells[1].execution_count, 2);
      assert.equal((read(file).cells[1].outputs![0] as { text: string }).text.length, 20_000_001);
    }
  }
  console.log(`  ${writes} of 8 runs finished their write after a signal during it`);
});

test("run: in place, a read-only notebook is refused before the first cell; nothing changes", LIMIT, () => {
  const { dir, file } = notebook([`${processOf}.getBuiltinModule("node:fs").writeFileSync("ran", "")`]);
  chmodSync(file, 0o444);
  const before = readFileSync(file);
  const r = mplab("run", file, "--backend", "cpu");
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /n\.mpnb cannot be written in place: the file is read-only\. Nothing was run; make it writable, or write the outputs elsewhere with --out FILE/);
  assert.ok(!existsSync(join(dir, "ran")), "the cell ran");
  assert.deepEqual(readFileSync(file), before);
  // --out elsewhere works
  const out = join(dir, "out.mpnb");
  assert.equal(mplab("run", file, "--backend", "cpu", "--out", out).code, 0);
  assert.equal(read(out).cells[0].execution_count, 1);
});

test("run: in place, a folder that cannot be written (no permission) is refused before the first cell", LIMIT, () => {
  const { dir, file } = notebook([`${processOf}.getBuiltinModule("node:fs").writeFileSync("/tmp/mplab-ran-${process.pid}", "")`]);
  chmodSync(dir, 0o555);
  // root passes every permission check: the run is made as nobody, who owns the notebook but not its folder
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(file, 65534, 65534);
  const r = spawnSync(asRoot ? "setpriv" : process.execPath, [...(asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath] : []), resolve(CLI), "run", file, "--backend", "cpu"], { encoding: "utf8" });
  assert.equal(r.error, undefined, `${asRoot ? "setpriv (util-linux) runs the CLI as nobody" : "node"}: ${r.error?.message}`);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /cannot be written in place: the folder .* cannot be written \(permission denied\)\. Nothing was run/);
  assert.ok(!existsSync(`/tmp/mplab-ran-${process.pid}`), "the cell ran");
  chmodSync(dir, 0o755);
});

test("run: in place on a read-only file system (EROFS) is refused before the first cell", LIMIT, () => {
  const { dir, file } = notebook([`${processOf}.getBuiltinModule("node:fs").writeFileSync("/tmp/mplab-ran-erofs-${process.pid}", "")`]);
  // a read-only bind mount of the folder, in a mount namespace of its own (unshare, util-linux)
  const script = `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" "$3" run "$4" --backend cpu`;
  const r = spawnSync("unshare", ["-rm", "sh", "-c", script, "sh", dir, process.execPath, resolve(CLI), file], { encoding: "utf8" });
  assert.equal(r.error, undefined, `unshare (util-linux) makes the read-only mount: ${r.error?.message}`);
  assert.doesNotMatch(r.stderr, /^(unshare|mount):/m, "unshare -rm needs user namespaces (or run as root)");
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /cannot be written in place: the folder .* cannot be written \(a read-only file system\)\. Nothing was run/);
  assert.ok(!existsSync(`/tmp/mplab-ran-erofs-${process.pid}`), "the cell ran");
});

test("run: a notebook changed on disk during the run is left as it is; the outputs go to a new file beside it, named", LIMIT, () => {
  const { dir, file } = notebook(['console.log("first")', "", "6 * 7"]);
  // the second cell stands in for an editor saving the notebook meanwhile
  const nb = read(file);
  nb.cells[1].source = `${processOf}.getBuiltinModule("node:fs").writeFileSync(${JSON.stringify(file)}, ${JSON.stringify("edited")})`;
  writeFileSync(file, serializeNotebook(nb));
  writeFileSync(join(dir, "n.run.mpnb"), "taken"); // an earlier run's file is not replaced either
  const r = mplab("run", file, "--backend", "cpu");
  assert.equal(r.code, 1, r.stderr);
  const beside = join(dir, "n.run-2.mpnb");
  assert.ok(r.stderr.includes(`n.mpnb changed on disk while it ran: it was left as it is, and the outputs were written to ${beside}`), r.stderr);
  assert.equal(readFileSync(file, "utf8"), "edited");
  assert.equal(readFileSync(join(dir, "n.run.mpnb"), "utf8"), "taken");
  const out = read(beside);
  assert.deepEqual(out.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "first\n" }]);
  assert.deepEqual((out.cells[2].outputs![0] as { data: unknown }).data, { "text/plain": "42" });
  assert.deepEqual(temps(dir), []);
});

test("run: a cell that throws a value that is not an Error fails with the value described; nothing hangs", LIMIT, () => {
  for (const [code, message] of [
    ['throw { name: 404, message: "not found" }', "Uncaught { name: 404, message: 'not found' }"],
    ['setInterval(() => {}, 1000); throw { name: "E", get message() { throw new Error("getter") } }', "Uncaught { name: 'E', message: [Getter] }"],
    ["const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); throw proxy", "Uncaught <Revoked Proxy>"],
    ['throw Symbol("s")', "Uncaught Symbol(s)"],
  ]) {
    const { file } = notebook(['console.log("first")', code]);
    const r = mplab("run", file, "--backend", "cpu");
    assert.equal(r.code, 1, `${code}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`cell 2 failed: Error: ${message}`), r.stderr);
    assert.equal(lastError(read(file), 1).evalue, message);
  }
});

test("run: a cell that closes the kernel's channel fails, named; the run does not hang", LIMIT, () => {
  const { file } = notebook(['console.log("first")', `${processOf}.disconnect(); await new Promise((r) => setTimeout(r, 600_000))`]);
  const r = mplab("run", file, "--backend", "cpu");
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cell 2: the kernel died: .*channel to its owner closed/);
  assert.equal(lastError(read(file), 1).ename, "KernelDied");
});

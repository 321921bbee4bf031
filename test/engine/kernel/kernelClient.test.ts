// The notebook kernel process (engine/kernel/), driven as VS Code and `mplab run` drive
// it: a real child process per kernel. What a cell does to its process (loops, exits,
// crashes, fills the heap, awaits forever) ends up as a cell result that says why; this
// test process, the kernel's owner, is never affected.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { KernelClient, type RunCellOptions } from "../../../engine/kernel/kernelClient.js";
import { createInProcessSession } from "../../../engine/session/inProcessSession.js";
import { RUN_RESULT_MIME, type RunProgress, type RunResult } from "../../../engine/train/runResult.js";

const escape = "console.log.constructor('return process')()"; // the kernel process's `process`
const kernels: KernelClient[] = [];
const kernel = (o: ConstructorParameters<typeof KernelClient>[0] = {}) => {
  const k = new KernelClient({ backend: "cpu", interruptGraceMs: 3000, ...o });
  kernels.push(k);
  return k;
};
after(() => kernels.forEach((k) => k.dispose()));

function cell(name: string, out: string[] = []): RunCellOptions {
  return { name, stdout: (t) => out.push(t), stderr: (t) => out.push(`err: ${t}`) };
}

const tiny = "await train({ model: mlp({ inputs: 2, hidden: [4], outputs: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 32 }), steps: 6, batchSize: 8, chunkSize: 2 })";

describe("kernel process", () => {
  it("keeps variables between cells and streams console output", async () => {
    const k = kernel();
    const out: string[] = [];
    assert.deepEqual(await k.execute("var x = 40; console.log('x is', x)", cell("cell 1", out)), { status: "ok", bundle: null });
    assert.deepEqual(await k.execute("x + 2", cell("cell 2")), { status: "ok", bundle: { "text/plain": "42" } });
    assert.deepEqual(out, ["x is 40\n"]);
  });

  it("interrupt breaks a synchronous loop at the top of a cell; variables survive", async () => {
    const k = kernel();
    await k.execute("var kept = 7", cell("cell 1"));
    const running = k.execute("while (true) {}", cell("cell 2"));
    setTimeout(() => k.interrupt(), 300);
    const r = await running;
    assert.equal(r.status, "interrupted");
    assert.ok(r.status === "interrupted" && !r.restarted, JSON.stringify(r));
    assert.deepEqual(await k.execute("kept", cell("cell 3")), { status: "ok", bundle: { "text/plain": "7" } });
  });

  it("a loop after an await ignores the interrupt: the kernel is ended, the cell says so, its output so far arrived", async () => {
    const k = kernel({ interruptGraceMs: 1500 });
    await k.execute("var lost = 1", cell("cell 1"));
    const out: string[] = [];
    const running = k.execute("console.log('so far'); await null; while (true) {}", cell("cell 2", out));
    setTimeout(() => k.interrupt(), 300);
    const r = await running;
    assert.equal(r.status, "interrupted");
    assert.ok(r.status === "interrupted" && r.restarted);
    assert.match((r as { message: string }).message, /did not stop within 1.5 s, so the kernel was restarted/);
    assert.deepEqual(out, ["so far\n"]);
    assert.deepEqual(await k.execute("typeof lost", cell("cell 3")), { status: "ok", bundle: { "text/plain": "undefined" } }, "a new kernel");
  });

  it("process.exit ends the kernel with the reason; the next cell starts a new one", async () => {
    const k = kernel();
    const r = await k.execute(`${escape}.exit(5)`, cell("cell 1"));
    assert.deepEqual(r, { status: "died", message: "the kernel died: a cell called process.exit(5). Its variables are gone; the next cell starts a new kernel." });
    assert.deepEqual(await k.execute("1 + 1", cell("cell 2")), { status: "ok", bundle: { "text/plain": "2" } });
  });

  it("a crash (abort) ends the kernel with the signal", async () => {
    const k = kernel();
    const r = await k.execute(`${escape}.abort()`, cell("cell 1"));
    assert.equal(r.status, "died");
    assert.match((r as { message: string }).message, /^the kernel died: it was ended by SIGABRT/);
  });

  it("runaway memory ends the kernel at its heap limit, not its owner", async () => {
    const k = kernel({ heapLimitMiB: 64, onOutput: () => {} });
    const r = await k.execute("const a = []; while (true) a.push(new Array(1e5).fill(1.5))", cell("cell 1"));
    assert.equal(r.status, "died");
    assert.match((r as { message: string }).message, /ran out of memory \(its JavaScript heap is limited to 64 MiB\)/);
  });

  it("a cell awaiting a promise nothing can settle is reported with its name; the kernel lives on", async () => {
    const k = kernel();
    await k.execute("var still = 'here'", cell("cell 1"));
    const r = await k.execute("await new Promise(() => {})", cell("cell 4"));
    assert.equal(r.status, "error");
    assert.ok(r.status === "error");
    assert.equal(r.error.name, "CellNeverFinishes");
    assert.match(r.error.message, /^cell 4 can never finish/);
    assert.deepEqual(await k.execute("still", cell("cell 5")), { status: "ok", bundle: { "text/plain": "here" } });
  });

  it("a training over the memory budget is refused before anything is allocated, with the estimate and the budget", async () => {
    const k = kernel();
    const r = await k.execute(tiny.replace("hidden: [4]", "hidden: [4096, 4096]"), { ...cell("cell 1"), defaults: { memoryBudgetMiB: 64 } });
    assert.ok(r.status === "error", JSON.stringify(r));
    assert.equal(r.error.name, "MemoryBudgetError");
    assert.match(r.error.message, /needs about \d+ MiB on the cpu backend .* more than the memory budget of 64 MiB/);
  });

  it("values that only look like a run result, or hold a BigInt, are shown as text", async () => {
    const k = kernel();
    const fake = await k.execute("({ kind: 'mplab.run', steps: 'many' })", cell("cell 1"));
    assert.deepEqual(fake, { status: "ok", bundle: { "text/plain": "{ kind: 'mplab.run', steps: 'many' }" } }, "no renderer MIME for a fake run");
    const big = await k.execute("({ kind: 'mplab.run', n: 10n })", cell("cell 2"));
    assert.equal(big.status, "ok");
    assert.ok(big.status === "ok" && typeof big.bundle?.["text/plain"] === "string");
    assert.deepEqual(await k.execute("({ n: 10n })", cell("cell 3")), { status: "ok", bundle: { "text/plain": "{ n: 10n }" } });
  });

  it("relays train() to the owner's session over the protocol: progress, the RunResult, onTrained", async () => {
    const session = createInProcessSession();
    const trained: RunResult[] = [];
    const k = kernel({ session, onTrained: (r) => trained.push(r) });
    const progress: RunProgress[] = [];
    const r = await k.execute(tiny, { ...cell("cell 1"), progress: (p) => progress.push(p) });
    session.dispose();
    assert.equal(r.status, "ok", JSON.stringify(r));
    const run = (r as { bundle: Record<string, unknown> }).bundle[RUN_RESULT_MIME] as RunResult;
    assert.equal(run.kind, "mplab.run");
    assert.equal(run.steps, 6);
    assert.deepEqual(progress.map((p) => p.step), [2, 4, 6]);
    assert.equal(trained.length, 1);
    assert.deepEqual(trained[0]!.losses, run.losses, "the cell saw the owner's result");
  });

  it("the owner validates what the kernel relays: a malformed engine request is answered with an error naming the field", async () => {
    const k = kernel({ session: createInProcessSession() });
    // a cell that reaches the kernel's IPC channel and sends a request of its own
    const code = `const p = ${escape};
await new Promise((resolve) => {
  p.on("message", function h(m) { if (m.type === "session" && m.message.id === "bad1") { p.off("message", h); resolve(m.message.type + ": " + m.message.message) } });
  p.channel.ref(); // the kernel only keeps the channel alive for its own requests
  p.send({ type: "session", message: { v: 1, type: "train", id: "bad1", config: {}, chunkSize: 0 } });
})`;
    const r = await k.execute(code, cell("cell 1"));
    assert.ok(r.status === "ok", JSON.stringify(r));
    assert.match(String(r.bundle?.["text/plain"]), /^error: invalid host message: chunkSize: /);
  });
});

// Faults around the kernel process that must neither hang its owner nor leave a process
// behind: whatever a cell throws is reported and the next cell runs in the same kernel;
// a message the owner refuses never leaves it waiting; the kernel ends when its channel
// closes, and when its owner dies, even by SIGKILL while a cell spins in a synchronous loop.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { KernelClient, type RunCellOptions } from "../../../engine/kernel/kernelClient.js";
import { running, waitGone } from "../../helpers/processes.js";

const escape = "console.log.constructor('return process')()"; // the kernel process's `process`
const kernels: KernelClient[] = [];
const kernel = (o: ConstructorParameters<typeof KernelClient>[0] = {}) => {
  const k = new KernelClient({ backend: "cpu", interruptGraceMs: 3000, ...o });
  kernels.push(k);
  return k;
};
after(() => kernels.forEach((k) => k.dispose()));
const cell = (name: string): RunCellOptions => ({ name });
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

// a regression here would hang: each test fails after LIMIT instead
const LIMIT = { timeout: 300_000 };

describe("kernel faults", () => {
  it("any thrown value fails its cell with a description of the value; the next cell runs with the variables kept", LIMIT, async () => {
    const k = kernel();
    await k.execute("var kept = 'yes'", cell("cell 1"));
    const cases: [string, RegExp][] = [
      ['throw { name: 404, message: "not found" }', /^Uncaught \{ name: 404, message: 'not found' \}$/],
      // a getter that throws, with a timer keeping the kernel's event loop busy
      ['setInterval(() => {}, 1000); throw { name: "E", get message() { throw new Error("getter") } }', /^Uncaught \{ name: 'E', message: \[Getter\] \}$/],
      ["const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); throw proxy", /^Uncaught <Revoked Proxy>$/],
      ['throw new Proxy({}, { has() { throw new Error("trap") }, get() { throw new Error("trap") } })', /^Uncaught /],
      ['throw Symbol("sym")', /^Uncaught Symbol\(sym\)$/],
      ["throw null", /^Uncaught null$/],
      ["throw undefined", /^Uncaught undefined$/],
      ["throw 42n", /^Uncaught 42n$/],
      ["await Promise.reject({ name: 1, message: 2 })", /^Uncaught \{ name: 1, message: 2 \}$/],
      ['class E extends Error { get name() { throw new Error("n") } }; throw new E("m")', /^Uncaught /],
      ['const e = new Error("plain"); Object.defineProperty(e, "stack", { get() { throw 1 } }); throw e', /^Uncaught |^plain$/],
      ['throw Object.assign(Object.create(null), { message: "no prototype" })', /^no prototype$/],
    ];
    for (const [code, message] of cases) {
      const r = await k.execute(code, cell("cell 2"));
      assert.ok(r.status === "error", `${code}: ${JSON.stringify(r)}`);
      assert.match(r.error.message, message, code);
      assert.equal(typeof r.error.name, "string", code);
      assert.deepEqual(await k.execute("kept", cell("cell 3")), { status: "ok", bundle: { "text/plain": "yes" } }, `after ${code}`);
    }
  });

  it("a cell's value that cannot be shown is reported as such, not dropped", LIMIT, async () => {
    const k = kernel();
    const r = await k.execute('({ [Symbol.for("nodejs.util.inspect.custom")]() { throw new Error("no text") } })', cell("cell 1"));
    assert.deepEqual(r, { status: "ok", bundle: { "text/plain": "(this value cannot be shown: no text)" } });
    // awaiting a revoked Proxy (a cell's value is awaited) throws: an error, reported
    const p = await k.execute("const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); proxy", cell("cell 2"));
    assert.ok(p.status === "error" && /revoked/.test(p.error.message), JSON.stringify(p));
  });

  it("a result the owner refuses ends its cell with the reason; a refused 'ready' fails the start", LIMIT, async () => {
    process.env.MPLAB_FAKE_KERNEL = "bad-done";
    const bad = kernel({ entry: fixture("fakeKernel.mjs") });
    const r = await bad.execute("1", cell("cell 1"));
    assert.ok(r.status === "error", JSON.stringify(r));
    assert.match(r.error.message, /^the kernel sent an invalid message: invalid kernel message: outcome\.error\.name: /);
    process.env.MPLAB_FAKE_KERNEL = "bad-ready";
    const noStart = kernel({ entry: fixture("fakeKernel.mjs") });
    const s = await noStart.execute("1", cell("cell 1"));
    delete process.env.MPLAB_FAKE_KERNEL;
    assert.ok(s.status === "died", JSON.stringify(s));
    assert.match(s.message, /^the kernel sent an invalid message: invalid kernel message: backend/);
  });

  it("a cell that closes the kernel's channel ends the kernel; the next cell starts a new one", LIMIT, async () => {
    const k = kernel();
    const pid = (await k.start(), k.pid!);
    const r = await k.execute(`${escape}.disconnect(); await new Promise((r) => setTimeout(r, 600_000))`, cell("cell 1"));
    assert.ok(r.status === "died", JSON.stringify(r));
    assert.match(r.message, /channel to its owner closed/);
    assert.ok(await waitGone(pid), `kernel ${pid} still runs`);
    assert.deepEqual(await k.execute("1 + 1", cell("cell 2")), { status: "ok", bundle: { "text/plain": "2" } });
  });

  for (const [what, code, signal] of [
    ["a synchronous loop", "console.log('started'); while (true) {}", "SIGKILL"],
    ["a long training", "console.log('started'); await train({ model: mlp({ inputs: 2, hidden: [4], outputs: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 32 }), steps: 10000000, batchSize: 8, chunkSize: 10 })", "SIGKILL"],
    ["a synchronous loop", "console.log('started'); while (true) {}", "SIGTERM"],
  ] as const) {
    it(`the kernel ends when its owner dies by ${signal} while a cell runs ${what}`, LIMIT, async () => {
      const owner = spawn(process.execPath, ["--import", "./test/setup/register.mjs", fixture("kernelOwner.ts"), code], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      const pid = await new Promise<number>((resolve, reject) => {
        owner.stdout.setEncoding("utf8").on("data", (t: string) => {
          out += t;
          const m = /^kernel (\d+)$/m.exec(out);
          if (m && /^started$/m.test(out)) resolve(Number(m[1]));
        });
        owner.on("exit", (c) => reject(new Error(`the owner exited (${c}) before its cell started: ${out}`)));
      });
      assert.ok(running(pid));
      const exited = new Promise((r) => owner.on("exit", r));
      owner.kill(signal);
      await exited;
      assert.ok(await waitGone(pid), `kernel ${pid} still runs after its owner was ended by ${signal}`);
    });
  }
});

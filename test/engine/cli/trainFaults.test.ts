// `mplab train` runs its training in a child process (engine/cli/stderrFilter.ts) in a
// session of its own: the child must end with the `mplab` process the user started,
// however that ends (SIGKILL included, which it cannot pass on), and with a hang-up.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CLI, ensureCli } from "../../helpers/mplabCli.js";
import { childrenOf, waitGone } from "../../helpers/processes.js";

before(ensureCli);

const config = join(mkdtempSync(join(tmpdir(), "mplab-train-faults-")), "long.mplab.json");
writeFileSync(config, JSON.stringify({ model: { inputs: 2, hidden: [4], outputs: 1 }, data: { type: "teacher", inputs: 2, outputs: 1, samples: 32 }, steps: 10_000_000, batchSize: 8, chunkSize: 10 }));

for (const signal of ["SIGKILL", "SIGHUP", "SIGTERM"] as const) {
  test(`train: the training process ends when mplab is ended by ${signal}`, { timeout: 300_000 }, async () => {
    const parent = spawn(process.execPath, [resolve(CLI), "train", config, "--backend", "cpu"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    await new Promise<void>((res, rej) => {
      parent.stderr!.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        if (/step \d+/.test(stderr)) res();
      });
      parent.on("exit", (c) => rej(new Error(`mplab train exited (${c}) before training: ${stderr}`)));
    });
    const children = childrenOf(parent.pid!);
    assert.equal(children.length, 1, `mplab's children: ${children}`);
    const exited = new Promise((r) => parent.on("exit", r));
    parent.kill(signal);
    await exited;
    assert.ok(await waitGone(children[0]), `the training process ${children[0]} still runs after mplab was ended by ${signal}`);
  });
}

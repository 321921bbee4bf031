// npm test's prerequisites step (scripts/prerequisites.mjs): with everything installed
// it passes on; a user who can neither be root nor sudo gets one command to run and an
// immediate stop, before any suite runs. (The apt-get install path itself runs in
// .ci/run's fresh containers, as root.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const script = pathToFileURL(resolve("scripts/prerequisites.mjs")).href;
// the user "nobody" may not read the checkout (a clone under a 0700 temp folder, as CI
// makes): it loads a copy from a folder of its own (the script imports only node: modules)
function readableCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "mplab-prereq-"));
  chmodSync(dir, 0o755);
  const file = join(dir, "prerequisites.mjs");
  copyFileSync(resolve("scripts/prerequisites.mjs"), file);
  chmodSync(file, 0o644);
  return pathToFileURL(file).href;
}
const probe = (url: string) => `import(${JSON.stringify(url)}).then((m) => { const ok = m.ensurePrerequisites(); console.log("ready=" + ok); process.exit(ok ? 0 : 1); })`;
const dpkg = spawnSync("dpkg-query", ["--version"]).status === 0;
const asNobody = process.getuid?.() === 0 && spawnSync("runuser", ["--help"]).status === 0;

test("the installed packages are found: nothing to do", { skip: !dpkg && "not a Debian system" }, async () => {
  const { missingPackages } = await import(script);
  assert.deepEqual(missingPackages(), []);
});

test("a user without root or sudo is told the one command to run, and npm test stops", { skip: !(dpkg && asNobody) && "needs dpkg, root and runuser" }, () => {
  const r = spawnSync("runuser", ["-u", "nobody", "--", process.execPath, "-e", probe(readableCopy())], {
    cwd: "/tmp",
    encoding: "utf8",
    env: { ...process.env, MPLAB_DEBIAN_PACKAGES: "chromium mplab-no-such-package" },
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /ready=false/);
  assert.match(r.stderr, /missing Debian packages: mplab-no-such-package\./);
  assert.match(r.stderr, /^  sudo apt-get update && sudo apt-get install -y --no-install-recommends mplab-no-such-package$/m);
});

// The mocha entry the extension host loads (extensionTestsPath). Test files are bundled
// in and imported lazily after mocha has set up its globals (describe, it, ...).
// Results go to MPLAB_TEST_RESULTS as JSON for test/integration/run.mjs.
import { writeFileSync } from "node:fs";
import Mocha from "mocha";

const suites: Record<string, () => Promise<unknown>[]> = {
  trusted: () => [
    import("./activation.test.js"),
    import("./serializer.test.js"),
    import("./notebook.test.js"),
    import("./kernel.test.js"),
    import("./runTraining.test.js"),
    import("./enginePanel.test.js"),
    import("./editor.test.js"),
  ],
  restricted: () => [import("./restricted.test.js")],
};

interface TestRecord { title: string; state: "passed" | "failed"; error?: string }

/** Lines tests want in the runner's output (the extension host's console is not shown). */
export const notes: string[] = [];
(globalThis as { mplabTestNotes?: string[] }).mplabTestNotes = notes;

export async function run(): Promise<void> {
  const name = process.env.MPLAB_TEST_SUITE ?? "trusted";
  const load = suites[name];
  if (!load) throw new Error(`unknown MPLAB_TEST_SUITE ${name}; one of ${Object.keys(suites).join(", ")}`);
  // MPLAB_TEST_GREP: run only the tests whose full title matches (while debugging)
  const grep = process.env.MPLAB_TEST_GREP;
  const mocha = new Mocha({ ui: "bdd", timeout: 120_000, color: false, reporter: "spec", ...(grep ? { grep } : {}) });
  mocha.suite.emit("pre-require", globalThis, "bundle", mocha);
  await Promise.all(load());
  const tests: TestRecord[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    runner.on("pass", (t) => tests.push({ title: t.fullTitle(), state: "passed" }));
    runner.on("fail", (t, err: Error) => tests.push({ title: t.fullTitle(), state: "failed", error: err?.stack ?? String(err) }));
  });
  const passed = tests.filter((t) => t.state === "passed").length;
  const out = process.env.MPLAB_TEST_RESULTS;
  if (out) writeFileSync(out, JSON.stringify({ suite: name, passed, failed: tests.length - passed, tests, notes }, null, 2));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}

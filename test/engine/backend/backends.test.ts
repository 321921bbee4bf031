// Every case of the shared table (backendCases.ts) on every backend that initialised,
// against the CPU reference. A backend that did not initialise is skipped with its reason.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { BACKEND_CASES, differences } from "./backendCases.js";
import { cpu, otherBackends, releaseWebGpu } from "./backends.js";

after(releaseWebGpu);

const others = await otherBackends();
for (const other of others) {
  for (const c of BACKEND_CASES) {
    test(`${other.name}: ${c.name}`, { skip: other.skip }, async () => {
      const ref = cpu();
      const expected = await c.run(ref);
      ref.destroy();
      const actual = await c.run(other.backend!);
      for (const [key, exp] of Object.entries(expected)) {
        assert.ok(actual[key], `output ${key} missing`);
        const diff = differences(exp, actual[key]);
        assert.deepEqual(diff, [], `${key} differs from the cpu reference:\n${diff.join("\n")}`);
      }
    });
  }
}

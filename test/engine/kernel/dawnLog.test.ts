// Dawn's own log blocks are dropped from the CLI's and the kernel's stderr; everything
// else passes, in order, whatever the chunking. The block below is what Dawn printed
// here on `--backend auto` (SwiftShader), copied from a real run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dawnLogFilter } from "../../../engine/kernel/dawnLog.js";
import { CLI, ensureCli } from "../../helpers/mplabCli.js";

const dawn =
  "Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.\n" +
  " - While initializing adapter (backend=BackendType::Vulkan)\n" +
  "    at InitializeImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)\n" +
  "\n";

function filtered(chunks: string[]): string {
  let out = "";
  const f = dawnLogFilter((t) => (out += t));
  for (const c of chunks) f.write(c);
  f.end();
  return out;
}

test("Dawn's block is dropped, other lines (a lone Warning: too) are kept", () => {
  const text = `mplab: start\n${dawn}Warning: your own warning\nmplab: end\n`;
  const want = "mplab: start\nWarning: your own warning\nmplab: end\n";
  assert.equal(filtered([text]), want);
  // any chunking gives the same result
  for (const size of [1, 7, 40]) {
    const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, "g"))!;
    assert.equal(filtered(chunks), want, `chunks of ${size}`);
  }
});

test("mplab train --backend auto -q prints nothing on stderr (Dawn's warnings are filtered out)", () => {
  ensureCli();
  const r = spawnSync(process.execPath, [CLI, "train", "examples/underflow.mplab.json", "--backend", "auto", "-q"], { encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /final loss/i);
});

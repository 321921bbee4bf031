// Node loader hook for tests: `import src from "./kernel.wgsl"` gives the file's text,
// as esbuild's "text" loader does in the bundles; `import k from "./kernels.wat"` gives
// the assembled binaries, as the build's wat plugin does (scripts/wat.mjs).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { watModuleSource } from "../../scripts/wat.mjs";

export async function load(url, context, nextLoad) {
  if (url.endsWith(".wgsl")) {
    const text = await readFile(new URL(url), "utf8");
    return { format: "module", source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  if (url.endsWith(".wat")) {
    return { format: "module", source: await watModuleSource(fileURLToPath(url)), shortCircuit: true };
  }
  return nextLoad(url, context);
}

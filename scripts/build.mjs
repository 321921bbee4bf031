// Builds every bundle with esbuild. Bundles whose entry does not exist yet are skipped
// with a note, so each area can add its entry here once.
import { build } from "esbuild";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { watPlugin } from "./wat.mjs";

const watch = process.argv.includes("--watch");
const common = { plugins: [watPlugin], bundle: true, sourcemap: "linked", logLevel: "warning", loader: { ".wgsl": "text" }, target: "es2022" };

/** @type {import("esbuild").BuildOptions[]} */
const bundles = [
  // the engine as an ES module for Node scripts: import { train } from "./dist/engine.mjs"
  { entryPoints: ["engine/index.ts"], outfile: "dist/engine.mjs", platform: "node", format: "esm", external: ["webgpu"] },
  // the mplab CLI
  { entryPoints: ["engine/cli/main.ts"], outfile: "dist/mplab.mjs", platform: "node", format: "esm", external: ["webgpu"], banner: { js: "#!/usr/bin/env node" } },
  // the notebook kernel process (forked by the extension host and by mplab run, one per notebook)
  { entryPoints: ["engine/kernel/kernelMain.ts"], outfile: "dist/kernel.mjs", platform: "node", format: "esm", external: ["webgpu"] },
  // the VS Code extension host side
  { entryPoints: ["extension/extension.ts"], outfile: "dist/extension.cjs", platform: "node", format: "cjs", external: ["vscode", "webgpu"], logOverride: { "empty-import-meta": "silent" } },
  // the engine page that runs in a webview (engine + dashboard)
  // (node:* stays external: engine/data/csv.ts imports node:fs/promises only when run in Node)
  { entryPoints: ["webview/engine/main.ts"], outfile: "dist/webview/engine.js", platform: "browser", format: "iife", external: ["node:*"] },
  // the notebook output renderer (an ES module, as VS Code loads renderers)
  { entryPoints: ["webview/renderer/index.ts"], outfile: "dist/webview/renderer.js", platform: "browser", format: "esm" },
];

mkdirSync("dist", { recursive: true });
for (const b of bundles) {
  const entry = b.entryPoints[0];
  if (!existsSync(entry)) {
    console.log(`build: skipping ${b.outfile} (no ${entry} yet)`);
    continue;
  }
  await build({ ...common, ...b });
}
// The JSON Schema of *.mplab.json files comes from the engine's zod schemas.
const { configJsonSchema } = await import("../dist/engine.mjs");
mkdirSync("schemas", { recursive: true });
writeFileSync("schemas/mplab.schema.json", JSON.stringify(configJsonSchema(), null, 2) + "\n");
if (watch) console.log("build: --watch is not supported; run npm run build again");

// Assembles the WebAssembly text sources of the wasm backend (engine/backend/wasm/*.wat)
// with the pinned npm `wabt` package, for the build (an esbuild plugin) and for the unit
// tests (a Node loader hook). `import kernels from "./kernels.wat"` gives
// { simd: Uint8Array, relaxed: Uint8Array }: the module assembled twice, once with plain
// SIMD and once with every accumulation `(f32x4.add (local.get $accNN) (f32x4.mul A B))`
// fused into `(f32x4.relaxed_madd A B (local.get $accNN))` (only the GEMM's accumulators:
// relaxed_madd may round once or twice, which is fine for a sum and not for the exact ops), for runtimes that validate relaxed SIMD.
// A `;;@include name.wat` line is replaced by that file (one kernel family a file).
// `sharedSimd` / `sharedRelaxed` are the same two builds over a shared memory (the
// memory import gains `shared`), for worker threads in Node (wasm/nodeWorkers.ts).
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import wabtInit from "wabt";

let wabt = null;

async function expand(path, seen = new Set()) {
  if (seen.has(path)) throw new Error(`wat: ${path} included twice`);
  seen.add(path);
  const text = await readFile(path, "utf8");
  const parts = [];
  for (const line of text.split("\n")) {
    const m = /^\s*;;@include\s+(\S+)\s*$/.exec(line);
    parts.push(m ? await expand(join(dirname(path), m[1]), seen) : line);
  }
  return parts.join("\n");
}

/** The multiply-adds of the kernels, fused for relaxed SIMD (a*b+c in one rounding or two). */
export function fuseMultiplyAdds(text) {
  const operand = String.raw`\((?:[^()]|\([^()]*\))*\)`; // a call nested at most two deep
  const re = new RegExp(String.raw`\(f32x4\.add\s+(\(local\.get \$acc\w+\))\s+\(f32x4\.mul\s+(${operand})\s+(${operand})\)\)`, "g");
  return text.replace(re, "(f32x4.relaxed_madd $2 $3 $1)");
}

function assemble(name, text, relaxed) {
  const features = { simd: true, relaxed_simd: relaxed, multi_value: true, bulk_memory: true, threads: true };
  const mod = wabt.parseWat(name, text, features);
  try {
    mod.resolveNames();
    mod.validate(features);
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/** { simd, relaxed } binaries of the module whose root file is `path`. */
export async function assembleWat(path) {
  wabt ??= await wabtInit();
  const text = await expand(path);
  const fused = fuseMultiplyAdds(text);
  // a module with SIMD accumulators whose multiply-adds did not fuse means the pattern broke;
  // a module without them (integer kernels) has nothing to fuse
  if (fused === text && /\$acc\w+/.test(text)) throw new Error(`wat: ${path} has no f32x4 multiply-add to fuse`);
  const memory = /\(memory (\d+) (\d+)\)/;
  if (!memory.test(text)) throw new Error(`wat: ${path} imports no (memory MIN MAX)`);
  const shared = (t) => t.replace(memory, "(memory $1 $2 shared)");
  return {
    simd: assemble(path, text, false), relaxed: assemble(path, fused, true),
    sharedSimd: assemble(path, shared(text), false), sharedRelaxed: assemble(path, shared(fused), true),
  };
}

/** The JS module text that `import x from "...wat"` evaluates to. */
export async function watModuleSource(path) {
  const builds = await assembleWat(path);
  const b64 = (u8) => JSON.stringify(Buffer.from(u8).toString("base64"));
  const fields = Object.entries(builds).map(([k, u8]) => `${k}: decode(${b64(u8)})`).join(", ");
  return `const decode = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
export default { ${fields} };\n`;
}

/** esbuild plugin: .wat imports become the assembled binaries. */
export const watPlugin = {
  name: "wat",
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, async (args) => ({ contents: await watModuleSource(args.path), loader: "js" }));
  },
};

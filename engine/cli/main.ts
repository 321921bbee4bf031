// The `mplab` command line: the same runs as in VS Code, headless. Each command
// lives in its own file; this table is the only place that lists them.
import "../backend/webgpu/register.js"; // --backend webgpu / auto
import { enableRelaxedSimd } from "../backend/wasm/nodeRelaxedSimd.js";
import "../backend/wasm/nodeWorkers.js"; // the wasm backend's second thread
import { UsageError, type Command } from "./command.js";
import { demoCommand } from "./demo.js";
import { runCommand } from "./run.js";
import { trainCommand } from "./train.js";
import { adoptParentTerminal, followParent, runFiltered } from "./stderrFilter.js";

const commands: Command[] = [trainCommand, runCommand, demoCommand];

function usage(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return `Usage: mplab COMMAND [options]   (mplab COMMAND --help for its options)

Mixed Precision Lab: train small models in fp32, fp16, mixed fp16/bf16 with loss
scaling, and see what precision did to them.

Commands:
${commands.map((c) => `  ${c.name.padEnd(w)}   ${c.summary}`).join("\n")}`;
}

async function main(argv: string[]): Promise<number> {
  enableRelaxedSimd(); // the wasm backend's FMA GEMM on Node 20 too
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`mplab: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    // parseArgs throws TypeErrors with a code for unknown or malformed options
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`mplab ${cmd.name}: ${(e as Error).message}\n\n${cmd.usage}`);
      return 2;
    }
    console.error(`mplab ${cmd.name}: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

// train and demo load Dawn in this process: they run as a child whose stderr is filtered
const inProcessGpu = ["train", "demo"].includes(process.argv[2] ?? "") && !process.argv.includes("-h") && !process.argv.includes("--help");
adoptParentTerminal();
followParent();
process.exitCode = (inProcessGpu ? await runFiltered() : null) ?? (await main(process.argv.slice(2)));

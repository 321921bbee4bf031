// The --memory-budget flag of `mplab train` and `mplab run`: training refuses a config
// whose estimated memory is above it, before anything is allocated.
import { DEFAULT_MEMORY_BUDGET_MIB, MAX_MEMORY_BUDGET_MIB } from "../train/memoryEstimate.js";
import { UsageError } from "./command.js";

export const MEMORY_BUDGET_USAGE = `  --memory-budget MIB          refuse a training whose estimated memory is above MIB (default ${DEFAULT_MEMORY_BUDGET_MIB})`;

export function parseMemoryBudget(v: string | undefined): number {
  if (v === undefined) return DEFAULT_MEMORY_BUDGET_MIB;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0 || n > MAX_MEMORY_BUDGET_MIB) {
    throw new UsageError(`--memory-budget must be a number of MiB in (0, ${MAX_MEMORY_BUDGET_MIB}], got "${v}"`);
  }
  return n;
}

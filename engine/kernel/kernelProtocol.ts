// The messages between a notebook kernel process (engine/kernel/kernelMain.ts) and the
// process that owns it (the VS Code extension host, or `mplab run`), over Node's IPC
// channel as JSON. Like engine/protocol.ts: a union per direction on `type`, zod
// validation of everything received, an exhaustive switch on each side, NaN/±Infinity
// through the non-finite codec. The engine session of the kernel's cells is relayed
// inside `session` messages that carry engine/protocol.ts's own HostMessage (kernel ->
// owner) and PageMessage (owner -> kernel), validated with that protocol's parsers, so
// a cell's train() reaches the engine page in VS Code over the one typed protocol.
import { z } from "zod";
import { precisionSchema } from "../config/schema.js";
import { ProtocolError, type HostMessage, type PageMessage } from "../protocol.js";
import type { RunProgress } from "../train/runResult.js";
import { runProgressSchema } from "../protocol.js";

export type MimeBundle = Record<string, unknown>;

export interface CellError {
  name: string;
  message: string;
  /** 1-based line in the cell where it happened, when known */
  line?: number;
  column?: number;
  /** the stack, reduced to frames in cells */
  stack: string;
}

/** How one cell ended, as the owner of the kernel sees it. */
export type CellOutcome =
  | { status: "ok"; /** the cell's value to show, null for none */ bundle: MimeBundle | null }
  | { status: "error"; error: CellError }
  /** `restarted`: the cell ignored the interrupt and the kernel was ended (variables gone) */
  | { status: "interrupted"; message: string; restarted?: boolean }
  /** the kernel process ended while the cell ran: crash, process.exit, out of memory */
  | { status: "died"; message: string };

/** Defaults for the cells' train() calls, from the user's settings or CLI flags. */
export interface CellDefaults {
  precision?: z.infer<typeof precisionSchema>;
  chunkSize?: number;
  /** training refuses configs whose estimated memory exceeds this (MiB) */
  memoryBudgetMiB?: number;
}

// ---- owner -> kernel ------------------------------------------------------------------
export type ToKernel =
  | { type: "execute"; id: number; code: string; name: string; defaults?: CellDefaults }
  /** stop the running cell (its AbortSignal; train() stops at the next chunk) */
  | { type: "interrupt" }
  | { type: "session"; message: PageMessage };

// ---- kernel -> owner ------------------------------------------------------------------
export type FromKernel =
  /** the kernel is up; with a local session, the backend it chose (or why it could not) */
  | { type: "ready"; backend?: { name: string; adapter: string; note?: string }; backendError?: string }
  | { type: "stream"; id: number; name: "stdout" | "stderr"; text: string }
  | { type: "display"; id: number; bundle: MimeBundle }
  | { type: "progress"; id: number; progress: RunProgress }
  | { type: "done"; id: number; outcome: CellOutcome }
  | { type: "session"; message: HostMessage }
  /** work a cell left running failed after the cell ended (reported, not fatal) */
  | { type: "background"; text: string };

const bundle = z.record(z.string(), z.unknown());
const cellId = z.number().int().min(1);
const cellErrorSchema = z.object({ name: z.string(), message: z.string(), line: z.number().int().optional(), column: z.number().int().optional(), stack: z.string() });
const defaultsSchema = z.strictObject({
  precision: precisionSchema.optional(),
  chunkSize: z.number().int().min(1).optional(),
  memoryBudgetMiB: z.number().gt(0).optional(),
});
const outcomeSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("ok"), bundle: bundle.nullable() }),
  z.object({ status: z.literal("error"), error: cellErrorSchema }),
  z.object({ status: z.literal("interrupted"), message: z.string(), restarted: z.boolean().optional() }),
  z.object({ status: z.literal("died"), message: z.string() }),
]);
// the relayed engine messages are checked by engine/protocol.ts's parsers, not here
const relayed = z.record(z.string(), z.unknown());

const toKernelSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("execute"), id: cellId, code: z.string().max(10_000_000), name: z.string().max(200), defaults: defaultsSchema.optional() }),
    z.object({ type: z.literal("interrupt") }),
    z.object({ type: z.literal("session"), message: relayed }),
  ],
  { error: 'type must be one of "execute", "interrupt", "session"' },
);

const fromKernelSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("ready"), backend: z.object({ name: z.string(), adapter: z.string(), note: z.string().optional() }).optional(), backendError: z.string().optional() }),
    z.object({ type: z.literal("stream"), id: cellId, name: z.enum(["stdout", "stderr"]), text: z.string() }),
    z.object({ type: z.literal("display"), id: cellId, bundle }),
    z.object({ type: z.literal("progress"), id: cellId, progress: runProgressSchema }),
    z.object({ type: z.literal("done"), id: cellId, outcome: outcomeSchema }),
    z.object({ type: z.literal("session"), message: relayed }),
    z.object({ type: z.literal("background"), text: z.string() }),
  ],
  { error: 'type must be one of "ready", "stream", "display", "progress", "done", "session", "background"' },
);

function issues(e: z.ZodError): string {
  return e.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join(".") : "message"}: ${i.message}`).join("; ");
}

function parse<T>(schema: z.ZodType, raw: unknown, what: string): T {
  // the channel is structured clone (serialization "advanced"): NaN and ±Infinity arrive
  // as they are, and display bundles keep their codec-tagged data tagged (decoding here
  // would untag it, and a saved output would then write null for Infinity)
  const decoded = raw;
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) throw new ProtocolError(`${what} message must be an object`, null);
  const r = schema.safeParse(decoded);
  if (!r.success) throw new ProtocolError(`invalid ${what} message: ${issues(r.error)}`, null);
  return r.data as T;
}

/** Validates what the kernel received from its owner. Throws ProtocolError. */
export const parseToKernel = (raw: unknown): ToKernel => parse<ToKernel>(toKernelSchema, raw, "kernel owner");
/** Validates what the owner received from its kernel. Throws ProtocolError. */
export const parseFromKernel = (raw: unknown): FromKernel => parse<FromKernel>(fromKernelSchema, raw, "kernel");
/** A message ready for the IPC channel: structured clone carries it as it is (see parse). */
export const encodeKernelMessage = (m: ToKernel | FromKernel): unknown => m;

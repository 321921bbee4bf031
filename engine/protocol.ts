// The one message protocol between the extension host and the engine page (webview).
//
// Every message is plain JSON: { v: PROTOCOL_VERSION, type, ... }. There is one union per
// direction, each receiver validates everything it gets (parseHostMessage on the page,
// parsePageMessage in the host) and switches exhaustively on `type`. Requests carry an
// `id`; every answer, progress event and error names the request it belongs to.
// The payloads (run result, progress) are the engine's own schemas
// (engine/train/runResult.ts); non-finite numbers (NaN/±Inf in statistics) do not
// survive JSON, so messages pass through the one codec (engine/payload/nonFinite.ts).
import { z } from "zod";
import type { BackendInfo } from "./backend/backend.js";
import { anyNumber, decodeNonFinite, encodeNonFinite } from "./payload/nonFinite.js";
import { describeIssues } from "./payload/parse.js";
import { backendInfoSchema, runProgressSchema, runResultSchema, trainedModelSchema, type RunProgress, type RunResult, type TrainedModel } from "./train/runResult.js";

export { backendInfoSchema, decodeNonFinite, encodeNonFinite, runProgressSchema, runResultSchema };

export const PROTOCOL_VERSION = 1;

// ---- host -> page ---------------------------------------------------------------------

export type HostMessage =
  /** run a training: `config` is the train() argument (validated by the engine) */
  | { v: 1; type: "train"; id: string; config: Record<string, unknown>; chunkSize?: number; memoryBudgetMiB?: number }
  | { v: 1; type: "predict"; id: string; model: TrainedModel; inputs: number[][] }
  /** stop the run started by request `id` at its next chunk */
  | { v: 1; type: "cancel"; id: string }
  /** ask for the backend report again (answered with "backend") */
  | { v: 1; type: "describe"; id: string };

// ---- page -> host ---------------------------------------------------------------------

export type PageMessage =
  /** sent once when the page has chosen its backend; nothing is sent to the page before */
  | { v: 1; type: "ready"; backend: BackendInfo }
  | { v: 1; type: "backend"; id: string; backend: BackendInfo }
  | { v: 1; type: "progress"; id: string; progress: RunProgress }
  | { v: 1; type: "trainResult"; id: string; result: RunResult }
  | { v: 1; type: "predictResult"; id: string; outputs: number[][] }
  /** a request failed (id) or a message could not be understood (id null) */
  | { v: 1; type: "error"; id: string | null; message: string }
  /** the user pressed "restart" in the dashboard */
  | { v: 1; type: "restartRequested" };

export type HostMessageType = HostMessage["type"];
export type PageMessageType = PageMessage["type"];

// ---- validation ---------------------------------------------------------------------

const version = z.literal(PROTOCOL_VERSION, { error: `v must be protocol version ${PROTOCOL_VERSION}` });
const requestId = z.string().min(1).max(200);
const matrix = z.array(z.array(anyNumber));

const hostMessageSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ v: version, type: z.literal("train"), id: requestId, config: z.record(z.string(), z.unknown()), chunkSize: z.number().int().min(1).optional(), memoryBudgetMiB: z.number().gt(0).optional() }),
    z.object({ v: version, type: z.literal("predict"), id: requestId, model: trainedModelSchema, inputs: matrix }),
    z.object({ v: version, type: z.literal("cancel"), id: requestId }),
    z.object({ v: version, type: z.literal("describe"), id: requestId }),
  ],
  { error: 'type must be one of "train", "predict", "cancel", "describe"' },
);

const pageMessageSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ v: version, type: z.literal("ready"), backend: backendInfoSchema }),
    z.object({ v: version, type: z.literal("backend"), id: requestId, backend: backendInfoSchema }),
    z.object({ v: version, type: z.literal("progress"), id: requestId, progress: runProgressSchema }),
    z.object({ v: version, type: z.literal("trainResult"), id: requestId, result: runResultSchema }),
    z.object({ v: version, type: z.literal("predictResult"), id: requestId, outputs: matrix }),
    z.object({ v: version, type: z.literal("error"), id: requestId.nullable(), message: z.string() }),
    z.object({ v: version, type: z.literal("restartRequested") }),
  ],
  { error: 'type must be one of "ready", "backend", "progress", "trainResult", "predictResult", "error", "restartRequested"' },
);

/** A message that failed validation; `id` is the request id when one could be read. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(message: string, readonly id: string | null) {
    super(message);
  }
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, direction: string): T {
  let decoded: unknown;
  try {
    decoded = decodeNonFinite(raw);
  } catch (e) {
    throw new ProtocolError(`invalid ${direction} message: ${(e as Error).message}`, null);
  }
  const id = typeof (decoded as { id?: unknown })?.id === "string" ? (decoded as { id: string }).id : null;
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) {
    throw new ProtocolError(`${direction} message must be an object`, null);
  }
  const r = schema.safeParse(decoded);
  if (!r.success) throw new ProtocolError(`invalid ${direction} message: ${describeIssues(r.error)}`, id);
  return r.data;
}

/** Validates a message the page received from the host. Throws ProtocolError. */
export function parseHostMessage(raw: unknown): HostMessage {
  return parseWith(hostMessageSchema, raw, "host") as HostMessage;
}

/** Validates a message the host received from the page. Throws ProtocolError. */
export function parsePageMessage(raw: unknown): PageMessage {
  return parseWith(pageMessageSchema, raw, "engine page") as PageMessage;
}

/** Prepares a message for postMessage (JSON): NaN and ±Infinity become tagged objects. */
export function encodeMessage<M extends HostMessage | PageMessage>(message: M): unknown {
  return encodeNonFinite(message);
}

/** For exhaustive switches: a new message type that is not handled fails to compile. */
export function assertNever(x: never): never {
  throw new ProtocolError(`unhandled message type ${(x as { type?: unknown })?.type}`, null);
}

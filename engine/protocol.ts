// The one message protocol between the extension host and the engine page (webview).
//
// Every message is plain JSON: { v: PROTOCOL_VERSION, type, ... }. There is one union per
// direction, each receiver validates everything it gets (parseHostMessage on the page,
// parsePageMessage in the host) and switches exhaustively on `type`. Requests carry an
// `id`; every answer, progress event and error names the request it belongs to.
// Non-finite numbers (NaN/±Inf in statistics) do not survive JSON, so payloads are
// passed through encodeNonFinite/decodeNonFinite at the boundary.
import { z } from "zod";
import { mlpSpecSchema, precisionSchema } from "./config/schema.js";
import type { BackendInfo } from "./backend/backend.js";
import type { RunProgress, RunResult, TrainedModel } from "./train/runResult.js";

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
// Any number, NaN and ±Infinity included (zod's z.number() refuses them, and overflow
// steps have an infinite gradient norm); they are decoded before validation.
const num = z.custom<number>((v) => typeof v === "number", { error: "expected a number" });
const numArray = z.array(num);
const matrix = z.array(numArray);

const trainedModelSchema = mlpSpecSchema.extend({
  weights: z.array(z.object({ weight: numArray, bias: numArray })),
  precision: precisionSchema,
});

export const backendInfoSchema = z.object({
  name: z.enum(["cpu", "webgpu"]),
  adapter: z.string(),
  fp16: z.enum(["software", "native", "emulated"]),
  note: z.string().optional(),
  fallbackAdapter: z.boolean().optional(),
});

export const runProgressSchema = z.object({
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  losses: numArray,
  scales: numArray,
  gradNorms: numArray,
  overflowSteps: z.array(z.number().int()),
  elapsedMs: num,
});

const tensorStatsSchema = z.looseObject({
  dtype: z.enum(["f32", "f16", "bf16"]),
  count: num,
  zero: num,
  subnormal: num,
  underflow: num,
  overflow: num,
  nan: num,
  inf: num,
  minAbs: num.nullable(),
  maxAbs: num.nullable(),
  histogram: z.object({ minExp: num, counts: numArray }),
});

export const runResultSchema = z.looseObject({
  kind: z.literal("mplab.run"),
  version: z.literal(1),
  name: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
  backend: backendInfoSchema,
  precision: precisionSchema,
  status: z.enum(["completed", "cancelled", "error"]),
  error: z.string().optional(),
  steps: z.number().int().min(0),
  losses: numArray,
  scales: numArray,
  overflowSteps: z.array(z.number().int()),
  skippedSteps: z.number().int().min(0),
  firstNonFinite: z.array(z.object({ step: z.number().int(), layer: z.number().int(), tensor: z.string() })),
  finalLoss: num.nullable(),
  gradNorms: numArray,
  statsSteps: z.array(z.number().int()),
  layers: z.array(
    z.looseObject({
      layer: z.number().int(),
      name: z.string(),
      inputs: z.number().int(),
      outputs: z.number().int(),
      activation: z.string(),
      tensors: z.record(z.string(), tensorStatsSchema),
    }),
  ),
  memory: z.record(z.string(), num),
  timings: z.looseObject({ totalMs: num, stepsPerSecond: num, setupMs: num }),
  scalerState: z.record(z.string(), num),
  model: trainedModelSchema,
});

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

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "message"}: ${i.message}`)
    .join("; ");
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, direction: string): T {
  const decoded = decodeNonFinite(raw);
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
  return parseWith(pageMessageSchema, raw, "engine page") as unknown as PageMessage;
}

/** Prepares a message for postMessage (JSON): NaN and ±Infinity become tagged objects. */
export function encodeMessage<M extends HostMessage | PageMessage>(message: M): unknown {
  return encodeNonFinite(message);
}

// ---- non-finite numbers ---------------------------------------------------------------

const NON_FINITE_TAG = "$nonFinite";

export function encodeNonFinite(value: unknown): unknown {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    return { [NON_FINITE_TAG]: Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity" };
  }
  if (typeof value === "function" || typeof value === "symbol") return undefined; // not data: left out
  if (Array.isArray(value)) return value.map(encodeNonFinite);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, encodeNonFinite);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const e = encodeNonFinite(v);
      if (e !== undefined) out[k] = e;
    }
    return out;
  }
  return value;
}

export function decodeNonFinite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeNonFinite);
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === NON_FINITE_TAG) {
      const tag = (value as Record<string, unknown>)[NON_FINITE_TAG];
      if (tag === "NaN") return NaN;
      if (tag === "Infinity") return Infinity;
      if (tag === "-Infinity") return -Infinity;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeNonFinite(v);
    return out;
  }
  return value;
}

/** For exhaustive switches: a new message type that is not handled fails to compile. */
export function assertNever(x: never): never {
  throw new ProtocolError(`unhandled message type ${(x as { type?: unknown })?.type}`, null);
}

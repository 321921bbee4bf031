// Reading a payload that crossed a boundary (a message, a saved notebook output):
// decode the non-finite numbers, validate against the payload's schema, and say which
// field is wrong when it does not fit.
import type { z } from "zod";
import { decodeNonFinite, NestingError } from "./nonFinite.js";

/** A payload that does not match its schema; the message names the fields. */
export class PayloadError extends Error {
  override name = "PayloadError";
}

export function describeIssues(error: z.ZodError, max = 5): string {
  return error.issues
    .slice(0, max)
    .map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`)
    .join("; ");
}

/** Decodes `raw` (JSON as stored or posted) and validates it; throws PayloadError naming `what` and the fields. */
export function parsePayload<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  let decoded: unknown;
  try {
    decoded = decodeNonFinite(raw);
  } catch (e) {
    if (e instanceof NestingError) throw new PayloadError(`${what}: ${e.message}`);
    throw e;
  }
  const r = schema.safeParse(decoded);
  if (!r.success) throw new PayloadError(`${what}: ${describeIssues(r.error)}`);
  return r.data;
}

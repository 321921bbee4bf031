// The JSON Schema of *.mplab.json files, derived from the zod schema (one source).
import { z } from "zod";
import { trainConfigSchema } from "./schema.js";

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(trainConfigSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...schema, $id: "https://mixed-precision-lab.dev/schemas/mplab.schema.json", title: "Mixed Precision Lab run (*.mplab.json)" };
}

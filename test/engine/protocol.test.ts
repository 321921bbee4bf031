import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeNonFinite,
  encodeMessage,
  encodeNonFinite,
  parseHostMessage,
  parsePageMessage,
  PROTOCOL_VERSION,
  ProtocolError,
  type PageMessage,
} from "../../engine/protocol.js";
import { train } from "../../engine/index.js";

const backend = { name: "cpu", adapter: "test", fp16: "software", note: "why" } as const;

/** what postMessage does to a message: JSON both ways */
const wire = (m: unknown) => JSON.parse(JSON.stringify(m));

describe("protocol", () => {
  it("accepts each host message type and rejects unknown types by name", () => {
    assert.equal(parseHostMessage({ v: 1, type: "cancel", id: "r1" }).type, "cancel");
    assert.equal(parseHostMessage({ v: 1, type: "describe", id: "r2" }).type, "describe");
    const t = parseHostMessage({ v: 1, type: "train", id: "r3", config: { steps: 1 }, chunkSize: 5 });
    assert.equal(t.type === "train" && t.chunkSize, 5);
    assert.throws(() => parseHostMessage({ v: 1, type: "explode", id: "r4" }), (e: ProtocolError) => {
      assert.ok(e instanceof ProtocolError);
      assert.match(e.message, /type must be one of "train", "predict", "cancel", "describe"/);
      assert.equal(e.id, "r4", "the request id is kept so the error can be answered");
      return true;
    });
  });

  it("names the field that is wrong", () => {
    assert.throws(() => parseHostMessage({ v: 1, type: "predict", id: "p", model: { inputs: 2, outputs: 1, weights: [], precision: "fp99" }, inputs: [[1, 2]] }), /model\.precision/);
    assert.throws(() => parseHostMessage({ v: 1, type: "train", id: "", config: {} }), /id/);
    assert.throws(() => parseHostMessage({ v: 2, type: "cancel", id: "x" }), /v must be protocol version 1/);
    assert.throws(() => parseHostMessage("cancel"), /message must be an object/);
    assert.throws(() => parseHostMessage(null), /message must be an object/);
    assert.throws(() => parsePageMessage({ v: 1, type: "ready", backend: { ...backend, fp16: "half" } }), /backend\.fp16/);
    assert.throws(() => parsePageMessage({ v: 1, type: "progress", id: "r", progress: { step: 1 } }), /progress\.totalSteps/);
  });

  it("non-finite numbers survive the JSON boundary", () => {
    const v = { a: [1, NaN, Infinity, -Infinity], b: { c: -0.5 }, d: new Float32Array([Infinity, 2]) };
    const back = decodeNonFinite(wire(encodeNonFinite(v))) as { a: number[]; b: { c: number }; d: number[] };
    assert.deepEqual(back.a, [1, NaN, Infinity, -Infinity]);
    assert.equal(back.b.c, -0.5);
    assert.deepEqual(back.d, [Infinity, 2]);
    // functions (e.g. a callback left in a config) are not data: left out, not a clone error
    assert.deepEqual(wire(encodeNonFinite({ a: 1, f: () => 1, g: [() => 2] })), { a: 1, g: [null] });
  });

  it("a real RunResult and its progress events pass the page-message validation after the wire", async () => {
    const progress: PageMessage[] = [];
    const result = await train(
      {
        model: { inputs: 2, hidden: [3], outputs: 1, seed: 1 },
        data: { type: "teacher", inputs: 2, outputs: 1, samples: 16, seed: 2 },
        // a huge static scale: every step overflows, so grad norms are infinite
        scaler: { type: "static", scale: 1e30 },
        steps: 4,
        batchSize: 4,
        chunkSize: 2,
      },
      { backend: "cpu", onProgress: (p) => progress.push({ v: PROTOCOL_VERSION, type: "progress", id: "r1", progress: p }) },
    );
    assert.equal(result.skippedSteps, 4);
    assert.ok(result.gradNorms.some((g) => !Number.isFinite(g)), "the run has non-finite grad norms");
    for (const p of progress) assert.deepEqual(parsePageMessage(wire(encodeMessage(p))), p);
    const msg = parsePageMessage(wire(encodeMessage({ v: PROTOCOL_VERSION, type: "trainResult", id: "r1", result })));
    assert.equal(msg.type, "trainResult");
    if (msg.type === "trainResult") {
      assert.deepEqual(msg.result.gradNorms, result.gradNorms);
      assert.equal(msg.result.steps, 4);
    }
  });

  it("rejects a trainResult that is not a RunResult", () => {
    assert.throws(() => parsePageMessage({ v: 1, type: "trainResult", id: "r", result: { kind: "mplab.run", version: 1 } }), /result\./);
  });
});

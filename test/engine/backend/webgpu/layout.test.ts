// The generated layout prelude (layout.ts) says what the host's tables say: the
// StepState fields in the order of S, and every offset constant with the host's value.
// (That the shaders use it correctly is what every WebGPU backend test checks.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { HIST_BINS, HIST_MIN_EXP } from "../../../../engine/backend/backend.js";
import { C, NO_TENSOR, R, RECORD_WORDS, S, SLOT_WORDS, STATE_BYTES, W_HIST, W_MAX, W_MIN, layoutWgsl } from "../../../../engine/backend/webgpu/layout.js";

const wgsl = layoutWgsl();
const consts = Object.fromEntries([...wgsl.matchAll(/^const (\w+): [ui]32 = (-?\d+)u?;$/gm)].map((m) => [m[1], Number(m[2])]));
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();

test("the StepState struct has the fields of S, in word order, within STATE_BYTES", () => {
  const body = wgsl.slice(wgsl.indexOf("struct StepState {"), wgsl.indexOf("}"));
  const fields = [...body.matchAll(/^\s+(\w+): /gm)].map((m) => m[1]);
  assert.deepEqual(fields, Object.entries(S).sort((a, b) => a[1] - b[1]).map(([k]) => k));
  assert.ok(fields.length * 4 <= STATE_BYTES);
});

test("every offset constant equals the host's", () => {
  for (const [k, v] of Object.entries(R)) assert.equal(consts[`REC_${snake(k)}`], v, k);
  for (const [k, v] of Object.entries(C)) assert.equal(consts[`C_${snake(k)}`], v, k);
  assert.deepEqual(
    [consts.RECORD_WORDS, consts.W_MIN, consts.W_MAX, consts.W_HIST, consts.SLOT_WORDS, consts.HIST_BINS, consts.HIST_MIN_EXP, consts.NO_TENSOR],
    [RECORD_WORDS, W_MIN, W_MAX, W_HIST, SLOT_WORDS, HIST_BINS, HIST_MIN_EXP, NO_TENSOR],
  );
  assert.equal(SLOT_WORDS, W_HIST + 2 * HIST_BINS);
});

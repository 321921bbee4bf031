// Every preset against hand-derived traces. Patterns: "." = clean step, "x" =
// overflow; the expected arrays are the scale after each update, worked out by
// hand from the reference rules in shared notes "loss-scalers.md".
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createScaler, dynamicScaler, initialScalerState, noScaler, ruleFromSpec, staticScaler, updateScaler,
  DEEPSPEED_MIN_SCALE_ERROR, type DynamicScalerOptions,
} from "../../../engine/scaler/lossScaler.js";
import type { ScalerSpec } from "../../../engine/config/schema.js";

function trace(spec: ScalerSpec, pattern: string): number[] {
  const s = createScaler(spec);
  return [...pattern].map((c) => (s.update(c === "x"), s.scale));
}
const dyn = (o: DynamicScalerOptions) => dynamicScaler(o);

test("pytorch: growth every growthInterval clean steps; the tracker resets on overflow", () => {
  // tracker: 1 2 0(grow) 1 0(x) 1 2 0(grow)
  assert.deepEqual(trace(dyn({ preset: "pytorch", initScale: 8, growthInterval: 3 }), "....x..."), [8, 8, 16, 16, 8, 8, 8, 16]);
  const s = createScaler(dyn({ initScale: 8, growthInterval: 3 }));
  const counters = [..."....x..."].map((c) => (s.update(c === "x"), s.state.counter));
  assert.deepEqual(counters, [1, 2, 0, 1, 0, 1, 2, 0]);
});

test("pytorch: default interval 2000, growth on the 2000th clean step", () => {
  const s = createScaler(dynamicScaler());
  assert.equal(s.scale, 65536);
  for (let i = 0; i < 1999; i++) s.update(false);
  assert.equal(s.scale, 65536);
  s.update(false);
  assert.equal(s.scale, 131072);
});

test("pytorch: no floor; the fp32 scale underflows to zero after 150 halvings from 1", () => {
  assert.deepEqual(trace(dyn({ initScale: 1 }), "xxx"), [0.5, 0.25, 0.125]);
  const s = createScaler(dyn({ initScale: 1 }));
  for (let i = 0; i < 149; i++) s.update(true);
  assert.equal(s.scale, 2 ** -149); // the smallest fp32 subnormal
  s.update(true);
  assert.equal(s.scale, 0); // 2^-150 is a tie between 0 and 2^-149: even -> 0
});

test("pytorch: growth capped at the fp32 range (2^128 is finite in fp64, Inf in fp32)", () => {
  const s = createScaler(dyn({ initScale: 2 ** 126, growthInterval: 1 }));
  s.update(false);
  assert.equal(s.scale, 2 ** 127);
  s.update(false);
  assert.equal(s.scale, 2 ** 127);
  assert.equal(s.state.counter, 0);
  s.update(true);
  assert.equal(s.scale, 2 ** 126);
});

test("pytorch: the scale is an fp32 value (factor applied in double, rounded once)", () => {
  // fp32(0.3) = 0x3E99999A = 10066330 * 2^-25
  assert.deepEqual(trace(dyn({ initScale: 1, backoffFactor: 0.3 }), "x"), [10066330 * 2 ** -25]);
  assert.equal(createScaler(dyn({ initScale: 0.1 })).scale, 13421773 * 2 ** -27); // fp32(0.1)
});

// DeepSpeed 0.19.5 (notes "loss-scalers.md"): stable = it - last_overflow - 1, growth when
// stable > 0 and stable % W == 0, i.e. after W+1 clean steps since the last overflow/start.
test("deepspeed zeroStage 0 (default): FP16_Optimizer, growth at W+1 clean steps, no hysteresis", () => {
  // it 0..2 stable 0,1,2 | it3 stable 3: grow 32 | it4 x: 16, last 4 | it5..7 stable 0,1,2 | it8 stable 3: 32 | it9 x: 16
  assert.deepEqual(trace(dyn({ preset: "deepspeed", initScale: 16, growthInterval: 3 }), "....x....x"), [16, 16, 16, 32, 16, 16, 16, 16, 32, 16]);
  // growth repeats every W steps after the first: stable 3 and 6
  assert.deepEqual(trace(dyn({ preset: "deepspeed", initScale: 16, growthInterval: 3 }), "......."), [16, 16, 16, 32, 32, 32, 64]);
  // every overflow backs off at once (the preset's hysteresis 2 is not used at stage 0)
  assert.deepEqual(trace(dyn({ preset: "deepspeed", initScale: 16, growthInterval: 3, zeroStage: 0 }), "xx.x"), [8, 4, 4, 2]);
  assert.equal(ruleFromSpec(dyn({ preset: "deepspeed" })).zeroStage, 0);
});

test("deepspeed zeroStage 0: the floor clamps and never raises", () => {
  // 3 -> 1.5 -> max(0.75, 1) = 1 -> 1 -> 1, no error
  const s = createScaler(dyn({ preset: "deepspeed", initScale: 3 }));
  assert.deepEqual([..."xxxx"].map((c) => (s.update(c === "x"), s.scale)), [1.5, 1, 1, 1]);
  assert.equal(s.state.halted, 0);
  assert.deepEqual(trace(dyn({ preset: "deepspeed", initScale: 1, minScale: 0.25 }), "xxx"), [0.5, 0.25, 0.25]);
});

test("deepspeed: default window 1000, first growth on the 1001st clean step (both stages)", () => {
  for (const zeroStage of [0, 1, 3]) {
    const s = createScaler(dyn({ preset: "deepspeed", zeroStage }));
    for (let i = 0; i < 1000; i++) s.update(false);
    assert.equal(s.scale, 65536, `stage ${zeroStage}`);
    s.update(false);
    assert.equal(s.scale, 131072, `stage ${zeroStage}`);
  }
});

test("deepspeed zeroStage 1: hysteresis restored only by a growth (consecutive_hysteresis false)", () => {
  // it0-2 .: 16 | it3 . stable 3: grow 32, h 2 | it4 x: absorbed, h 1, last 4 | it5,6 .: stable 0,1
  // it7 x: h 1 -> 16, last 7 | it8-10 .: stable 0,1,2 | it11 . stable 3: grow 32, h 2 | it12 . stable 4
  // it13 x: absorbed, h 1 | it14 . | it15 x: 16
  const spec = dyn({ preset: "deepspeed", initScale: 16, growthInterval: 3, zeroStage: 1 });
  const p = "....x..x.....x.x";
  assert.deepEqual(trace(spec, p), [16, 16, 16, 32, 32, 32, 32, 16, 16, 16, 16, 32, 32, 32, 32, 16]);
  const s = createScaler(spec);
  assert.deepEqual([...p].map((c) => (s.update(c === "x"), s.state.hysteresisLeft)), [2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1]);
  assert.deepEqual({ it: s.state.iteration, last: s.state.lastOverflow }, { it: 16, last: 15 });
  // two overflows apart: the second backs off, the third too (no growth between)
  assert.deepEqual(trace(dyn({ preset: "deepspeed", initScale: 16, growthInterval: 3, zeroStage: 2 }), "xx.xx"), [16, 8, 8, 4, 2]);
});

test("deepspeed zeroStage 1: consecutiveHysteresis, every clean step restores the hysteresis", () => {
  // same pattern: it5 . restores h 2, so it7 x is absorbed too; it11 stable 3: grow 64; it13 x absorbed,
  // it14 . restores, it15 x absorbed
  const spec = dyn({ preset: "deepspeed", initScale: 16, growthInterval: 3, zeroStage: 1, consecutiveHysteresis: true });
  const p = "....x..x.....x.x";
  assert.deepEqual(trace(spec, p), [16, 16, 16, 32, 32, 32, 32, 32, 32, 32, 32, 64, 64, 64, 64, 64]);
  const s = createScaler(spec);
  assert.deepEqual([...p].map((c) => (s.update(c === "x"), s.state.hysteresisLeft)), [2, 2, 2, 2, 1, 2, 2, 1, 2, 2, 2, 2, 2, 1, 2, 1]);
  // only overflows in a row back off: x (h 1) x (8) . (h 2) x (h 1) x (4)
  assert.deepEqual(trace(dyn({ preset: "deepspeed", initScale: 16, growthInterval: 3, zeroStage: 3, consecutiveHysteresis: true }), "xx.xx"), [16, 8, 8, 8, 4]);
});

test("deepspeed zeroStage 1: floor 1, then the error at the floor", () => {
  // 3 -> 1.5 -> max(0.75, 1) = 1 -> error
  const s = createScaler(dyn({ preset: "deepspeed", initScale: 3, hysteresis: 1, zeroStage: 1 }));
  s.update(true);
  assert.equal(s.scale, 1.5);
  s.update(true);
  assert.equal(s.scale, 1);
  assert.throws(() => s.update(true), { message: DEEPSPEED_MIN_SCALE_ERROR });
  assert.equal(DEEPSPEED_MIN_SCALE_ERROR, "Current loss scale already at minimum - cannot decrease scale anymore");
  assert.equal(s.state.halted, 1);
  assert.equal(s.scale, 1);
  assert.equal(s.state.iteration, 2); // the failing update did not count
  assert.throws(() => s.update(false), { message: DEEPSPEED_MIN_SCALE_ERROR }); // stays halted
});

test("deepspeed zeroStage 1: with the default hysteresis 2, one overflow at the floor is absorbed first", () => {
  const s = createScaler(dyn({ preset: "deepspeed", initScale: 1, zeroStage: 1 }));
  s.update(true);
  assert.equal(s.scale, 1);
  assert.equal(s.state.hysteresisLeft, 1);
  assert.throws(() => s.update(true), /already at minimum/);
});

test("deepspeed: updateScaler marks halted and changes nothing else", () => {
  const rule = ruleFromSpec(dyn({ preset: "deepspeed", initScale: 1, hysteresis: 1, zeroStage: 1 }));
  const st = initialScalerState(rule);
  const next = updateScaler(rule, st, true);
  assert.deepEqual(next, { ...st, halted: 1 });
  assert.deepEqual(updateScaler(rule, next, false), next);
});

test("apex: window growth clamped at maxScale, initial scale min(max, init), no floor by default", () => {
  // u: 1 2 3->grow 32 | 1 2 3->min(32, 64) | x: 16 | 1 2 3->32
  assert.deepEqual(trace(dyn({ preset: "apex", initScale: 16, maxScale: 32, growthInterval: 3 }), "......x..."),
    [16, 16, 32, 32, 32, 32, 16, 16, 16, 32]);
  assert.equal(createScaler(dyn({ preset: "apex", initScale: 2 ** 20, maxScale: 2 ** 10 })).scale, 2 ** 10);
  assert.equal(createScaler(dyn({ preset: "apex" })).scale, 2 ** 16);
  assert.deepEqual(trace(dyn({ preset: "apex", initScale: 1 }), "xx"), [0.5, 0.25]);
  assert.deepEqual(trace(dyn({ preset: "apex", initScale: 1, minScale: 0.75 }), "xx"), [0.75, 0.75]);
  // default max 2^24: from 2^23, two growths end at 2^24
  assert.deepEqual(trace(dyn({ preset: "apex", initScale: 2 ** 23, growthInterval: 1 }), ".."), [2 ** 24, 2 ** 24]);
});

test("keras: counter == steps - 1 doubles; overflow halves and resets", () => {
  assert.deepEqual(trace(dyn({ preset: "keras", initScale: 8, growthInterval: 3 }), "....x..."), [8, 8, 16, 16, 8, 8, 8, 16]);
  assert.equal(createScaler(dyn({ preset: "keras" })).scale, 2 ** 15);
});

test("keras: no finite check on growth (fp32 scale reaches Inf and stays there), no floor", () => {
  assert.deepEqual(trace(dyn({ preset: "keras", initScale: 2 ** 127, growthInterval: 1 }), ".x"), [Infinity, Infinity]);
  assert.deepEqual(trace(dyn({ preset: "keras", initScale: 2 ** -149 }), "x"), [0]);
});

test("jmp: period, floor 1 without error, growth only if finite", () => {
  assert.deepEqual(trace(dyn({ preset: "jmp", initScale: 8, growthInterval: 3 }), "....x..."), [8, 8, 16, 16, 8, 8, 8, 16]);
  assert.deepEqual(trace(dyn({ preset: "jmp", initScale: 2 }), "xxx"), [1, 1, 1]);
  const s = createScaler(dyn({ preset: "jmp", initScale: 2 ** 127, growthInterval: 1 }));
  s.update(false);
  assert.equal(s.scale, 2 ** 127);
  assert.equal(s.state.counter, 0);
  assert.equal(createScaler(dyn({ preset: "jmp" })).scale, 2 ** 15);
});

test("preset defaults", () => {
  const r = (preset: DynamicScalerOptions["preset"]) => ruleFromSpec(dyn({ preset }));
  const d = { kind: "dynamic", growthFactor: 2, backoffFactor: 0.5 };
  assert.deepEqual(r("pytorch"), { ...d, rule: "pytorch", initScale: 65536, growthInterval: 2000, hysteresis: 1, minScale: 0, maxScale: Infinity });
  assert.deepEqual(r("deepspeed"), { ...d, rule: "deepspeed", initScale: 65536, growthInterval: 1000, hysteresis: 2, minScale: 1, maxScale: Infinity, zeroStage: 0, consecutiveHysteresis: false });
  assert.deepEqual(r("apex"), { ...d, rule: "apex", initScale: 65536, growthInterval: 2000, hysteresis: 1, minScale: 0, maxScale: 2 ** 24 });
  assert.deepEqual(r("keras"), { ...d, rule: "keras", initScale: 32768, growthInterval: 2000, hysteresis: 1, minScale: 0, maxScale: Infinity });
  assert.deepEqual(r("jmp"), { ...d, rule: "jmp", initScale: 32768, growthInterval: 2000, hysteresis: 1, minScale: 1, maxScale: Infinity });
  assert.deepEqual(ruleFromSpec(dynamicScaler()), r("pytorch"));
});

test("overrides replace only the fields given", () => {
  const rule = ruleFromSpec(dyn({ preset: "deepspeed", growthInterval: 5, backoffFactor: 0.25, minScale: 0.5, zeroStage: 2 }));
  assert.deepEqual(rule, { kind: "dynamic", rule: "deepspeed", initScale: 65536, growthFactor: 2, backoffFactor: 0.25, growthInterval: 5, hysteresis: 2, minScale: 0.5, maxScale: Infinity, zeroStage: 2, consecutiveHysteresis: false });
  // growthFactor 4 and a pytorch floor (a user option the reference lacks)
  assert.deepEqual(trace(dyn({ initScale: 4, growthFactor: 4, growthInterval: 1, minScale: 2 }), ".xxxx"), [16, 8, 4, 2, 2]);
  assert.deepEqual(trace(dyn({ initScale: 4, growthFactor: 4, growthInterval: 1, minScale: 3 }), "xx"), [3, 3]);
  assert.deepEqual(trace(dyn({ initScale: 4, growthInterval: 1, maxScale: 10 }), ".."), [8, 10]);
});

test("static and none never change the scale", () => {
  assert.deepEqual(trace(staticScaler(1024), "x..x.x"), [1024, 1024, 1024, 1024, 1024, 1024]);
  assert.deepEqual(trace(noScaler(), "xx.."), [1, 1, 1, 1]);
  assert.equal(createScaler(staticScaler(2 ** 40)).scale, 2 ** 40);
  assert.equal(createScaler({ type: "none" }).rule.kind, "none");
});

test("updateScaler is pure", () => {
  const rule = ruleFromSpec(dyn({ preset: "deepspeed", growthInterval: 2 }));
  const st = initialScalerState(rule);
  const copy = { ...st };
  updateScaler(rule, st, true);
  updateScaler(rule, st, false);
  assert.deepEqual(st, copy);
});

test("createScaler resumes from a saved state", () => {
  const a = createScaler(dyn({ initScale: 8, growthInterval: 3 }));
  a.update(false);
  a.update(false);
  const b = createScaler(dyn({ initScale: 8, growthInterval: 3 }), a.state);
  b.update(false);
  assert.equal(b.scale, 16);
});

test("bad specs name the field and what is allowed", () => {
  const cases: [() => unknown, string][] = [
    [() => dyn({ backoffFactor: 1.5 }), "scaler.backoffFactor must be in (0, 1), got 1.5"],
    [() => dyn({ backoffFactor: 0 }), "scaler.backoffFactor must be in (0, 1), got 0"],
    [() => dyn({ growthFactor: 1 }), "scaler.growthFactor must be > 1, got 1"],
    [() => dyn({ growthInterval: 0 }), "scaler.growthInterval must be a positive integer, got 0"],
    [() => dyn({ growthInterval: 2.5 }), "scaler.growthInterval must be a positive integer, got 2.5"],
    [() => dyn({ initScale: -1 }), "scaler.initScale must be > 0, got -1"],
    [() => dyn({ minScale: -1 }), "scaler.minScale must be a number >= 0, got -1"],
    [() => dyn({ preset: "tf" as never }), 'scaler.preset must be one of "pytorch", "deepspeed", "apex", "keras", "jmp", got "tf"'],
    [() => dyn({ growthIntreval: 3 } as never), "scaler.growthIntreval is not an option of dynamicScaler"],
    [() => dyn({ hysteresis: 3 }), 'scaler.hysteresis applies only to preset "deepspeed"'],
    [() => dyn({ zeroStage: 1 }), 'scaler.zeroStage applies only to preset "deepspeed"'],
    [() => dyn({ preset: "keras", consecutiveHysteresis: true }), 'scaler.consecutiveHysteresis applies only to preset "deepspeed"'],
    [() => dyn({ preset: "deepspeed", hysteresis: 3 }), "scaler.hysteresis applies only with zeroStage 1-3"],
    [() => dyn({ preset: "deepspeed", zeroStage: 0, consecutiveHysteresis: true }), "scaler.consecutiveHysteresis applies only with zeroStage 1-3"],
    [() => dyn({ preset: "deepspeed", zeroStage: 4 }), "scaler.zeroStage must be 0, 1, 2 or 3, got 4"],
    [() => dyn({ preset: "deepspeed", zeroStage: 1.5 }), "scaler.zeroStage must be 0, 1, 2 or 3, got 1.5"],
    [() => dyn({ preset: "deepspeed", zeroStage: 1, consecutiveHysteresis: "yes" as never }), 'scaler.consecutiveHysteresis must be true or false, got "yes"'],
    [() => dyn({ minScale: 10, maxScale: 5 }), "scaler.minScale must be <= maxScale (5), got 10"],
    [() => staticScaler(0), "scaler.scale must be a finite number > 0, got 0"],
    [() => staticScaler(Infinity), "scaler.scale must be a finite number > 0, got Infinity"],
    [() => createScaler({ type: "adaptive" } as never), 'scaler.type must be one of "none", "static", "dynamic", got "adaptive"'],
  ];
  for (const [f, msg] of cases) {
    assert.throws(f, (e: Error) => {
      assert.ok(e.message.startsWith(msg), `expected "${msg}", got "${e.message}"`);
      return true;
    });
  }
});

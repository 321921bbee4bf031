// The pytorch preset against the real torch.amp.GradScaler("cpu") (torch 2.13 in the
// venv of scripts/setup-python-peers.sh): GradScaler is driven through overflow patterns
// with synthetic gradients (Inf on an overflowing step, finite otherwise) and its scale
// before each step must equal ours, including non-power-of-two factors (fp32 rounding),
// growth capped at the fp32 range, and the halving down to 0.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createScaler, dynamicScaler } from "../../../engine/scaler/lossScaler.js";
import { mulberry32 } from "../../../engine/data/rng.js";
import { runPython } from "../../helpers/pythonPeers.js";

const DRIVER = `
import json, sys, torch
out = []
for c in json.load(sys.stdin):
    p = torch.nn.Parameter(torch.zeros(4))
    opt = torch.optim.SGD([p], lr=0.0)
    s = torch.amp.GradScaler("cpu", init_scale=c["init"], growth_factor=c["growth"], backoff_factor=c["backoff"], growth_interval=c["interval"])
    scales = []
    for ch in c["pattern"]:
        s.scale((p * 0).sum()).backward()
        scales.append(s.get_scale())  # the scale this step used (before its first scale(), get_scale() is the Python init)
        p.grad = torch.full((4,), float("inf") if ch == "x" else 1.0)
        s.step(opt)
        s.update()
        opt.zero_grad()
    out.append(scales)
print(json.dumps(out))
`;

test("pytorch preset = torch.amp.GradScaler('cpu') over overflow patterns", () => {
  const r = mulberry32(5);
  const pattern = (n: number, p: number) => Array.from({ length: n }, () => (r() < p ? "x" : ".")).join("");
  const cases = [
    { init: 2 ** 16, growth: 2, backoff: 0.5, interval: 3, pattern: pattern(120, 0.3) },
    { init: 1000, growth: 3, backoff: 0.3, interval: 2, pattern: pattern(120, 0.4) },
    { init: 2 ** 120, growth: 2, backoff: 0.5, interval: 1, pattern: ".........x......." }, // capped below 2^128
    { init: 1, growth: 2, backoff: 0.5, interval: 5, pattern: "x".repeat(152) + "....." }, // down to 2^-149, then 0
    { init: 0.1, growth: 1.5, backoff: 0.75, interval: 4, pattern: pattern(200, 0.15) },
  ];
  const res = runPython(["-c", DRIVER], { input: JSON.stringify(cases) });
  assert.equal(res.code, 0, res.stderr);
  const theirs: number[][] = JSON.parse(res.stdout);
  cases.forEach((c, k) => {
    const s = createScaler(dynamicScaler({ preset: "pytorch", initScale: c.init, growthFactor: c.growth, backoffFactor: c.backoff, growthInterval: c.interval }));
    const ours: number[] = [];
    for (const ch of c.pattern) { ours.push(s.scale); s.update(ch === "x"); }
    assert.deepEqual(ours, theirs[k], `case ${k}`);
  });
  assert.ok(theirs[3].includes(0) && theirs[2].some((v) => v === 2 ** 127), "the edge cases reach their edges");
});

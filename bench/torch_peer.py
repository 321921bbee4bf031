"""PyTorch peer for bench/bench.mjs: the reference MLP's training steps/s on the CPU.

Reads one JSON request a line on stdin, {"precision": "fp32"|"fp16"|"bf16", "threads": n,
"steps": n, "batch": 256, "widths": [64, 256, 256, 16]}, and answers one JSON line
{"stepsPerSecond": x}. Same step as ours: Linear+ReLU layers, MSE, plain SGD; fp16/bf16
through torch.autocast("cpu") with a GradScaler for fp16 (as a mixed-precision run does).
A persistent process, so the bench can interleave its requests with our runs.
"""
import json
import sys
import time

import torch

torch.manual_seed(1)
models = {}


def setup(widths, batch):
    key = (tuple(widths), batch)
    if key not in models:
        layers = []
        for i in range(len(widths) - 1):
            layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
            if i < len(widths) - 2:
                layers.append(torch.nn.ReLU())
        model = torch.nn.Sequential(*layers)
        x = torch.randn(batch, widths[0])
        y = torch.randn(batch, widths[-1])
        models[key] = (model, x, y, torch.optim.SGD(model.parameters(), lr=0.01))
    return models[key]


def run(req):
    torch.set_num_threads(req["threads"])
    model, x, y, opt = setup(req.get("widths", [64, 256, 256, 16]), req.get("batch", 256))
    precision = req["precision"]
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision)
    scaler = torch.amp.GradScaler("cpu") if precision == "fp16" else None

    def step():
        opt.zero_grad(set_to_none=True)
        if dtype is None:
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
        else:
            with torch.autocast("cpu", dtype=dtype):
                loss = torch.nn.functional.mse_loss(model(x).float(), y)
            if scaler:
                scaler.scale(loss).backward()
                scaler.step(opt)
                scaler.update()
            else:
                loss.backward()
                opt.step()

    for _ in range(2):
        step()
    n = req["steps"]
    t = time.perf_counter()
    for _ in range(n):
        step()
    return {"stepsPerSecond": n / (time.perf_counter() - t)}


print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
for line in sys.stdin:
    if line.strip():
        print(json.dumps(run(json.loads(line))), flush=True)

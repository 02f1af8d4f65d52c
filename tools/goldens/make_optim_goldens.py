#!/usr/bin/python3
"""Goldens for VisionCuda's optimizers and Ultralytics-style schedule, made with PyTorch 1.13 (Debian python3-torch).

Writes tests/VisionCuda.Core.Tests/Optim/data/{sgd_nesterov,adamw,warmup_cosine,warmup_linear}.json.
Run from the repository root:  /usr/bin/python3 tools/goldens/make_optim_goldens.py

- sgd_nesterov / adamw: 3 steps of torch.optim.SGD(momentum 0.9, nesterov, weight_decay 5e-4) and
  torch.optim.AdamW(lr 1e-3, weight_decay 0.01) on fixed float32 parameters and gradients; the parameters after
  each step are stored.
- warmup_*: the Ultralytics trainer's schedule over 12 epochs of nb=10 batches (warmup_epochs=1, so
  nw = max(round(1*10), 100) = 100 iterations): the per-epoch factor through torch.optim.lr_scheduler.LambdaLR
  and the warmup through np.interp, as ultralytics/engine/trainer.py does it (re-derived here, not copied).
  Per iteration: lr and momentum of each of the 3 groups (bias, weight, bn) and the accumulation count.
"""
import json
import math
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "VisionCuda.Core.Tests", "Optim", "data")


def fixed(shape, scale, phase):
    n = int(np.prod(shape))
    v = np.array([math.sin(0.7 * i + phase) * scale for i in range(n)], dtype=np.float32)
    return v.reshape(shape)


def floats(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def optimizer_golden(name, make_opt, hyper):
    shape = [3, 4]
    p = torch.nn.Parameter(torch.from_numpy(fixed(shape, 0.5, 0.0)))
    opt = make_opt([p])
    grads, params = [], []
    for step in range(3):
        g = torch.from_numpy(fixed(shape, 0.1 * (step + 1), 1.3 * step + 0.4))
        p.grad = g.clone()
        opt.step()
        grads.append(floats(g))
        params.append(floats(p))
    return {"name": name, "shape": shape, "hyper": hyper, "params0": floats(torch.from_numpy(fixed(shape, 0.5, 0.0))),
            "grads": grads, "params": params}


def schedule_golden(cosine):
    epochs, nb, warmup_epochs = 12, 10, 1.0
    lr0, lrf, momentum, warmup_momentum, warmup_bias_lr = 0.01, 0.01, 0.937, 0.8, 0.1
    nbs, batch = 64, 16
    if cosine:
        lf = lambda x: max((1 - math.cos(x * math.pi / epochs)) / 2, 0) * (lrf - 1) + 1
    else:
        lf = lambda x: max(1 - x / epochs, 0) * (1.0 - lrf) + lrf
    groups = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
    opt = torch.optim.SGD([groups[0]], lr=lr0, momentum=momentum, nesterov=True)  # bias group first
    opt.add_param_group({"params": [groups[1]], "weight_decay": 5e-4})
    opt.add_param_group({"params": [groups[2]], "weight_decay": 0.0})
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lf)
    sched.last_epoch = -1  # stepped at the start of every epoch, as the trainer does
    nw = max(round(warmup_epochs * nb), 100) if warmup_epochs > 0 else -1
    rows = []
    import warnings
    for epoch in range(epochs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched.step()
        accumulate = max(round(nbs / batch), 1)
        for i in range(nb):
            ni = i + nb * epoch
            if ni <= nw:
                xi = [0, nw]
                accumulate = max(1, int(np.interp(ni, xi, [1, nbs / batch]).round()))
                for j, x in enumerate(opt.param_groups):
                    x["lr"] = np.interp(ni, xi, [warmup_bias_lr if j == 0 else 0.0, x["initial_lr"] * lf(epoch)])
                    if "momentum" in x:
                        x["momentum"] = np.interp(ni, xi, [warmup_momentum, momentum])
            rows.append({"epoch": epoch, "i": i, "ni": ni, "accumulate": accumulate,
                         "lr": [float(x["lr"]) for x in opt.param_groups],
                         "momentum": [float(x["momentum"]) for x in opt.param_groups]})
    return {"epochs": epochs, "nb": nb, "warmup_epochs": warmup_epochs, "lr0": lr0, "lrf": lrf, "momentum": momentum,
            "warmup_momentum": warmup_momentum, "warmup_bias_lr": warmup_bias_lr, "nbs": nbs, "batch": batch,
            "cosine": cosine, "nw": nw, "rows": rows}


def main():
    os.makedirs(OUT, exist_ok=True)
    sgd_h = {"lr": 0.01, "momentum": 0.9, "weight_decay": 5e-4, "nesterov": True}
    adamw_h = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01}
    goldens = {
        "sgd_nesterov": optimizer_golden("sgd_nesterov", lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9, weight_decay=5e-4, nesterov=True), sgd_h),
        "adamw": optimizer_golden("adamw", lambda ps: torch.optim.AdamW(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01), adamw_h),
        "warmup_cosine": schedule_golden(True),
        "warmup_linear": schedule_golden(False),
    }
    for name, g in goldens.items():
        g["torch"] = torch.__version__
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(g, f, indent=1, sort_keys=True)
            f.write("\n")
    print("wrote", ", ".join(goldens), "to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()

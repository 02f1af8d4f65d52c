#!/usr/bin/python3
"""PyTorch CPU baselines for the kernel cases of `visioncuda bench --size model` (benchmarks/VisionCuda.Bench.Core).

Same shapes, same work, 2 threads (torch.set_num_threads(2)); each case is warmed up, then timed REPS times with
time.perf_counter, and the best and median are printed. Run with /usr/bin/python3 (Debian python3-torch 1.13:
`apt-get install -y python3-torch python3-torchvision`).

Cases (the shape strings are our case keys, so benchmarks/run-baselines.sh can pair the rows):
  conv    fwd + bwd-data + bwd-weight + dbias on ResNet-18 stages (batch 8) and yolov8n C2f convs (batch 1, 640 and 320),
          the three calls separately (torch.nn.grad.conv2d_input / conv2d_weight) as our backend runs them
  gemm    1024^3 and ResNet-18's classifier (256 x 1000 x 512, B transposed); Debian's torch uses the generic
          reference BLAS for torch.mm, so these rows are a weak baseline (conv goes through oneDNN and is not)
  bn      F.batch_norm(training=True) forward + autograd backward
  add     torch.add(a, b, out=y) over 16M floats;  silu: silu(x, out=y) over 16M floats
  softmax F.cross_entropy forward + backward on [256, 1000] logits
  sgd     torch.optim.SGD(momentum 0.9, weight_decay 5e-4) step over 11,689,512 params (one tensor)
  adamw   torch.optim.AdamW(lr 1e-3, weight_decay 0.01) step over 11,689,512 params (one tensor)
Output: one line per case, `RESULT|op|shape|best_ms|median_ms|rate` (rate in GFLOP/s or GB/s, same counts as ours).
  /usr/bin/python3 benchmarks/pytorch/ops_bench.py [--ops conv,bn,...] [--reps N]
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
RESNET18_PARAMS = 11_689_512


def bench(fn, reps, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return min(times), statistics.median(times)


def report(op, shape, fn, work, unit, reps):
    best, med = bench(fn, reps)
    rate = work / (med * 1e6)
    print(f"RESULT|{op}|{shape}|{best:.3f}|{med:.3f}|{rate:.1f} {unit}", flush=True)


def rand(*shape, lo=-1.0, hi=1.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=g) * (hi - lo) + lo


def conv_cases():
    yield 8, 64, 56, 56, 64, 3, 1, 1, "resnet18 layer1"
    yield 8, 128, 28, 28, 128, 3, 1, 1, "resnet18 layer2"
    yield 8, 256, 14, 14, 256, 3, 1, 1, "resnet18 layer3"
    yield 8, 512, 7, 7, 512, 3, 1, 1, "resnet18 layer4"
    for imgsz in (640, 320):
        p3, p4, p5 = imgsz // 8, imgsz // 16, imgsz // 32
        yield 1, 64, p3, p3, 64, 1, 1, 0, f"yolov8n@{imgsz} P3 C2f 1x1"
        yield 1, 32, p3, p3, 32, 3, 1, 1, f"yolov8n@{imgsz} P3 C2f 3x3"
        yield 1, 128, p4, p4, 128, 1, 1, 0, f"yolov8n@{imgsz} P4 C2f 1x1"
        yield 1, 64, p4, p4, 64, 3, 1, 1, f"yolov8n@{imgsz} P4 C2f 3x3"
        yield 1, 256, p5, p5, 256, 1, 1, 0, f"yolov8n@{imgsz} P5 C2f 1x1"
        yield 1, 128, p5, p5, 128, 3, 1, 1, f"yolov8n@{imgsz} P5 C2f 3x3"


def conv(reps):
    for n, c, h, w, k, r, stride, pad, label in conv_cases():
        x = rand(n, c, h, w, seed=3)
        wt = rand(k, c, r, r, lo=-0.2, hi=0.2, seed=4)
        b = rand(k, seed=5)
        y = F.conv2d(x, wt, b, stride=stride, padding=pad)
        dy = rand(*y.shape, seed=6)
        flops = 3 * 2.0 * n * k * y.shape[2] * y.shape[3] * c * r * r

        def step():
            F.conv2d(x, wt, b, stride=stride, padding=pad)
            torch.nn.grad.conv2d_input(x.shape, wt, dy, stride=stride, padding=pad)
            torch.nn.grad.conv2d_weight(x, wt.shape, dy, stride=stride, padding=pad)
            dy.sum(dim=(0, 2, 3))

        s = f" s{stride}" if stride > 1 else ""
        report("conv", f"{n}x{c}x{h}x{w} k{k} {r}x{r}{s} {label}", step, flops, "GFLOP/s", reps)


def gemm(reps):
    a, b = rand(1024, 1024, seed=1), rand(1024, 1024, seed=2)
    report("gemm", "1024x1024x1024", lambda: torch.mm(a, b), 2.0 * 1024 ** 3, "GFLOP/s", reps)
    a, b = rand(256, 512, seed=1), rand(1000, 512, seed=2)
    report("gemm", "256x1000x512 B^T resnet18 fc", lambda: torch.mm(a, b.t()), 2.0 * 256 * 1000 * 512, "GFLOP/s", reps)


def bn(reps):
    for n, c, h, w, label in [(8, 64, 56, 56, "resnet18 layer1"), (8, 512, 7, 7, "resnet18 layer4"),
                              (1, 32, 160, 160, "yolov8n@640 P2")]:
        x = rand(n, c, h, w, lo=-2, hi=3, seed=10).requires_grad_(True)
        dy = rand(n, c, h, w, seed=11)
        gamma = rand(c, lo=0.5, hi=1.5, seed=12).requires_grad_(True)
        beta = rand(c, seed=13).requires_grad_(True)
        rm, rv = torch.zeros(c), torch.ones(c)

        def step():
            y = F.batch_norm(x, rm, rv, gamma, beta, training=True, momentum=0.1, eps=1e-5)
            y.backward(dy)

        report("bn", f"{n}x{c}x{h}x{w} {label}", step, 5.0 * 4 * x.numel(), "GB/s", reps)


def elementwise(reps):
    count = 16 << 20
    a, b, y = rand(count, seed=7), rand(count, seed=8), torch.empty(count)
    report("add", f"{count} 16M", lambda: torch.add(a, b, out=y), 12.0 * count, "GB/s", reps)
    x = rand(count, lo=-6, hi=6, seed=9)
    silu_out = getattr(torch._C._nn, "silu", None)
    fn = (lambda: silu_out(x, out=y)) if silu_out is not None else (lambda: F.silu(x))
    report("silu", f"{count} 16M", fn, 8.0 * count, "GB/s", reps)


def softmax(reps):
    n, classes = 256, 1000
    x = rand(n, classes, lo=-4, hi=4, seed=14).requires_grad_(True)
    t = torch.tensor([(i * 7919) % classes for i in range(n)])

    def step():
        F.cross_entropy(x, t).backward()

    report("softmax", f"{n}x{classes} cross-entropy fwd+bwd", step, 6.0 * 4 * n * classes, "GB/s", reps)


def optim(reps):
    count = RESNET18_PARAMS
    p = torch.nn.Parameter(rand(count, seed=15))
    p.grad = rand(count, lo=-0.1, hi=0.1, seed=16)
    sgd = torch.optim.SGD([p], lr=0.01, momentum=0.9, weight_decay=5e-4)
    report("sgd", f"{count} resnet18", sgd.step, 20.0 * count, "GB/s", reps)
    adamw = torch.optim.AdamW([p], lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    report("adamw", f"{count} resnet18", adamw.step, 28.0 * count, "GB/s", reps)


OPS = {"conv": conv, "gemm": gemm, "bn": bn, "add": elementwise, "silu": elementwise, "softmax": softmax,
       "sgd": optim, "adamw": optim}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", default="conv,gemm,bn,add,softmax,sgd", help="comma-separated: " + ",".join(OPS))
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    done = set()
    for op in args.ops.split(","):
        fn = OPS[op.strip()]
        if fn in done:
            continue
        done.add(fn)
        fn(args.reps)

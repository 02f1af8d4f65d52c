#!/usr/bin/python3
"""PyTorch CPU baseline for the Cpu backend's conv2d and SGEMM benchmarks (Conv2dBenchmarks, GemmBenchmarks).

Same shapes as the C# benchmarks, 2 threads (torch.set_num_threads(2)):
  conv2d fwd + bwd-data + bwd-weight: N=8, C=K=64, 3x3, stride 1, pad 1, 56x56, with bias
      flops = 3 * 2*N*K*OH*OW*C*R*S
  sgemm 1024^3: flops = 2*M*N*K
Prints the best and median time in ms and GFLOP/s of the best. Run with /usr/bin/python3 (Debian python3-torch).

Caveat: Debian's torch 1.13 is built with BLAS_INFO=generic (the reference netlib BLAS), so torch.mm is a
weak baseline there (single-digit GFLOP/s); its conv2d goes through MKL-DNN/oneDNN and is the real target.
The script prints the BLAS line of torch.__config__ so the figure can be read in context.
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

# --thread-time: one thread, timed by the thread's own CPU time (time.thread_time). On a shared, overloaded
# machine wall-clock times mostly measure the other tenants; CPU time of a single-threaded run is what the
# C# side measures the same way (clock_gettime(CLOCK_THREAD_CPUTIME_ID)) for a like-for-like per-core figure.
THREAD_TIME = "--thread-time" in sys.argv
torch.set_num_threads(1 if THREAD_TIME else 2)
clock = time.thread_time if THREAD_TIME else time.perf_counter


def bench(fn, warmup=3, reps=15):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = clock()
        fn()
        times.append((clock() - t0) * 1e3)
    return min(times), statistics.median(times)


def conv():
    n, c, k, h, w, r = 8, 64, 64, 56, 56, 3
    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, c, h, w, generator=g) - 0.5
    wt = torch.rand(k, c, r, r, generator=g) - 0.5
    b = torch.rand(k, generator=g) - 0.5
    y = F.conv2d(x, wt, b, stride=1, padding=1)
    dy = torch.rand_like(y)
    oh, ow = y.shape[2], y.shape[3]
    flops = 2.0 * n * k * oh * ow * c * r * r

    fwd = lambda: F.conv2d(x, wt, b, stride=1, padding=1)
    bwd_data = lambda: torch.nn.grad.conv2d_input(x.shape, wt, dy, stride=1, padding=1)
    bwd_weight = lambda: torch.nn.grad.conv2d_weight(x, wt.shape, dy, stride=1, padding=1)

    def all3():
        fwd()
        bwd_data()
        bwd_weight()
        dy.sum(dim=(0, 2, 3))  # dbias

    # The autograd path, as a training step would run it.
    xg = x.clone().requires_grad_(True)
    wg = wt.clone().requires_grad_(True)
    bg = b.clone().requires_grad_(True)

    def autograd_step():
        out = F.conv2d(xg, wg, bg, stride=1, padding=1)
        out.backward(dy)

    for name, fn, f in [("conv2d forward", fwd, flops), ("conv2d backward-data", bwd_data, flops),
                        ("conv2d backward-weight", bwd_weight, flops), ("conv2d fwd+bwd (3 calls)", all3, 3 * flops),
                        ("conv2d fwd+bwd (autograd)", autograd_step, 3 * flops)]:
        best, med = bench(fn)
        print(f"{name:28s} best {best:8.2f} ms  median {med:8.2f} ms  {f / best / 1e6:7.1f} GFLOP/s")


def sgemm():
    m = n = k = 1024
    g = torch.Generator().manual_seed(1)
    a = torch.rand(m, k, generator=g)
    b = torch.rand(k, n, generator=g)
    best, med = bench(lambda: torch.mm(a, b), reps=30)
    print(f"{'sgemm 1024^3':28s} best {best:8.2f} ms  median {med:8.2f} ms  {2.0 * m * n * k / best / 1e6:7.1f} GFLOP/s")


if __name__ == "__main__":
    mode = "thread CPU time" if THREAD_TIME else "wall clock"
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, {mode}")
    parts = torch.__config__.show().replace("\n", ",").split(",")
    print("build: " + ", ".join(p.strip() for p in parts if "BLAS_INFO" in p or "USE_MKLDNN" in p))
    conv()
    sgemm()

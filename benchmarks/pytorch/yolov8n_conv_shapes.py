#!/usr/bin/python3
"""PyTorch side of VisionCuda.TrainBench --convs: the yolov8n conv layers at imgsz 320 timed one by one (forward,
backward-data, backward-weight via aten::convolution_backward with one output each), batch 16, 2 threads, median.
Usage: /usr/bin/python3 benchmarks/pytorch/yolov8n_conv_shapes.py [--batch 16] [--reps 5] [--threads 2]"""
import argparse
import statistics
import time

import torch

SHAPES = [(3, 320, 16, 3, 2), (16, 160, 32, 3, 2), (16, 80, 16, 3, 1), (32, 80, 64, 3, 2), (32, 40, 32, 3, 1),
          (64, 40, 64, 3, 1), (64, 40, 128, 3, 2), (64, 20, 64, 3, 1), (128, 20, 64, 3, 1), (128, 10, 128, 3, 1),
          (256, 10, 64, 3, 1), (64, 40, 64, 1, 1), (192, 40, 64, 1, 1), (384, 10, 256, 1, 1)]


def median_ms(f, reps):
    f()
    t = []
    for _ in range(reps):
        s = time.perf_counter()
        f()
        t.append(1000 * (time.perf_counter() - s))
    return statistics.median(t)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print("pytorch conv ms (median):   layer                        fwd     bwdX    bwdW")
    for c, h, k, r, s in SHAPES:
        x = torch.rand(a.batch, c, h, h) - 0.5
        w = torch.rand(k, c, r, r) - 0.5
        y = torch.conv2d(x, w, None, s, r // 2)
        dy = torch.rand_like(y) - 0.5
        args = (dy, x, w, None, [s, s], [r // 2, r // 2], [1, 1], False, [0, 0], 1)
        f = median_ms(lambda: torch.conv2d(x, w, None, s, r // 2), a.reps)
        bx = median_ms(lambda: torch.ops.aten.convolution_backward(*args, [True, False, False]), a.reps)
        bw = median_ms(lambda: torch.ops.aten.convolution_backward(*args, [False, True, False]), a.reps)
        print(f"  {r}x{r}/s{s} {c}->{k} {h}x{h}".ljust(48) + f"{f:8.2f} {bx:8.2f} {bw:8.2f}", flush=True)


if __name__ == "__main__":
    main()

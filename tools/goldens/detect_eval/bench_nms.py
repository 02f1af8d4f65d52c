#!/usr/bin/python3
"""Times torchvision.ops.nms (CPU, torch.set_num_threads(2)) on the 10,000-box benchmark sets of benchset.py
(random, and clustered), the same boxes that benchmarks/VisionCuda.Benchmarks/NmsBenchmarks.cs runs VisionCuda's Nms.Run on.

    /usr/bin/python3 tools/goldens/detect_eval/bench_nms.py [--repeats 50]

Prints the median and best time per call (boxes and scores already tensors; the call includes torchvision's
own sort), and the kept count (compare with the C# benchmark's kept count / nms_bench_kept.json).
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torchvision
from torchvision.ops import nms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchset import BENCH_IOU, CLUSTERED_IOU, CLUSTERED_SEED, bench_boxes  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=50)
    args = ap.parse_args()
    torch.set_num_threads(2)
    for name, (b, s), iou in [("random", bench_boxes(), BENCH_IOU),
                              ("clustered", bench_boxes(seed=CLUSTERED_SEED, clustered=True), CLUSTERED_IOU)]:
        tb, ts = torch.from_numpy(b), torch.from_numpy(s)
        for _ in range(3):
            kept = nms(tb, ts, iou)
        times, cpu = [], []
        for _ in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            kept = nms(tb, ts, iou)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        times, cpu = np.array(times) * 1e3, np.array(cpu) * 1e3
        print(f"torchvision {torchvision.__version__} (torch {torch.__version__}) nms {name}, n={len(s)}, iou={iou}, "
              f"threads={torch.get_num_threads()}: median {np.median(times):.3f} ms, best {times.min():.3f} ms, "
              f"mean cpu {cpu.mean():.3f} ms, kept {len(kept)}")


if __name__ == "__main__":
    main()

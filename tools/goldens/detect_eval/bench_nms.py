#!/usr/bin/python3
"""Times torchvision.ops.nms (CPU, torch.set_num_threads(2)) on the 10,000-box benchmark set of benchset.py,
the same boxes that benchmarks/VisionCuda.Benchmarks/NmsBenchmarks.cs runs VisionCuda's Nms.Run on.

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
from benchset import BENCH_IOU, bench_boxes  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=50)
    args = ap.parse_args()
    torch.set_num_threads(2)
    b, s = bench_boxes()
    tb, ts = torch.from_numpy(b), torch.from_numpy(s)
    for _ in range(3):
        kept = nms(tb, ts, BENCH_IOU)
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        kept = nms(tb, ts, BENCH_IOU)
        times.append(time.perf_counter() - t0)
    times = np.array(times) * 1e3
    print(f"torchvision {torchvision.__version__} (torch {torch.__version__}) nms, n={len(s)}, iou={BENCH_IOU}, threads={torch.get_num_threads()}: "
          f"median {np.median(times):.3f} ms, best {times.min():.3f} ms, kept {len(kept)}")


if __name__ == "__main__":
    main()

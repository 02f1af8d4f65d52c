#!/usr/bin/python3
"""NMS goldens for VisionCuda.Training.Detect.Nms (tests/VisionCuda.Training.Tests/Detect/Nms*).

Runs torchvision.ops.nms / batched_nms (Debian python3-torchvision 0.14 with torch 1.13, CPU) on hand-made and
random cases and stores the inputs and the kept indices:

    /usr/bin/python3 tools/goldens/detect_eval/make_nms_goldens.py [OUT_DIR]

Writes OUT_DIR (default tests/VisionCuda.Training.Tests/Detect/evaldata)/nms_goldens.json:
  {"torch": ..., "torchvision": ..., "cases": [{"name", "op": "nms"|"batched_nms", "iou": float,
    "boxes": [n*4 float32 x1,y1,x2,y2], "scores": [n], "idxs": [n] (batched only), "kept": [k]}]}
and nms_bench_kept.json: the indices torchvision keeps on the 10,000-box benchmark set of benchset.py.

What the cases pin down (each confirmed here against torchvision, see check_tie_rule):
- equal scores: the lower index is ranked first (torchvision's CPU kernel sorts with stable=True);
- IoU exactly at the threshold is kept (strict '>'); the IoU is float32 and the threshold is the double you
  pass (IoU 3/5 = 0.6000000238f is suppressed at iou=0.6);
- zero-area boxes: IoU 0/0 = NaN never suppresses; identical boxes with area suppress each other;
- batched_nms: n*4 <= 4000 uses the coordinate offset trick, larger sets per-class NMS (both covered). The
  per-class path merges with torch's unstable sort, so there "kept" is torchvision's kept set in the documented
  order (score descending, lower index first) and "kept_torchvision_order" is torchvision's raw answer (the same
  set, the same score sequence, ties in an arbitrary order).
Deterministic: numpy RandomState seeds per case.
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision
from torchvision.ops import batched_nms, nms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchset import BENCH_IOU, bench_boxes  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "VisionCuda.Training.Tests", "Detect", "evaldata")


def f32(a):
    return [float(np.format_float_positional(np.float32(v), unique=True, trim="-")) if np.isfinite(v) else float(v)
            for v in np.asarray(a, dtype=np.float32).ravel()]


cases = []


def add(name, boxes, scores, iou, idxs=None):
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    scores = np.asarray(scores, dtype=np.float32).reshape(-1)
    tb, ts = torch.from_numpy(boxes), torch.from_numpy(scores)
    case = {"name": name, "iou": iou, "boxes": f32(boxes), "scores": f32(scores)}
    if idxs is None:
        case["op"] = "nms"
        kept = nms(tb, ts, iou)
    else:
        idxs = np.asarray(idxs, dtype=np.int64).reshape(-1)
        case["op"] = "batched_nms"
        case["idxs"] = [int(v) for v in idxs]
        kept = batched_nms(tb, ts, torch.from_numpy(idxs), iou)
        if 4 * len(scores) > 4000:
            # torchvision's per-class path orders the union with torch's *unstable* sort (introsort for n > 16 in
            # torch 1.13), so the order among equal scores there is an accident of the sort. Store torchvision's
            # raw answer and the same set in the documented order (score descending, lower index first).
            stable = kept[ts[kept].sort(descending=True, stable=True)[1]]
            raw = kept
            kept = torch.sort(kept)[0]
            kept = kept[ts[kept].sort(descending=True, stable=True)[1]]
            assert sorted(raw.tolist()) == sorted(kept.tolist())
            assert torch.equal(ts[raw], ts[kept]) and torch.equal(ts[stable], ts[kept])
            case["kept_torchvision_order"] = [int(v) for v in raw]
            case["tie_order"] = "torchvision's order among equal scores is unspecified here; kept = same set, stable order"
    case["kept"] = [int(v) for v in kept]
    cases.append(case)
    return case["kept"]


def random_boxes(rng, n, extent=640.0, smin=4.0, smax=160.0, score_levels=None):
    cx = rng.uniform(0, extent, n)
    cy = rng.uniform(0, extent, n)
    w = rng.uniform(smin, smax, n)
    h = rng.uniform(smin, smax, n)
    # 0.1-pixel grid and 4-decimal scores keep the files small (and add ties of their own)
    boxes = np.round(np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1), 1).astype(np.float32)
    if score_levels:
        scores = rng.randint(0, score_levels, n).astype(np.float32) / score_levels
    else:
        scores = np.round(rng.uniform(0, 1, n), 4).astype(np.float32)
    return boxes, scores


def check_tie_rule():
    # Three identical boxes, equal scores: the kept one must be index 0 (lower index first), and with the
    # order reversed in memory still the lowest index.
    b = [[0, 0, 10, 10]] * 3
    assert add("ties_identical_equal_scores", b, [0.5, 0.5, 0.5], 0.5) == [0]
    # Chain with ties: 1 and 2 tie; 1 (lower index) ranks first and suppresses 2; 3 survives.
    kept = add("ties_chain", [[0, 0, 10, 10], [20, 0, 30, 10], [21, 0, 31, 10], [40, 0, 50, 10]],
               [0.9, 0.7, 0.7, 0.7], 0.5)
    assert kept == [0, 1, 3], kept
    # Non-overlapping equal scores: output order must be ascending index.
    kept = add("ties_disjoint_order", [[i * 20, 0, i * 20 + 10, 10] for i in range(8)], [0.3] * 8, 0.5)
    assert kept == list(range(8)), kept


def main():
    os.makedirs(OUT, exist_ok=True)
    check_tie_rule()
    # ties where the tie order decides which box survives
    add("ties_decide_survivor", [[0, 0, 10, 10], [1, 0, 11, 10], [2, 0, 12, 10], [30, 30, 40, 40], [31, 30, 41, 40]],
        [0.5, 0.8, 0.8, 0.2, 0.2], 0.5)
    # IoU exactly at the threshold (1/2): kept; IoU 3/5 (0.6000000238f) at iou=0.6: suppressed; 2/3 at 0.6: suppressed
    add("iou_equal_threshold_half", [[0, 0, 2, 1], [0, 0, 1, 1]], [0.9, 0.8], 0.5)
    add("iou_three_fifths_at_0.6", [[0, 0, 5, 1], [0, 0, 3, 1]], [0.9, 0.8], 0.6)
    add("iou_three_fifths_at_0.61", [[0, 0, 5, 1], [0, 0, 3, 1]], [0.9, 0.8], 0.61)
    add("iou_quarter_at_0.25", [[0, 0, 4, 1], [0, 0, 1, 1]], [0.9, 0.8], 0.25)
    add("iou_one_seventh_at_0.1428", [[0, 0, 4, 1], [3, 0, 7, 1]], [0.9, 0.8], 1.0 / 7.0)
    # zero-area boxes: points, lines, identical zero-area boxes, zero-area inside a real box
    add("zero_area", [[5, 5, 5, 5], [5, 5, 5, 5], [0, 0, 10, 0], [0, 0, 10, 0], [0, 0, 10, 10], [5, 5, 5, 5],
                      [2, 2, 2, 8], [0, 0, 10, 10]],
        [0.9, 0.8, 0.7, 0.7, 0.6, 0.5, 0.4, 0.3], 0.5)
    add("zero_area_all_same", [[3, 3, 3, 3]] * 5, [0.1, 0.5, 0.5, 0.3, 0.9], 0.0)
    # identical boxes, distinct and equal scores, several groups
    add("identical", [[0, 0, 10, 10], [50, 50, 60, 70], [0, 0, 10, 10], [50, 50, 60, 70], [0, 0, 10, 10],
                      [50, 50, 60, 70]], [0.2, 0.4, 0.9, 0.4, 0.9, 0.1], 0.5)
    add("identical_iou_0.99", [[1.5, 2.5, 7.25, 9.75]] * 4, [0.3, 0.3, 0.6, 0.3], 0.99)
    # threshold 0 (any overlap suppresses) and threshold 1 (nothing suppresses, even identical ones: IoU 1 > 1 false)
    rng = np.random.RandomState(7)
    b, s = random_boxes(rng, 64, extent=200)
    add("random64_iou0", b, s, 0.0)
    add("random64_iou1", b, s, 1.0)
    add("empty", np.zeros((0, 4)), np.zeros((0,)), 0.5)
    add("single", [[1, 2, 3, 4]], [0.5], 0.5)
    # random 1000-box sets at several thresholds; some with heavily quantised scores (many ties)
    for seed, iou, levels in [(1, 0.5, None), (2, 0.7, None), (3, 0.3, None), (4, 0.45, 10), (5, 0.65, 4),
                              (6, 0.5, 1000)]:
        rng = np.random.RandomState(seed)
        b, s = random_boxes(rng, 1000, score_levels=levels)
        add(f"random1000_seed{seed}_iou{iou}" + (f"_levels{levels}" if levels else ""), b, s, iou)
    # dense clusters: many near-duplicates around few centres (a detector's raw output)
    rng = np.random.RandomState(11)
    centres = rng.uniform(50, 590, (20, 2))
    pick = rng.randint(0, 20, 800)
    cx = centres[pick, 0] + rng.normal(0, 3, 800)
    cy = centres[pick, 1] + rng.normal(0, 3, 800)
    w = rng.uniform(30, 60, 800)
    h = rng.uniform(30, 60, 800)
    b = np.round(np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1), 1)
    s = np.round(rng.uniform(0, 1, 800), 2)
    add("clusters800_iou0.7", b, s, 0.7)
    add("clusters800_iou0.45", b, s, 0.45)
    # batched: small (coordinate trick: n*4 <= 4000) and large (per-class vanilla path), with ties
    add("batched_small_hand", [[0, 0, 10, 10], [0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10], [100, 100, 110, 110]],
        [0.9, 0.8, 0.8, 0.7, 0.6], 0.5, idxs=[0, 1, 0, 1, 2])
    for seed, n, nc, iou, levels in [(21, 300, 3, 0.5, None), (22, 1000, 5, 0.6, 20), (23, 1001, 5, 0.6, 20),
                                     (24, 2000, 10, 0.7, None), (25, 1500, 4, 0.45, 8)]:
        rng = np.random.RandomState(seed)
        b, s = random_boxes(rng, n, score_levels=levels)
        idxs = rng.randint(0, nc, n)
        add(f"batched{n}_nc{nc}_iou{iou}" + (f"_levels{levels}" if levels else ""), b, s, iou, idxs=idxs)
    out = {"torch": torch.__version__, "torchvision": torchvision.__version__, "cases": cases}
    with open(os.path.join(OUT, "nms_goldens.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
    # the 10,000-box benchmark set: only the kept indices are stored (the boxes are regenerated by the LCG)
    b, s = bench_boxes()
    kept = nms(torch.from_numpy(b), torch.from_numpy(s), BENCH_IOU)
    with open(os.path.join(OUT, "nms_bench_kept.json"), "w") as f:
        json.dump({"n": len(s), "iou": BENCH_IOU, "first_boxes": f32(b[:4]), "first_scores": f32(s[:4]),
                   "kept": [int(v) for v in kept]}, f, separators=(",", ":"))
    print(f"{len(cases)} cases; bench set keeps {len(kept)} of {len(s)}")


if __name__ == "__main__":
    main()

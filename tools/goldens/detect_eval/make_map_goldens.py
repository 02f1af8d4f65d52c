#!/usr/bin/python3
"""mAP goldens for VisionCuda.Training.Detect.Metrics (tests/VisionCuda.Training.Tests/Detect/Metrics*), scored by
the real pycocotools COCOeval (bbox), not a re-implementation.

pycocotools is not a Debian package and PyPI is not reachable here, so build it from the cocoapi sources
(github cocodataset/cocoapi, PythonAPI) in place, outside the repository, and point this script at it:

    apt-get install -y cython3 python3-dev python3-numpy
    cd /tmp/cocoapi/PythonAPI && /usr/bin/python3 setup.py build_ext --inplace
    /usr/bin/python3 tools/goldens/detect_eval/make_map_goldens.py --cocoapi /tmp/cocoapi/PythonAPI [OUT_DIR]

Two shims, neither touching the evaluation logic: cocoapi master uses np.float (removed in numpy 1.24; it was an
alias of the builtin float, which is what it is set back to), and coco.py imports matplotlib for drawing only (a
stub module is installed when matplotlib is missing).

Writes OUT_DIR (default tests/VisionCuda.Training.Tests/Detect/evaldata)/map_goldens.json:
  {"sets": [{"name", "nc", "images": [{"gt": [[cls, x1, y1, x2, y2], ...], "pred": [[x1, y1, x2, y2, score, cls], ...]}],
             "stats": [12 COCOeval stats], "map5095": stats[0], "map50": stats[1],
             "ap5095_per_class": [per class, null without gt], "ap50_per_class": [...],
             "precision_recall_max_f1": [P, R] (a numpy port of Ultralytics' ap_per_class P/R written for this
             script, fed pycocotools' matches at IoU 0.5; null where an image has > 100 predictions of a class)}]}
Classes are 0-based here and category_id = cls + 1 for pycocotools; image_id = position + 1.
Boxes are xyxy float32 (mostly on a 0.5-pixel grid, one set of arbitrary floats); pycocotools receives
xywh = (x1, y1, x2 - x1, y2 - y1) in double, which reconstructs the same corners exactly.
Deterministic: numpy RandomState per set.
"""
import argparse
import contextlib
import io
import json
import os
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def import_pycocotools(path):
    if not hasattr(np, "float"):
        np.float = float  # cocoapi master: np.cumsum(...).astype(dtype=np.float)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        mpl = types.ModuleType("matplotlib")
        plt = types.ModuleType("matplotlib.pyplot")
        coll = types.ModuleType("matplotlib.collections")
        patches = types.ModuleType("matplotlib.patches")
        coll.PatchCollection = object
        patches.Polygon = object
        mpl.pyplot, mpl.collections, mpl.patches = plt, coll, patches
        sys.modules.update({"matplotlib": mpl, "matplotlib.pyplot": plt, "matplotlib.collections": coll,
                            "matplotlib.patches": patches})
    if path:
        sys.path.insert(0, path)
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    return COCO, COCOeval


def f32(v):
    return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))


def evaluate(COCO, COCOeval, nc, images):
    gt = {"images": [{"id": i + 1} for i in range(len(images))], "categories": [{"id": c + 1} for c in range(nc)],
          "annotations": []}
    dts = []
    for i, im in enumerate(images):
        for cls, x1, y1, x2, y2 in im["gt"]:
            w, h = x2 - x1, y2 - y1
            gt["annotations"].append({"id": len(gt["annotations"]) + 1, "image_id": i + 1, "category_id": int(cls) + 1,
                                      "bbox": [x1, y1, w, h], "area": w * h, "iscrowd": 0})
        for x1, y1, x2, y2, score, cls in im["pred"]:
            dts.append({"image_id": i + 1, "category_id": int(cls) + 1, "bbox": [x1, y1, x2 - x1, y2 - y1], "score": score})
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = gt
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(dts)
        ev = COCOeval(coco_gt, coco_dt, "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    prec = ev.eval["precision"]  # [T, R, K, A, M]; area "all" = 0, maxDets 100 = 2
    ap5095, ap50 = [], []
    for k in range(nc):
        p = prec[:, :, k, 0, 2]
        ap5095.append(float(np.mean(p[p > -1])) if (p > -1).any() else None)
        p50 = prec[0, :, k, 0, 2]
        ap50.append(float(np.mean(p50[p50 > -1])) if (p50 > -1).any() else None)
    # P and R at the max-F1 confidence, Ultralytics ap_per_class style, from pycocotools' own matches at IoU 0.5
    tp, conf, pcls = [], [], []
    for e in ev.evalImgs:
        if e is None or e["aRng"] != [0, 1e10]:
            continue
        tp += list(e["dtMatches"][0] > 0)
        conf += list(e["dtScores"])
        pcls += [e["category_id"] - 1] * len(e["dtScores"])
    counts = np.zeros(nc, dtype=int)
    for im in images:
        for g in im["gt"]:
            counts[int(g[0])] += 1
    pr = ultralytics_pr(np.array(tp, dtype=float), np.array(conf), np.array(pcls), counts)
    return [float(s) for s in ev.stats], ap5095, ap50, pr


def smooth(y, f=0.05):
    """Ultralytics' box filter (written from its documented behaviour): nf points, ends padded."""
    nf = round(len(y) * f * 2) // 2 + 1
    p = np.ones(nf // 2)
    yp = np.concatenate((p * y[0], y, p * y[-1]), 0)
    return np.convolve(yp, np.ones(nf) / nf, mode="valid")


def ultralytics_pr(tp, conf, pred_cls, counts, eps=1e-16):
    """Mean P and R over classes with gt at the confidence where the smoothed mean F1 peaks (ap_per_class)."""
    i = np.argsort(-conf, kind="stable")
    tp, conf, pred_cls = tp[i], conf[i], pred_cls[i]
    classes = [c for c in range(len(counts)) if counts[c] > 0]
    x = np.linspace(0, 1, 1000)
    p_curve, r_curve = np.zeros((len(classes), 1000)), np.zeros((len(classes), 1000))
    for ci, c in enumerate(classes):
        m = pred_cls == c
        if m.sum() == 0:
            continue
        fpc = (1 - tp[m]).cumsum(0)
        tpc = tp[m].cumsum(0)
        r_curve[ci] = np.interp(-x, -conf[m], tpc / (counts[c] + eps), left=0)
        p_curve[ci] = np.interp(-x, -conf[m], tpc / (tpc + fpc), left=1)
    f1 = 2 * p_curve * r_curve / (p_curve + r_curve + eps)
    k = smooth(f1.mean(0), 0.1).argmax()
    return [float(p_curve[:, k].mean()), float(r_curve[:, k].mean())]


def grid(v):
    return float(np.round(np.asarray(v) * 2) / 2)


def make_set(rng, n_images, nc, max_gt, p_miss, p_dup, n_fp, jitter, score_levels=None, on_grid=True, extent=640):
    images = []
    for _ in range(n_images):
        gts, preds = [], []
        for _ in range(rng.randint(0, max_gt + 1)):
            cls = rng.randint(0, nc)
            w, h = rng.uniform(10, 200), rng.uniform(10, 200)
            x1, y1 = rng.uniform(0, extent - w), rng.uniform(0, extent - h)
            box = [x1, y1, x1 + w, y1 + h]
            box = [grid(v) for v in box] if on_grid else [f32(v) for v in box]
            if box[2] <= box[0] or box[3] <= box[1]:
                continue
            gts.append([cls] + box)
            copies = 0 if rng.uniform() < p_miss else 1 + (rng.uniform() < p_dup)
            for _ in range(copies):
                j = rng.normal(0, jitter * max(w, h), 4)
                pb = [box[0] + j[0], box[1] + j[1], box[2] + j[2], box[3] + j[3]]
                pb = [grid(v) for v in pb] if on_grid else [f32(v) for v in pb]
                if pb[2] <= pb[0] or pb[3] <= pb[1]:
                    continue
                pc = cls if rng.uniform() > 0.1 else rng.randint(0, nc)  # 10% wrong class
                preds.append(pb + [score(rng, score_levels, 0.3, 1.0), pc])
        for _ in range(rng.randint(0, n_fp + 1)):
            w, h = rng.uniform(10, 150), rng.uniform(10, 150)
            x1, y1 = rng.uniform(0, extent - w), rng.uniform(0, extent - h)
            pb = [x1, y1, x1 + w, y1 + h]
            pb = [grid(v) for v in pb] if on_grid else [f32(v) for v in pb]
            preds.append(pb + [score(rng, score_levels, 0.0, 0.8), rng.randint(0, nc)])
        rng.shuffle(preds)
        images.append({"gt": gts, "pred": preds})
    return images


def score(rng, levels, lo, hi):
    if levels:
        return f32(np.round(rng.uniform(lo, hi) * levels) / levels)
    return f32(rng.uniform(lo, hi))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cocoapi", default=os.environ.get("COCOAPI", "/tmp/cocoapi/PythonAPI"),
                    help="folder holding the built pycocotools package (cocoapi/PythonAPI)")
    ap.add_argument("out", nargs="?", default=os.path.join(HERE, "..", "..", "..", "tests", "VisionCuda.Training.Tests",
                                                           "Detect", "evaldata"))
    args = ap.parse_args()
    COCO, COCOeval = import_pycocotools(args.cocoapi)
    sets = []

    def add(name, nc, images):
        stats, ap5095, ap50, pr = evaluate(COCO, COCOeval, nc, images)
        over100 = any(sum(1 for p in im["pred"] if p[5] == c) > 100 for im in images for c in range(nc))
        sets.append({"name": name, "nc": nc, "images": images, "stats": stats, "map5095": stats[0], "map50": stats[1],
                     "ap5095_per_class": ap5095, "ap50_per_class": ap50,
                     # from the maxDets-truncated matches, so only where no image has > 100 of a class
                     "precision_recall_max_f1": None if over100 else pr})
        print(f"{name}: mAP50-95 {stats[0]:.4f} mAP50 {stats[1]:.4f}")

    # perfect predictions: every AP is 1
    rng = np.random.RandomState(100)
    imgs = make_set(rng, 4, 3, 6, 0.0, 0.0, 0, 0.0)
    for im in imgs:
        im["pred"] = [g[1:] + [0.9, g[0]] for g in im["gt"]]
    add("perfect", 3, imgs)
    # the usual mixture: jitter, misses, duplicates, wrong classes, low-score false positives
    add("basic_4img_3cls", 3, make_set(np.random.RandomState(1), 4, 3, 8, 0.15, 0.2, 4, 0.05))
    add("many_20img_5cls", 5, make_set(np.random.RandomState(2), 20, 5, 10, 0.1, 0.3, 6, 0.08))
    add("loose_boxes", 4, make_set(np.random.RandomState(3), 12, 4, 8, 0.1, 0.2, 5, 0.15))
    # heavily quantised scores: ties within and across images (pycocotools sorts with mergesort: stable)
    add("score_ties", 3, make_set(np.random.RandomState(4), 10, 3, 8, 0.1, 0.4, 5, 0.06, score_levels=5))
    # arbitrary float32 coordinates (not on a grid)
    add("float_coords", 4, make_set(np.random.RandomState(5), 10, 4, 8, 0.1, 0.2, 4, 0.06, on_grid=False))
    # images without gt, images without predictions, a class with predictions only, a class with gt only
    rng = np.random.RandomState(6)
    imgs = make_set(rng, 8, 4, 6, 0.1, 0.2, 3, 0.05)
    imgs[1]["gt"] = []
    imgs[2]["pred"] = []
    imgs.append({"gt": [], "pred": []})
    for im in imgs:
        im["gt"] = [g for g in im["gt"] if g[0] != 3]          # class 3: predictions only (ignored by COCO)
        im["pred"] = [p for p in im["pred"] if p[5] != 2]      # class 2: gt only (AP 0)
    add("empty_images_and_classes", 4, imgs)
    # more than 100 predictions of one class in one image: pycocotools keeps the 100 best per image and class
    rng = np.random.RandomState(7)
    imgs = make_set(rng, 3, 2, 12, 0.0, 0.0, 0, 0.03)
    extra = []
    for _ in range(150):
        g = imgs[0]["gt"][rng.randint(0, len(imgs[0]["gt"]))] if imgs[0]["gt"] else [0, 10, 10, 50, 50]
        j = rng.normal(0, 4, 4)
        pb = [grid(g[1] + j[0]), grid(g[2] + j[1]), grid(g[3] + j[2]), grid(g[4] + j[3])]
        if pb[2] > pb[0] and pb[3] > pb[1]:
            extra.append(pb + [score(rng, None, 0.0, 1.0), 0])
    imgs[0]["pred"] += extra
    add("over_100_per_image", 2, imgs)
    # IoU exactly on the thresholds (integer boxes): gt 0..100 x 0..10, preds overlapping 50%, 75%, 95%
    imgs = [{"gt": [[0, 0, 0, 100, 10], [0, 200, 0, 300, 10], [0, 400, 0, 500, 10], [1, 0, 100, 100, 110]],
             "pred": [[0, 0, 50, 10, 0.9, 0],            # IoU 0.5 exactly
                      [200, 0, 275, 10, 0.8, 0],         # IoU 0.75 exactly
                      [400, 0, 495, 10, 0.7, 0],         # IoU 0.95 exactly
                      [0, 100, 60, 110, 0.6, 1],         # IoU 0.6
                      [0, 0, 100, 10, 0.5, 0]]}]         # duplicate of the first gt at a lower score
    add("iou_on_thresholds", 2, imgs)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "map_goldens.json"), "w") as f:
        from pycocotools.cocoeval import Params
        prm = Params(iouType="bbox")
        json.dump({"generator": "pycocotools COCOeval (cocoapi master 8c9bcc3), bbox, areaRng all, maxDets 100",
                   "iou_thresholds": [float(t) for t in prm.iouThrs], "recall_thresholds": [float(r) for r in prm.recThrs],
                   "sets": sets}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()

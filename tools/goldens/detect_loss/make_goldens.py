#!/usr/bin/python3
"""Goldens for VisionCuda's YOLO detection loss (tests/VisionCuda.Training.Tests/Detect/Loss*).

Design notes
- An independent PyTorch re-implementation, written from the math of YOLOv8's loss (not from Ultralytics code):
  CIoU (Zheng et al. 2020; alpha treated as a constant in the backward pass), the distribution focal loss
  (Li et al. 2020: cross-entropy on the two bins around a continuous target, linearly weighted), the task-aligned
  assigner (Feng et al. 2021, TOOD) and the v8 total loss (BCE / CIoU / DFL with gains, times batch size).
- Plain loops per image and per gt where that reads clearer; speed does not matter here.
- Tie rule made explicit (the C# side uses the same): top-k picks the largest align metrics with ties broken by
  the lower anchor index (stable sort); an anchor claimed by several gts goes to the gt with the largest
  CIoU overlap, the lower gt index on ties (first argmax).
- CIoU goldens avoid exactly equal coordinates between the two boxes: there torch.maximum/minimum split the
  gradient in halves while VisionCuda's F.Maximum/Minimum give it to one side (a measure-zero case in training).
- Run with Debian's torch 1.13: /usr/bin/python3 tools/goldens/detect_loss/make_goldens.py
  Writes tests/VisionCuda.Training.Tests/Detect/data/*.json: {"params": {...}, "tensors": {name: {shape, dtype, data}}}.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                   "tests", "VisionCuda.Training.Tests", "Detect", "data")
REG_MAX = 16


def ciou(b1, b2, eps=1e-7):
    """Complete IoU of xyxy boxes b1, b2 [..., 4] (broadcasting); alpha is not differentiated."""
    ax1, ay1, ax2, ay2 = b1.unbind(-1)
    bx1, by1, bx2, by2 = b2.unbind(-1)
    w1, h1 = ax2 - ax1, ay2 - ay1 + eps
    w2, h2 = bx2 - bx1, by2 - by1 + eps
    inter = (torch.minimum(ax2, bx2) - torch.maximum(ax1, bx1)).clamp(min=0) * \
            (torch.minimum(ay2, by2) - torch.maximum(ay1, by1)).clamp(min=0)
    union = w1 * h1 + w2 * h2 - inter + eps
    iou = inter / union
    enclose_w = torch.maximum(ax2, bx2) - torch.minimum(ax1, bx1)
    enclose_h = torch.maximum(ay2, by2) - torch.minimum(ay1, by1)
    diag2 = enclose_w ** 2 + enclose_h ** 2 + eps
    centre2 = ((bx1 + bx2 - ax1 - ax2) ** 2 + (by1 + by2 - ay1 - ay2) ** 2) / 4
    v = (4 / math.pi ** 2) * (torch.atan(w2 / h2) - torch.atan(w1 / h1)) ** 2
    with torch.no_grad():
        alpha = v / (v - iou + (1 + eps))
    return iou - (centre2 / diag2 + v * alpha)


def dfl(logits, target):
    """logits [N, 4, R], target distances [N, 4] in [0, R-1): mean over the 4 sides of the two-bin CE."""
    left = target.long()
    right = left + 1
    w_left = right.float() - target
    w_right = 1 - w_left
    logp = F.log_softmax(logits, -1)
    ce_l = -logp.gather(-1, left.unsqueeze(-1)).squeeze(-1)
    ce_r = -logp.gather(-1, right.unsqueeze(-1)).squeeze(-1)
    return (ce_l * w_left + ce_r * w_right).mean(-1)


def make_anchors(sizes, strides):
    pts, st = [], []
    for (h, w), s in zip(sizes, strides):
        ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32) + 0.5,
                                torch.arange(w, dtype=torch.float32) + 0.5, indexing="ij")
        pts.append(torch.stack([xs, ys], -1).reshape(-1, 2))
        st.append(torch.full((h * w,), float(s)))
    return torch.cat(pts), torch.cat(st)


def assign(scores, boxes, anchors, gt_cls, gt_boxes, nc, topk=10, alpha=0.5, beta=6.0, eps=1e-9):
    """One image. scores [A, nc] (probabilities), boxes [A, 4] xyxy px, anchors [A, 2] px, gts [n], [n, 4] xyxy px.
    Returns fg [A] bool, gt index [A] long, target boxes [A, 4], target scores [A, nc], multi (bool: some anchor had
    several gts)."""
    A = anchors.shape[0]
    n = gt_cls.shape[0]
    if n == 0:
        return (torch.zeros(A, dtype=torch.bool), torch.zeros(A, dtype=torch.long), torch.zeros(A, 4),
                torch.zeros(A, nc), False)
    inside = torch.zeros(n, A, dtype=torch.bool)
    overlaps = torch.zeros(n, A)
    metric = torch.zeros(n, A)
    for g in range(n):
        x1, y1, x2, y2 = gt_boxes[g]
        d = torch.stack([anchors[:, 0] - x1, anchors[:, 1] - y1, x2 - anchors[:, 0], y2 - anchors[:, 1]], -1)
        inside[g] = d.amin(-1) > eps
        idx = inside[g].nonzero().squeeze(-1)
        if idx.numel() == 0:
            continue
        ov = ciou(gt_boxes[g].expand(idx.numel(), 4), boxes[idx]).clamp(min=0)
        overlaps[g, idx] = ov
        metric[g, idx] = scores[idx, gt_cls[g]].pow(alpha) * ov.pow(beta)
    order = torch.sort(metric, dim=-1, descending=True, stable=True).indices[:, :topk]
    chosen = torch.zeros(n, A, dtype=torch.bool)
    chosen.scatter_(1, order, True)
    pos = chosen & inside
    multi = pos.sum(0) > 1
    if multi.any():
        best = overlaps.argmax(0)
        one = F.one_hot(best, n).T.bool()
        pos = torch.where(multi.unsqueeze(0), one, pos)
    fg = pos.any(0)
    gt_idx = pos.float().argmax(0)
    t_boxes = gt_boxes[gt_idx]
    t_scores = F.one_hot(gt_cls[gt_idx], nc).float() * fg.unsqueeze(-1)
    m = metric * pos
    o = overlaps * pos
    norm = (m * o.amax(-1, keepdim=True) / (m.amax(-1, keepdim=True) + eps)).amax(0)
    return fg, gt_idx, t_boxes, t_scores * norm.unsqueeze(-1), bool(multi.any())


def detection_loss(levels, strides, targets, nc, gains=(7.5, 0.5, 1.5), cls_weights=None):
    """levels: list of [B, 4R+nc, H, W]; targets [N, 6] (image, class, cx, cy, w, h normalised)."""
    B = levels[0].shape[0]
    no = 4 * REG_MAX + nc
    sizes = [(l.shape[2], l.shape[3]) for l in levels]
    img_h, img_w = sizes[0][0] * strides[0], sizes[0][1] * strides[0]
    flat = torch.cat([l.reshape(B, no, -1) for l in levels], 2)
    box_logits = flat[:, :4 * REG_MAX].permute(0, 2, 1).reshape(B, -1, 4, REG_MAX)
    cls_logits = flat[:, 4 * REG_MAX:].permute(0, 2, 1)
    anchors, stride = make_anchors(sizes, strides)
    A = anchors.shape[0]
    dist = (box_logits.softmax(-1) * torch.arange(REG_MAX, dtype=torch.float32)).sum(-1)
    pbox = torch.cat([anchors - dist[..., :2], anchors + dist[..., 2:]], -1)          # grid units
    fg = torch.zeros(B, A, dtype=torch.bool)
    gt_idx = torch.zeros(B, A, dtype=torch.long)
    t_boxes = torch.zeros(B, A, 4)
    t_scores = torch.zeros(B, A, nc)
    multi = False
    for b in range(B):
        t = targets[targets[:, 0] == b]
        cx, cy, w, h = t[:, 2] * img_w, t[:, 3] * img_h, t[:, 4] * img_w, t[:, 5] * img_h
        gtb = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)
        r = assign(cls_logits[b].detach().sigmoid(), pbox[b].detach() * stride.unsqueeze(-1),
                   anchors * stride.unsqueeze(-1), t[:, 1].long(), gtb, nc)
        fg[b], gt_idx[b], t_boxes[b], t_scores[b], m = r
        multi = multi or m
    tss = max(t_scores.sum(), torch.tensor(1.0))
    bce = F.binary_cross_entropy_with_logits(cls_logits, t_scores, reduction="none")
    if cls_weights is not None:
        bce = bce * cls_weights
    l_cls = bce.sum() / tss
    if fg.any():
        weight = t_scores.sum(-1)[fg]
        tb = t_boxes / stride.unsqueeze(-1)
        l_box = ((1 - ciou(pbox[fg], tb[fg])) * weight).sum() / tss
        ltrb = torch.cat([anchors - tb[..., :2], tb[..., 2:] - anchors], -1).clamp(0, REG_MAX - 1 - 0.01)
        l_dfl = (dfl(box_logits[fg], ltrb[fg]) * weight).sum() / tss
    else:
        l_box = l_dfl = flat.sum() * 0
    parts = torch.stack([l_box * gains[0], l_cls * gains[1], l_dfl * gains[2]])
    return parts.sum() * B, parts.detach(), dict(fg=fg, gt_idx=gt_idx, t_boxes=t_boxes, t_scores=t_scores,
                                                 tss=tss, multi=multi)


def T(x, dtype="float32"):
    x = x.detach()
    data = x.reshape(-1).tolist()
    if dtype == "int32":
        data = [int(v) for v in data]
    else:
        data = [float(f"{v:.9g}") for v in data]    # 9 significant digits round-trip float32 exactly
    return {"shape": list(x.shape), "dtype": dtype, "data": data}


def write(name, params, tensors):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"op": name, "params": params, "tensors": tensors}, f, separators=(",", ":"))
    print("wrote", name)


def random_boxes(g, n, lo, hi, size):
    c = torch.rand(n, 2, generator=g) * (hi - lo) + lo
    wh = torch.rand(n, 2, generator=g) * (size[1] - size[0]) + size[0]
    return torch.cat([c - wh / 2, c + wh / 2], -1)


def golden_ciou(g):
    n = 64
    a = random_boxes(g, n, 0, 20, (0.5, 12))
    b = random_boxes(g, n, 0, 20, (0.5, 12))
    b[:8] = a[:8] + torch.randn(8, 4, generator=g) * 0.3      # near-identical pairs
    b[8:12] = a[8:12] + torch.tensor([30.0, 0.25, 30, 0.5])     # disjoint pairs (no shared edge: see the note below)
    a.requires_grad_(True)
    weights = torch.rand(n, generator=g)
    c = ciou(a, b)
    (c * weights).sum().backward()
    write("ciou", {"eps": 1e-7}, {"pred": T(a), "target": T(b), "weights": T(weights), "ciou": T(c), "grad_pred": T(a.grad)})


def golden_dfl(g):
    n = 24
    logits = (torch.randn(n, 4, REG_MAX, generator=g) * 2).requires_grad_(True)
    target = (torch.rand(n, 4, generator=g) * (REG_MAX - 1)).clamp(0, REG_MAX - 1 - 0.01)
    target[0, 0], target[1, 1], target[2, 2] = 0.0, REG_MAX - 1 - 0.01, 7.0
    weights = torch.rand(n, generator=g)
    d = dfl(logits, target)
    (d * weights).sum().backward()
    write("dfl", {"reg_max": REG_MAX}, {"logits": T(logits), "target": T(target), "weights": T(weights),
                                        "dfl": T(d), "grad_logits": T(logits.grad)})


def golden_loss(g, name, batch, img_hw, nc, gts_per_image, cls_weights=None, overlap=False):
    strides = [8, 16, 32]
    sizes = [(img_hw[0] // s, img_hw[1] // s) for s in strides]
    no = 4 * REG_MAX + nc
    levels = []
    for (h, w) in sizes:
        x = torch.randn(batch, no, h, w, generator=g)
        bins = torch.arange(REG_MAX, dtype=torch.float32).view(1, 1, REG_MAX, 1, 1)
        box = x[:, :4 * REG_MAX].view(batch, 4, REG_MAX, h, w) - 0.6 * bins
        cls = x[:, 4 * REG_MAX:] - 1.0
        levels.append(torch.cat([box.reshape(batch, 4 * REG_MAX, h, w), cls], 1).requires_grad_(True))
    rows = []
    for b, n in enumerate(gts_per_image):
        for k in range(n):
            cx, cy = torch.rand(2, generator=g) * 0.7 + 0.15
            w, h = torch.rand(2, generator=g) * 0.45 + 0.1
            if overlap and k == 1:      # a near-copy of the first gt: anchors claimed by both
                cx, cy, w, h = rows[-1][2] + 0.02, rows[-1][3] - 0.01, rows[-1][4] * 0.9, rows[-1][5] * 1.1
            rows.append([float(b), float(torch.randint(0, nc, (1,), generator=g)), float(cx), float(cy), float(w), float(h)])
    targets = torch.tensor(rows, dtype=torch.float32).reshape(-1, 6)
    cw = None if cls_weights is None else torch.tensor(cls_weights, dtype=torch.float32)
    total, parts, a = detection_loss(levels, strides, targets, nc, cls_weights=cw)
    total.backward()
    if overlap:
        assert a["multi"], "expected an anchor claimed by several gts"
    print(name, "fg", int(a["fg"].sum()), "parts", parts.tolist(), "total", float(total), "multi", a["multi"])
    tensors = {"targets": T(targets)}
    for i, l in enumerate(levels):
        tensors[f"level{i}"] = T(l)
    tensors.update({
        "fg": T(a["fg"].int(), "int32"), "gt_idx": T(a["gt_idx"].int(), "int32"),
        "target_boxes": T(a["t_boxes"]), "target_scores": T(a["t_scores"]),
        "parts": T(parts), "total": T(total.reshape(1)), "target_scores_sum": T(a["tss"].reshape(1)),
    })
    for i, l in enumerate(levels):
        tensors[f"grad_level{i}"] = T(l.grad)
    write(name, {"nc": nc, "strides": strides, "img_hw": list(img_hw), "cls_weights": cls_weights}, tensors)


def main():
    g = torch.Generator().manual_seed(20240607)
    golden_ciou(g)
    golden_dfl(g)
    golden_loss(g, "loss_square", 2, (64, 64), 3, [3, 2], overlap=True)
    golden_loss(g, "loss_rect_weighted", 2, (64, 96), 3, [4, 0], cls_weights=[0.5, 2.0, 1.25])


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch peer of benchmarks/VisionCuda.TrainBench: steady-state YOLOv8n training images/s on the CPU.

Design notes
- Our own PyTorch YOLOv8n (Conv-BN-SiLU, C2f, SPPF, nearest Upsample, Concat, Detect with DFL reg_max 16), written
  from the published architecture with the widths/depths of src/VisionCuda.Models/Yolo/cfg/yolov8n.yaml (scale n:
  depth 0.33, width 0.25); BatchNorm eps 1e-3, momentum 0.03; Detect biases as Ultralytics initialises them.
  The parameter count is checked against Ultralytics' 3,157,200 at nc = 80 (the fixed DFL conv included).
- Trained the Ultralytics way: loss = the independent re-implementation in tools/goldens/detect_loss/make_goldens.py
  (task-aligned assigner, CIoU, DFL, BCE; gains 7.5/0.5/1.5, times the batch size), imported rather than copied;
  gradient clip to norm 10; SGD lr 0.01 momentum 0.937 nesterov with three parameter groups (weights with decay
  5e-4, BN weights and biases without); EMA of the state dict (decay 0.9999 * (1 - exp(-updates / 2000))).
- Protocol (the same as VisionCuda.TrainBench): one fixed random batch (uniform images, a few random boxes per image,
  generated once, so data loading is excluded), warm-up steps, then N timed steps; the median step time gives
  images/s. The optimizer and EMA run every step on both sides (Ultralytics steps every 64 images; at batch 16 that
  is every 4th batch, a few ms per step either way).
- --data also times a stand-in data pipeline: a numpy/cv2 4-image mosaic + random affine warp + HSV jitter per image.

Usage: /usr/bin/python3 benchmarks/pytorch/yolov8n_train_peer.py [--imgsz 320] [--batch 16] [--nc 5] [--threads 2]
       [--warmup 3] [--steps 10] [--repeat 1] [--data]
"""
import argparse
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "goldens", "detect_loss"))
from make_goldens import detection_loss, REG_MAX  # noqa: E402


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut=True):
        super().__init__()
        self.cv1 = Conv(c1, c2, 3)
        self.cv2 = Conv(c2, c2, 3)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=False):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        for m in self.m:
            y.append(m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c = c1 // 2
        self.cv1 = Conv(c1, c, 1)
        self.cv2 = Conv(4 * c, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        y0 = self.cv1(x)
        y1 = self.m(y0)
        y2 = self.m(y1)
        return self.cv2(torch.cat([y0, y1, y2, self.m(y2)], 1))


class Detect(nn.Module):
    def __init__(self, nc, ch, strides=(8, 16, 32)):
        super().__init__()
        c2 = max(16, ch[0] // 4, REG_MAX * 4)
        c3 = max(ch[0], min(nc, 100))
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 4 * REG_MAX, 1)) for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = nn.Conv2d(REG_MAX, 1, 1, bias=False).requires_grad_(False)   # fixed bins (counted, not trained)
        self.dfl.weight.data[:] = torch.arange(REG_MAX, dtype=torch.float32).view(1, REG_MAX, 1, 1)
        for a, b, s in zip(self.cv2, self.cv3, strides):
            a[-1].bias.data[:] = 1.0
            b[-1].bias.data[:] = math.log(5 / nc / (640 / s) ** 2)

    def forward(self, xs):
        return [torch.cat([a(x), b(x)], 1) for a, b, x in zip(self.cv2, self.cv3, xs)]


class YoloV8n(nn.Module):
    """Scale n: channels 16..256, C2f repeats 1/2/2/1 (backbone) and 1 (head)."""

    def __init__(self, nc):
        super().__init__()
        self.b0, self.b1, self.b2 = Conv(3, 16, 3, 2), Conv(16, 32, 3, 2), C2f(32, 32, 1, True)
        self.b3, self.b4 = Conv(32, 64, 3, 2), C2f(64, 64, 2, True)
        self.b5, self.b6 = Conv(64, 128, 3, 2), C2f(128, 128, 2, True)
        self.b7, self.b8, self.b9 = Conv(128, 256, 3, 2), C2f(256, 256, 1, True), SPPF(256, 256)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.h12 = C2f(384, 128, 1)
        self.h15 = C2f(192, 64, 1)
        self.h16, self.h18 = Conv(64, 64, 3, 2), C2f(192, 128, 1)
        self.h19, self.h21 = Conv(128, 128, 3, 2), C2f(384, 256, 1)
        self.detect = Detect(nc, (64, 128, 256))

    def forward(self, x):
        p3 = self.b4(self.b3(self.b2(self.b1(self.b0(x)))))
        p4 = self.b6(self.b5(p3))
        p5 = self.b9(self.b8(self.b7(p4)))
        h12 = self.h12(torch.cat([self.up(p5), p4], 1))
        h15 = self.h15(torch.cat([self.up(h12), p3], 1))
        h18 = self.h18(torch.cat([self.h16(h15), h12], 1))
        h21 = self.h21(torch.cat([self.h19(h18), p5], 1))
        return self.detect([h15, h18, h21])


def param_groups(model, lr, momentum, decay):
    """Ultralytics' three SGD groups: BN weights (no decay), other weights (decay), biases (no decay)."""
    g_bn, g_w, g_b = [], [], []
    for module in model.modules():
        for name, p in module.named_parameters(recurse=False):
            if not p.requires_grad:
                continue
            if name == "bias":
                g_b.append(p)
            elif isinstance(module, nn.BatchNorm2d):
                g_bn.append(p)
            else:
                g_w.append(p)
    opt = torch.optim.SGD(g_b, lr=lr, momentum=momentum, nesterov=True)
    opt.add_param_group({"params": g_w, "weight_decay": decay})
    opt.add_param_group({"params": g_bn, "weight_decay": 0.0})
    return opt


class Ema:
    def __init__(self, model, decay=0.9999, tau=2000):
        import copy
        self.ema = copy.deepcopy(model).eval().requires_grad_(False)
        self.updates, self.decay, self.tau = 0, decay, tau

    @torch.no_grad()
    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))
        msd = model.state_dict()
        for k, v in self.ema.state_dict().items():
            if v.dtype.is_floating_point:
                v.mul_(d).add_(msd[k].detach(), alpha=1 - d)


def random_batch(batch, imgsz, nc, boxes, seed=0):
    g = torch.Generator().manual_seed(seed)
    images = torch.rand(batch, 3, imgsz, imgsz, generator=g)
    rows = []
    for b in range(batch):
        for _ in range(boxes):
            r = torch.rand(5, generator=g)
            rows.append([b, int(r[0] * nc), 0.2 + 0.6 * r[1], 0.2 + 0.6 * r[2], 0.05 + 0.35 * r[3], 0.05 + 0.35 * r[4]])
    return images, torch.tensor(rows, dtype=torch.float32)


def train_images_per_s(args):
    torch.manual_seed(0)
    images, targets = random_batch(args.batch, args.imgsz, args.nc, args.boxes)
    cuda = args.device != "cpu"
    if cuda:
        # The imported loss creates its tensors without a device argument: make the GPU the default (PyTorch >= 2.0,
        # as on the lent GPU machines). Its per-image Python loops then launch many small kernels, so on a GPU compare
        # the forward and backward phases.
        torch.set_default_device(args.device)
        images, targets = images.to(args.device), targets.to(args.device)
    model = YoloV8n(args.nc).train()
    ema = Ema(model)
    opt = param_groups(model, 0.01, 0.937, 5e-4)
    params = [p for p in model.parameters() if p.requires_grad]

    def now():
        if cuda:
            torch.cuda.synchronize()
        return time.perf_counter()

    def step():
        t0 = now()
        levels = model(images)
        t1 = now()
        loss, _, _ = detection_loss(levels, (8, 16, 32), targets, args.nc)
        t2 = now()
        loss.backward()
        t3 = now()
        torch.nn.utils.clip_grad_norm_(params, max_norm=10.0)
        opt.step()
        opt.zero_grad()
        ema.update(model)
        t4 = now()
        return [t1 - t0, t2 - t1, t3 - t2, t4 - t3]

    for _ in range(args.warmup):
        step()
    cpu0 = time.process_time()
    phases = [step() for _ in range(args.steps)]
    cpu = time.process_time() - cpu0   # all threads of the process: img/cpu-s moves less with the machine's load
    med = statistics.median(sum(p) for p in phases)
    means = [1000 * sum(p[i] for p in phases) / len(phases) for i in range(4)]
    print(f"pytorch: {args.batch / med:.2f} img/s (median step {1000 * med:.0f} ms; "
          f"{args.steps * args.batch / cpu:.2f} img/cpu-s); phases per step: "
          f"forward {means[0]:.0f} ms, loss {means[1]:.0f} ms, backward {means[2]:.0f} ms, step+ema {means[3]:.0f} ms",
          flush=True)


def data_images_per_s(args, n=64):
    """Stand-in pipeline per output image: 4-image mosaic at 2*imgsz, random affine warp back to imgsz, HSV jitter, flip."""
    import cv2
    import numpy as np
    cv2.setNumThreads(1)
    rng = np.random.default_rng(0)
    src = [rng.integers(0, 256, (480, 640, 3), dtype=np.uint8) for _ in range(8)]
    s = args.imgsz

    def one():
        canvas = np.full((2 * s, 2 * s, 3), 114, np.uint8)
        xc, yc = (int(rng.uniform(0.5 * s, 1.5 * s)) for _ in range(2))
        for i in range(4):
            img = src[rng.integers(len(src))]
            r = s / max(img.shape[:2])
            img = cv2.resize(img, (int(img.shape[1] * r), int(img.shape[0] * r)), interpolation=cv2.INTER_LINEAR)
            h, w = img.shape[:2]
            x0, y0 = (xc - w, yc - h) if i == 0 else (xc, yc - h) if i == 1 else (xc - w, yc) if i == 2 else (xc, yc)
            x1, y1 = max(x0, 0), max(y0, 0)
            x2, y2 = min(x0 + w, 2 * s), min(y0 + h, 2 * s)
            canvas[y1:y2, x1:x2] = img[y1 - y0:y2 - y0, x1 - x0:x2 - x0]
        a = math.radians(rng.uniform(-0.0, 0.0))
        sc = rng.uniform(0.5, 1.5)
        m = np.array([[sc * math.cos(a), -sc * math.sin(a), 0], [sc * math.sin(a), sc * math.cos(a), 0]], np.float32)
        m[:, 2] = [s / 2 - sc * s + rng.uniform(-0.1, 0.1) * s, s / 2 - sc * s + rng.uniform(-0.1, 0.1) * s]
        out = cv2.warpAffine(canvas, m, (s, s), borderValue=(114, 114, 114))
        hsv = cv2.cvtColor(out, cv2.COLOR_BGR2HSV)
        gain = rng.uniform(-1, 1, 3) * [0.015, 0.7, 0.4] + 1
        lut = [np.clip(np.arange(256) * g, 0, 255).astype(np.uint8) for g in gain]
        hsv = cv2.merge([cv2.LUT(c, l) for c, l in zip(cv2.split(hsv), lut)])
        out = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
        if rng.random() < 0.5:
            out = np.ascontiguousarray(out[:, ::-1])
        return out.transpose(2, 0, 1).astype(np.float32) / 255

    for _ in range(8):
        one()
    t = time.perf_counter()
    for _ in range(n):
        one()
    dt = time.perf_counter() - t
    print(f"pytorch data (numpy/cv2 mosaic+warp+hsv+flip, 1 thread): {n / dt:.1f} img/s", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--imgsz", type=int, default=320)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--nc", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--boxes", type=int, default=4)
    p.add_argument("--data", action="store_true")
    p.add_argument("--device", default="cpu", help="cpu or cuda (GPU machines, PyTorch >= 2.0)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    n80 = sum(p.numel() for p in YoloV8n(80).parameters())
    assert n80 == 3_157_200, f"yolov8n at nc=80 has {n80} parameters, expected 3,157,200"
    n = sum(p.numel() for p in YoloV8n(args.nc).parameters())
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads; yolov8n nc {args.nc}: {n:,} parameters "
          f"({n80:,} at nc=80); imgsz {args.imgsz}, batch {args.batch}; warm-up {args.warmup}, timed {args.steps}", flush=True)
    for _ in range(args.repeat):
        train_images_per_s(args)
    if args.data:
        data_images_per_s(args)


if __name__ == "__main__":
    main()

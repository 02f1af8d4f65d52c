#!/usr/bin/python3
"""Writes the PyTorch golden files used by VisionCuda's op tests.

Run with Debian's python3-torch 1.13 (see README.md next to this file):

    /usr/bin/python3 tools/goldens/make_goldens.py [OUT_DIR]

OUT_DIR defaults to tests/VisionCuda.Core.Tests/Goldens/data. One JSON file per case:

    {"op": "conv2d", "params": {...},
     "tensors": {"x": {"shape": [..], "dtype": "float32", "data": [..]}, "out": ..., "grad_out": ..., "grad_x": ...}}

Conventions:
- Every case seeds torch.manual_seed(seed) itself, so cases do not depend on each other or on their order.
- Float data is float32, written with the shortest decimal that round-trips the float32 value
  (at most 9 significant digits). Int tensors carry "dtype": "int32".
- For each case the op's output "out" is computed, then out.backward(grad_out) with a fixed random upstream
  gradient "grad_out" (also stored; a scalar for reduced losses), and the gradient of every input that
  requires grad is stored as "grad_<input name>".
- Tensor names: "x" main input, "weight"/"bias" parameters, "target" targets, "a"/"b" matmul operands.
- The script is deterministic: running it twice gives byte-identical files.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

torch.set_default_dtype(torch.float32)
torch.use_deterministic_algorithms(True)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(ROOT, "tests", "VisionCuda.Core.Tests", "Goldens", "data")

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ---------------------------------------------------------------------------------------------------------------
# serialisation

def _f32(v):
    # shortest decimal that round-trips the float32 value; float() of it reprs the same short string
    return float(np.format_float_scientific(np.float32(v), unique=True, trim="-")) if v != 0 else 0.0


def tensor_json(t):
    t = t.detach().cpu().contiguous()
    shape = list(t.shape)
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": shape, "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}
    arr = t.to(torch.float32).reshape(-1).numpy()
    if not np.all(np.isfinite(arr)):
        raise ValueError("non-finite value in golden tensor")
    return {"shape": shape, "dtype": "float32", "data": [_f32(v) for v in arr]}


def write_case(out_dir, name, op, params, tensors):
    doc = {"op": op, "params": params, "tensors": {k: tensor_json(v) for k, v in tensors.items()}}
    path = os.path.join(out_dir, name + ".json")
    with open(path, "w", newline="\n") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    return path


def run_grad(fn, inputs, seed_out):
    """inputs: dict name -> tensor (leaves). Those with requires_grad get grad_<name>.
    Returns dict with out, grad_out and the grads."""
    out = fn()
    g = torch.Generator().manual_seed(seed_out)
    grad_out = torch.randn(out.shape, generator=g)
    out.backward(grad_out)
    res = {"out": out, "grad_out": grad_out}
    for k, v in inputs.items():
        if isinstance(v, torch.Tensor) and v.requires_grad:
            res["grad_" + k] = v.grad
    return res


def randn(*shape, scale=1.0, grad=True):
    return (torch.randn(*shape) * scale).requires_grad_(grad)


# ---------------------------------------------------------------------------------------------------------------
# conv2d: x [N,C,H,W], weight [K,C/groups,R,S], bias [K]; params stride/padding/dilation/groups are symmetric ints

def conv_case(name, seed, n, c, h, w, k, r, stride=1, padding=0, dilation=1, groups=1, bias=False):
    def make():
        torch.manual_seed(seed)
        x = randn(n, c, h, w)
        wt = randn(k, c // groups, r, r, scale=0.5)
        inputs = {"x": x, "weight": wt}
        if bias:
            inputs["bias"] = randn(k)
        res = run_grad(lambda: F.conv2d(x, wt, inputs.get("bias"), stride, padding, dilation, groups), inputs, seed + 1000)
        params = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups, "bias": bias}
        return name, "conv2d", params, {**inputs, **res}
    CASES.append(make)


conv_case("conv2d_basic", 1, 2, 3, 5, 5, 4, 3)
conv_case("conv2d_stride2", 2, 2, 3, 7, 7, 4, 3, stride=2)
conv_case("conv2d_padding", 3, 2, 3, 5, 5, 4, 3, padding=1)
conv_case("conv2d_dilation2", 4, 1, 3, 7, 7, 4, 3, dilation=2)
conv_case("conv2d_groups2", 5, 2, 4, 5, 5, 4, 3, padding=1, groups=2)
conv_case("conv2d_depthwise", 6, 2, 4, 5, 5, 4, 3, stride=2, padding=1, groups=4)
conv_case("conv2d_bias", 7, 2, 3, 5, 5, 4, 3, padding=1, bias=True)
conv_case("conv2d_1x1_bias", 8, 2, 4, 3, 3, 3, 1, bias=True)
conv_case("conv2d_s2p1_bias", 9, 1, 3, 6, 6, 4, 3, stride=2, padding=1, bias=True)


# ---------------------------------------------------------------------------------------------------------------
# conv_transpose2d: x [N,Cin,H,W], weight [Cin, Cout/groups, R, S] (PyTorch layout), bias [Cout]

def convt_case(name, seed, n, cin, h, w, cout, r, stride=1, padding=0, output_padding=0, dilation=1, groups=1, bias=False):
    def make():
        torch.manual_seed(seed)
        x = randn(n, cin, h, w)
        wt = randn(cin, cout // groups, r, r, scale=0.5)
        inputs = {"x": x, "weight": wt}
        if bias:
            inputs["bias"] = randn(cout)
        res = run_grad(lambda: F.conv_transpose2d(x, wt, inputs.get("bias"), stride, padding, output_padding, groups, dilation),
                       inputs, seed + 1000)
        params = {"stride": stride, "padding": padding, "output_padding": output_padding, "dilation": dilation,
                  "groups": groups, "bias": bias}
        return name, "conv_transpose2d", params, {**inputs, **res}
    CASES.append(make)


convt_case("conv_transpose2d_s2p1op1", 20, 2, 3, 3, 3, 4, 3, stride=2, padding=1, output_padding=1, bias=True)
convt_case("conv_transpose2d_groups2", 21, 1, 4, 3, 3, 4, 3, stride=2, padding=1, output_padding=1, groups=2)
convt_case("conv_transpose2d_k2s2", 22, 1, 3, 3, 3, 2, 2, stride=2)


# ---------------------------------------------------------------------------------------------------------------
# batch_norm2d. training: batch statistics (biased var for normalising), running stats updated in place with
# momentum 0.1 and the unbiased variance; stored as "new_running_mean"/"new_running_var".
# eval: normalises with the given running stats (which are then not gradients' inputs).

@case
def batchnorm2d_train():
    torch.manual_seed(30)
    x = randn(3, 4, 3, 3, scale=2.0)
    with torch.no_grad():
        x += torch.randn(1, 4, 1, 1)
    weight = (1 + 0.2 * torch.randn(4)).requires_grad_(True)
    bias = randn(4, scale=0.3)
    rm = 0.1 * torch.randn(4)
    rv = 1 + 0.2 * torch.rand(4)
    rm0, rv0 = rm.clone(), rv.clone()
    inputs = {"x": x, "weight": weight, "bias": bias}
    res = run_grad(lambda: F.batch_norm(x, rm, rv, weight, bias, training=True, momentum=0.1, eps=1e-5), inputs, 1030)
    params = {"training": True, "momentum": 0.1, "eps": 1e-5}
    return "batchnorm2d_train", "batch_norm2d", params, {
        **inputs, "running_mean": rm0, "running_var": rv0, **res, "new_running_mean": rm, "new_running_var": rv}


@case
def batchnorm2d_eval():
    torch.manual_seed(31)
    x = randn(2, 4, 3, 3)
    weight = (1 + 0.2 * torch.randn(4)).requires_grad_(True)
    bias = randn(4, scale=0.3)
    rm = 0.5 * torch.randn(4)
    rv = 0.5 + torch.rand(4)
    inputs = {"x": x, "weight": weight, "bias": bias}
    res = run_grad(lambda: F.batch_norm(x, rm, rv, weight, bias, training=False, momentum=0.1, eps=1e-5), inputs, 1031)
    params = {"training": False, "momentum": 0.1, "eps": 1e-5}
    return "batchnorm2d_eval", "batch_norm2d", params, {**inputs, "running_mean": rm, "running_var": rv, **res}


# ---------------------------------------------------------------------------------------------------------------
# pooling (kernel, stride, padding symmetric ints)

def maxpool_case(name, seed, shape, kernel, stride, padding=0, ceil_mode=False):
    def make():
        torch.manual_seed(seed)
        x = randn(*shape)
        res = run_grad(lambda: F.max_pool2d(x, kernel, stride, padding, ceil_mode=ceil_mode), {"x": x}, seed + 1000)
        params = {"kernel": kernel, "stride": stride, "padding": padding, "ceil_mode": ceil_mode}
        return name, "max_pool2d", params, {"x": x, **res}
    CASES.append(make)


def avgpool_case(name, seed, shape, kernel, stride, padding=0, count_include_pad=True, ceil_mode=False):
    def make():
        torch.manual_seed(seed)
        x = randn(*shape)
        res = run_grad(lambda: F.avg_pool2d(x, kernel, stride, padding, ceil_mode=ceil_mode,
                                            count_include_pad=count_include_pad), {"x": x}, seed + 1000)
        params = {"kernel": kernel, "stride": stride, "padding": padding, "ceil_mode": ceil_mode,
                  "count_include_pad": count_include_pad}
        return name, "avg_pool2d", params, {"x": x, **res}
    CASES.append(make)


maxpool_case("max_pool2d_k3s2p1", 40, (2, 2, 6, 6), 3, 2, 1)
maxpool_case("max_pool2d_ceil", 41, (1, 2, 6, 7), 3, 2, 0, ceil_mode=True)
maxpool_case("max_pool2d_k2s2", 42, (1, 3, 4, 4), 2, 2)
avgpool_case("avg_pool2d_include_pad", 43, (2, 2, 5, 5), 3, 2, 1, count_include_pad=True)
avgpool_case("avg_pool2d_exclude_pad", 44, (2, 2, 5, 5), 3, 2, 1, count_include_pad=False)
avgpool_case("avg_pool2d_k2s2", 45, (1, 3, 4, 4), 2, 2)


# ---------------------------------------------------------------------------------------------------------------
# interpolation. params: mode ("bilinear"/"nearest"), align_corners (bilinear only), out_h, out_w, and
# scale (int, or null when the output size was given). PyTorch's 'nearest' = src index floor(dst * in/out).

def interp_case(name, seed, shape, mode, align_corners=None, scale=None, size=None):
    def make():
        torch.manual_seed(seed)
        x = randn(*shape)
        if scale is not None:
            fn = lambda: F.interpolate(x, scale_factor=scale, mode=mode, align_corners=align_corners)
        else:
            fn = lambda: F.interpolate(x, size=size, mode=mode, align_corners=align_corners)
        res = run_grad(fn, {"x": x}, seed + 1000)
        oh, ow = res["out"].shape[2], res["out"].shape[3]
        params = {"mode": mode, "align_corners": bool(align_corners), "scale": scale, "out_h": oh, "out_w": ow}
        return name, "interpolate", params, {"x": x, **res}
    CASES.append(make)


interp_case("bilinear_scale2", 50, (1, 2, 3, 4), "bilinear", align_corners=False, scale=2)
interp_case("bilinear_scale2_align", 51, (1, 2, 3, 4), "bilinear", align_corners=True, scale=2)
interp_case("bilinear_size_odd", 52, (1, 2, 4, 3), "bilinear", align_corners=False, size=(7, 5))
interp_case("bilinear_size_odd_align", 53, (1, 2, 4, 3), "bilinear", align_corners=True, size=(7, 5))
interp_case("bilinear_down", 54, (1, 1, 6, 5), "bilinear", align_corners=False, size=(3, 3))
interp_case("nearest_scale2", 55, (2, 2, 3, 3), "nearest", scale=2)
interp_case("nearest_size_odd", 56, (1, 2, 3, 4), "nearest", size=(7, 5))


# ---------------------------------------------------------------------------------------------------------------
# cross entropy: x logits [N,C] or [N,C,H,W], target int [N] or [N,H,W]. params: label_smoothing,
# ignore_index, reduction, has_weight (then tensor "weight" [C], not a gradient input).

def ce_case(name, seed, shape, label_smoothing=0.0, weight=False, ignore_index=-100, n_ignored=0):
    def make():
        torch.manual_seed(seed)
        x = randn(*shape, scale=1.5)
        c = shape[1]
        tshape = (shape[0],) + tuple(shape[2:])
        t = torch.randint(0, c, tshape)
        if n_ignored:
            flat = t.view(-1)
            idx = torch.randperm(flat.numel())[:n_ignored]
            flat[idx] = ignore_index
        w = (0.5 + torch.rand(c)) if weight else None
        res = run_grad(lambda: F.cross_entropy(x, t, weight=w, ignore_index=ignore_index, reduction="mean",
                                               label_smoothing=label_smoothing), {"x": x}, seed + 1000)
        params = {"label_smoothing": label_smoothing, "ignore_index": ignore_index, "reduction": "mean",
                  "has_weight": weight}
        tensors = {"x": x, "target": t}
        if weight:
            tensors["weight"] = w
        return name, "cross_entropy", params, {**tensors, **res}
    CASES.append(make)


ce_case("cross_entropy_plain", 60, (6, 5))
ce_case("cross_entropy_smooth_weight", 61, (6, 5), label_smoothing=0.1, weight=True)
ce_case("cross_entropy_ignore_index", 62, (8, 4), ignore_index=-100, n_ignored=3)
ce_case("cross_entropy_ignore_index_255", 63, (8, 4), ignore_index=255, n_ignored=2)
ce_case("cross_entropy_spatial", 64, (2, 3, 2, 3))
ce_case("cross_entropy_smooth", 65, (6, 5), label_smoothing=0.1)


# ---------------------------------------------------------------------------------------------------------------
# binary_cross_entropy_with_logits, reduction mean; pos_weight a scalar (PyTorch gets it as a 1-element tensor):
# loss = -(pos_weight * t * log(sigmoid(x)) + (1-t) * log(1-sigmoid(x))). target gets no gradient.

def bce_case(name, seed, shape, pos_weight=1.0, soft=False):
    def make():
        torch.manual_seed(seed)
        x = randn(*shape, scale=2.0)
        t = torch.rand(*shape) if soft else torch.randint(0, 2, shape).float()
        pw = torch.tensor([pos_weight]) if pos_weight != 1.0 else None
        res = run_grad(lambda: F.binary_cross_entropy_with_logits(x, t, reduction="mean", pos_weight=pw), {"x": x}, seed + 1000)
        params = {"reduction": "mean", "pos_weight": pos_weight}
        return name, "bce_with_logits", params, {"x": x, "target": t, **res}
    CASES.append(make)


bce_case("bce_with_logits_plain", 70, (4, 6))
bce_case("bce_with_logits_pos_weight", 71, (4, 6), pos_weight=2.5)
bce_case("bce_with_logits_soft", 72, (3, 5), soft=True)


# ---------------------------------------------------------------------------------------------------------------
# sigmoid focal loss: torchvision.ops.sigmoid_focal_loss (RetinaNet), reduction mean:
#   p = sigmoid(x); ce = bce_with_logits(x, t); p_t = p*t + (1-p)*(1-t)
#   loss = ce * (1-p_t)^gamma; if alpha >= 0: loss *= alpha*t + (1-alpha)*(1-t); mean over all elements.

@case
def sigmoid_focal_loss():
    torch.manual_seed(80)
    x = randn(4, 6, scale=2.0)
    t = torch.randint(0, 2, (4, 6)).float()
    res = run_grad(lambda: torchvision.ops.sigmoid_focal_loss(x, t, alpha=0.25, gamma=2.0, reduction="mean"),
                   {"x": x}, 1080)
    return "sigmoid_focal_loss", "sigmoid_focal_loss", {"alpha": 0.25, "gamma": 2.0, "reduction": "mean"}, \
        {"x": x, "target": t, **res}


# ---------------------------------------------------------------------------------------------------------------
# softmax (multi-class) focal loss, defined here (no PyTorch built-in):
#   logits x [N,C], int targets t [N], optional class weights w [C] (w = 1 when absent)
#   p = softmax(x, dim=1); p_t[i] = p[i, t_i]
#   loss = mean_i( -w[t_i] * (1 - p_t[i])^gamma * log p_t[i] )      (plain mean over N samples, not weighted)
# log p_t is taken from log_softmax for stability; gradients flow through both (1-p_t)^gamma and log p_t.

def softmax_focal(x, t, gamma, w=None):
    logp = F.log_softmax(x, dim=1)
    logpt = logp.gather(1, t.unsqueeze(1)).squeeze(1)
    pt = logpt.exp()
    loss = -((1 - pt) ** gamma) * logpt
    if w is not None:
        loss = loss * w[t]
    return loss.mean()


def focal_case(name, seed, n, c, gamma=2.0, weight=False):
    def make():
        torch.manual_seed(seed)
        x = randn(n, c, scale=1.5)
        t = torch.randint(0, c, (n,))
        w = (0.5 + torch.rand(c)) if weight else None
        res = run_grad(lambda: softmax_focal(x, t, gamma, w), {"x": x}, seed + 1000)
        tensors = {"x": x, "target": t}
        if weight:
            tensors["weight"] = w
        return name, "focal_loss", {"gamma": gamma, "reduction": "mean", "has_weight": weight}, {**tensors, **res}
    CASES.append(make)


focal_case("focal_loss_softmax", 81, 8, 5)
focal_case("focal_loss_softmax_weight", 82, 8, 5, weight=True)


# ---------------------------------------------------------------------------------------------------------------
# Dice loss, defined here (no PyTorch built-in):
#   input "x" = probabilities p [N,C,H,W] (here a softmax over C of random logits, then made a leaf), "target" t
#   one-hot [N,C,H,W] (float);
#   dice[n,c] = (2 * sum_hw(p*t) + smooth) / (sum_hw(p) + sum_hw(t) + smooth), smooth = 1
#   loss = mean_{n,c}(1 - dice[n,c])
# The gradient is with respect to the probabilities x (not the logits).

def dice_loss(p, t, smooth):
    inter = (p * t).sum(dim=(2, 3))
    denom = p.sum(dim=(2, 3)) + t.sum(dim=(2, 3))
    dice = (2 * inter + smooth) / (denom + smooth)
    return (1 - dice).mean()


@case
def dice_loss_case():
    torch.manual_seed(90)
    n, c, h, w = 2, 3, 4, 4
    x = F.softmax(torch.randn(n, c, h, w) * 2, dim=1).detach().requires_grad_(True)
    labels = torch.randint(0, c, (n, h, w))
    t = F.one_hot(labels, c).permute(0, 3, 1, 2).float().contiguous()
    res = run_grad(lambda: dice_loss(x, t, 1.0), {"x": x}, 1090)
    return "dice_loss", "dice_loss", {"smooth": 1.0, "reduction": "mean"}, {"x": x, "target": t, **res}


# ---------------------------------------------------------------------------------------------------------------
# softmax / log_softmax over params.dim

def softmax_case(name, op, seed, shape, dim):
    def make():
        torch.manual_seed(seed)
        x = randn(*shape, scale=2.0)
        f = F.softmax if op == "softmax" else F.log_softmax
        res = run_grad(lambda: f(x, dim=dim), {"x": x}, seed + 1000)
        return name, op, {"dim": dim}, {"x": x, **res}
    CASES.append(make)


softmax_case("softmax_lastdim", "softmax", 100, (4, 7), -1)
softmax_case("softmax_dim1_4d", "softmax", 101, (2, 4, 2, 3), 1)
softmax_case("log_softmax_lastdim", "log_softmax", 102, (4, 7), -1)
softmax_case("log_softmax_dim1_4d", "log_softmax", 103, (2, 4, 2, 3), 1)


# ---------------------------------------------------------------------------------------------------------------
# linear: y = x @ weight^T + bias, weight [out, in]; matmul: a @ b (2-D, and batched 3-D with equal batch)

def linear_case(name, seed, n, fin, fout, bias=True):
    def make():
        torch.manual_seed(seed)
        x = randn(n, fin)
        wt = randn(fout, fin, scale=0.5)
        inputs = {"x": x, "weight": wt}
        if bias:
            inputs["bias"] = randn(fout)
        res = run_grad(lambda: F.linear(x, wt, inputs.get("bias")), inputs, seed + 1000)
        return name, "linear", {"bias": bias}, {**inputs, **res}
    CASES.append(make)


linear_case("linear_bias", 110, 4, 6, 5)
linear_case("linear_nobias", 111, 3, 5, 4, bias=False)


def matmul_case(name, seed, ashape, bshape):
    def make():
        torch.manual_seed(seed)
        a = randn(*ashape)
        b = randn(*bshape)
        res = run_grad(lambda: torch.matmul(a, b), {"a": a, "b": b}, seed + 1000)
        return name, "matmul", {}, {"a": a, "b": b, **res}
    CASES.append(make)


matmul_case("matmul_2d", 120, (5, 7), (7, 4))
matmul_case("matmul_batched", 121, (2, 3, 5), (2, 5, 4))


# ---------------------------------------------------------------------------------------------------------------
# activations (x scaled so that hardswish's -3/+3 knees and both relu sides are exercised)

def act_case(name, op, seed, fn, params):
    def make():
        torch.manual_seed(seed)
        x = randn(4, 12, scale=3.0)
        res = run_grad(lambda: fn(x), {"x": x}, seed + 1000)
        return name, op, params, {"x": x, **res}
    CASES.append(make)


act_case("silu", "silu", 130, F.silu, {})
act_case("hardswish", "hardswish", 131, F.hardswish, {})
act_case("leaky_relu", "leaky_relu", 132, lambda x: F.leaky_relu(x, 0.01), {"negative_slope": 0.01})
act_case("leaky_relu_0p1", "leaky_relu", 133, lambda x: F.leaky_relu(x, 0.1), {"negative_slope": 0.1})


# ---------------------------------------------------------------------------------------------------------------

def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(out_dir, exist_ok=True)
    total = 0
    names = set()
    for make in CASES:
        name, op, params, tensors = make()
        if name in names:
            raise ValueError("duplicate case " + name)
        names.add(name)
        path = write_case(out_dir, name, op, params, tensors)
        size = os.path.getsize(path)
        total += size
        print(f"{name:34s} {op:20s} {size:7d} B")
    print(f"{len(names)} cases, {total} bytes in {out_dir}")


if __name__ == "__main__":
    main()

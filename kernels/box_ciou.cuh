// box_ciou.cuh -- CIoU of two xyxy boxes and its gradient, shared by box_iou.cu (the loss's CIoU) and assigner.cu
// (the assigner's overlap). The C spelling of VisionCuda.Backends.BoxMath (src/VisionCuda.Core/Backends/Detection/BoxMath.cs),
// step for step:
//   w = x2 - x1, h = y2 - y1 + eps (both boxes); inter = clamp0(min x2 - max x1) * clamp0(min y2 - max y1);
//   union = w1 h1 + w2 h2 - inter + eps; iou = inter / union; c2 = cw^2 + ch^2 + eps over the enclosing box;
//   rho2 = ((bx1 + bx2 - ax1 - ax2)^2 + (..y..)^2) / 4; v = 4/pi^2 (atan(w2/h2) - atan(w1/h1))^2;
//   alpha = v / (v - iou + 1 + eps); ciou = iou - (rho2 / c2 + v alpha).
// Every product in the forward goes through vc_fmul_rn, so clang cannot contract it into an fma: the forward then
// rounds like the host's float32 code (the assigner's top-k is discrete, so its metrics should not drift). What can
// still differ on a real GPU is atan (vc_soft_atanf, <= 3 ulp; glibc's under the emulator, as the Cpu backend) and,
// in assigner.cu, powf.
// The gradient is w.r.t. box a only, alpha held constant; min/max send the gradient to box a on ties, the overlap
// clamp passes it at 0 (the composed F ops' rules). It is not bit-critical and lets the compiler fuse freely.
#pragma once

#define VC_FOUR_OVER_PI2 ((float)(4.0 / (3.14159265358979323846 * 3.14159265358979323846)))

VC_DEVICE float vc_box_ciou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2, float eps)
{
    float w1 = ax2 - ax1, h1 = ay2 - ay1 + eps;
    float w2 = bx2 - bx1, h2 = by2 - by1 + eps;
    float iw = vc_fmaxf(vc_fminf(ax2, bx2) - vc_fmaxf(ax1, bx1), 0.0f);
    float ih = vc_fmaxf(vc_fminf(ay2, by2) - vc_fmaxf(ay1, by1), 0.0f);
    float inter = vc_fmul_rn(iw, ih);
    float uni = vc_fmul_rn(w1, h1) + vc_fmul_rn(w2, h2) - inter + eps;
    float iou = inter / uni;
    float cw = vc_fmaxf(ax2, bx2) - vc_fminf(ax1, bx1);
    float ch = vc_fmaxf(ay2, by2) - vc_fminf(ay1, by1);
    float c2 = vc_fmul_rn(cw, cw) + vc_fmul_rn(ch, ch) + eps;
    float dx = bx1 + bx2 - ax1 - ax2, dy = by1 + by2 - ay1 - ay2;
    float rho2 = (vc_fmul_rn(dx, dx) + vc_fmul_rn(dy, dy)) / 4.0f;
    float da = vc_atanf(w2 / h2) - vc_atanf(w1 / h1);
    float v = vc_fmul_rn(VC_FOUR_OVER_PI2, vc_fmul_rn(da, da));
    float alpha = v / (v - iou + (1.0f + eps));
    return iou - (rho2 / c2 + vc_fmul_rn(v, alpha));
}

// g * dCIoU(a, b)/da into d[0..3] (x1, y1, x2, y2).
VC_DEVICE void vc_box_ciou_grad(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2, float eps,
                                float g, float* d)
{
    float w1 = ax2 - ax1, h1 = ay2 - ay1 + eps;
    float w2 = bx2 - bx1, h2 = by2 - by1 + eps;
    float iwRaw = vc_fminf(ax2, bx2) - vc_fmaxf(ax1, bx1);
    float ihRaw = vc_fminf(ay2, by2) - vc_fmaxf(ay1, by1);
    float iw = vc_fmaxf(iwRaw, 0.0f), ih = vc_fmaxf(ihRaw, 0.0f);
    float inter = iw * ih;
    float uni = w1 * h1 + w2 * h2 - inter + eps;
    float iou = inter / uni;
    float cw = vc_fmaxf(ax2, bx2) - vc_fminf(ax1, bx1);
    float ch = vc_fmaxf(ay2, by2) - vc_fminf(ay1, by1);
    float c2 = cw * cw + ch * ch + eps;
    float dx = bx1 + bx2 - ax1 - ax2, dy = by1 + by2 - ay1 - ay2;
    float rho2 = (dx * dx + dy * dy) / 4.0f;
    float da = vc_atanf(w2 / h2) - vc_atanf(w1 / h1);
    float v = VC_FOUR_OVER_PI2 * (da * da);
    float alpha = v / (v - iou + (1.0f + eps));

    float gInter = (1.0f + iou) / uni;                 // d iou / d inter (union depends on inter too)
    float gIw = iwRaw >= 0.0f ? gInter * ih : 0.0f;
    float gIh = ihRaw >= 0.0f ? gInter * iw : 0.0f;
    float gA1 = -iou / uni;                            // d iou / d (w1 h1)
    float gW1 = gA1 * h1, gH1 = gA1 * w1;
    float q = alpha * (2.0f * VC_FOUR_OVER_PI2) * da / (w1 * w1 + h1 * h1);   // from -alpha v
    gW1 += q * h1;
    gH1 -= q * w1;
    float gDx = -dx / (2.0f * c2), gDy = -dy / (2.0f * c2);                   // from -rho2 / c2
    float gC2 = rho2 / (c2 * c2);
    float gCw = 2.0f * cw * gC2, gCh = 2.0f * ch * gC2;

    d[0] = g * (-gW1 - gDx - (ax1 >= bx1 ? gIw : 0.0f) - (ax1 <= bx1 ? gCw : 0.0f));
    d[1] = g * (-gH1 - gDy - (ay1 >= by1 ? gIh : 0.0f) - (ay1 <= by1 ? gCh : 0.0f));
    d[2] = g * (gW1 - gDx + (ax2 <= bx2 ? gIw : 0.0f) + (ax2 >= bx2 ? gCw : 0.0f));
    d[3] = g * (gH1 - gDy + (ay2 <= by2 ? gIh : 0.0f) + (ay2 >= by2 ? gCh : 0.0f));
}

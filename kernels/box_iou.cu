// box_iou.cu -- CIoU forward/backward for the detection loss, and the pairwise IoU matrix for metrics and NMS users.
//
// vc_ciou_f32: boxes laid out [outer, 4, inner] (x1, y1, x2, y2 on the middle dim, so [n, 4] is inner = 1 and the
//   loss's [B, 4, A] is outer = B, inner = A); one thread per position of [outer, inner], grid-stride. Each thread
//   reads its 4 + 4 coordinates at stride inner (adjacent threads read adjacent addresses when inner > 1) and writes
//   ciou[o, i] = vc_box_ciou(pred, target) (box_ciou.cuh has the formula and its rounding notes).
// vc_ciou_bwd_f32: same mapping; writes all four dPred coordinates of its position (overwrites dPred).
//   alpha is a constant of the backward, the target gets no gradient.
// vc_box_iou_matrix_f32: a [n, 4], b [m, 4] -> iou [n, m]; one thread per output element (row-major), grid-stride.
//   torchvision's box_iou: inter / (area_a + area_b - inter), no eps, so two empty boxes give NaN as there.
// Assumes contiguous float32 storages and eps as YOLOv8's bbox_iou (1e-7); no shared memory, any block size.
#include "common.cuh"
#include "box_ciou.cuh"

VC_KERNEL vc_ciou_f32(const float* VC_RESTRICT pred, const float* VC_RESTRICT target, float* VC_RESTRICT ciou,
                      long long outer, long long inner, float eps)
{
    long long n = outer * inner;
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < n; k += (long long)gridDim.x * blockDim.x)
    {
        long long o = k / inner, i = k - o * inner;
        const float* a = pred + o * 4 * inner + i;
        const float* b = target + o * 4 * inner + i;
        ciou[k] = vc_box_ciou(a[0], a[inner], a[2 * inner], a[3 * inner], b[0], b[inner], b[2 * inner], b[3 * inner], eps);
    }
}
VC_REGISTER(vc_ciou_f32);

VC_KERNEL vc_ciou_bwd_f32(const float* VC_RESTRICT pred, const float* VC_RESTRICT target, const float* VC_RESTRICT dCiou,
                          float* VC_RESTRICT dPred, long long outer, long long inner, float eps)
{
    long long n = outer * inner;
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < n; k += (long long)gridDim.x * blockDim.x)
    {
        long long o = k / inner, i = k - o * inner;
        long long at = o * 4 * inner + i;
        const float* a = pred + at;
        const float* b = target + at;
        float d[4];
        vc_box_ciou_grad(a[0], a[inner], a[2 * inner], a[3 * inner], b[0], b[inner], b[2 * inner], b[3 * inner], eps, dCiou[k], d);
        for (int c = 0; c < 4; c++) dPred[at + c * inner] = d[c];
    }
}
VC_REGISTER(vc_ciou_bwd_f32);

VC_KERNEL vc_box_iou_matrix_f32(const float* VC_RESTRICT a, const float* VC_RESTRICT b, float* VC_RESTRICT iou, int n, int m)
{
    long long total = (long long)n * m;
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < total; k += (long long)gridDim.x * blockDim.x)
    {
        long long r = k / m, c = k - r * m;
        const float* x = a + 4 * r;
        const float* y = b + 4 * c;
        float areaA = vc_fmul_rn(x[2] - x[0], x[3] - x[1]), areaB = vc_fmul_rn(y[2] - y[0], y[3] - y[1]);
        float iw = vc_fmaxf(vc_fminf(x[2], y[2]) - vc_fmaxf(x[0], y[0]), 0.0f);
        float ih = vc_fmaxf(vc_fminf(x[3], y[3]) - vc_fmaxf(x[1], y[1]), 0.0f);
        float inter = vc_fmul_rn(iw, ih);
        iou[k] = inter / (areaA + areaB - inter);
    }
}
VC_REGISTER(vc_box_iou_matrix_f32);

// assigner.cu -- the task-aligned assigner's dense metrics (TOOD / YOLOv8), [batch, maxGts, anchors] each:
//   inside[b, g, a]  = 1 when min(ax - gx1, ay - gy1, gx2 - ax, gy2 - ay) > eps (anchor centre strictly inside gt g)
//   overlap[b, g, a] = max(CIoU(gt, pred box a), 0)           where inside, else 0
//   metric[b, g, a]  = score[b, cls(g), a]^alpha * overlap^beta where inside, else 0
// and all three 0 for padding gts (g >= gtCounts[b]) or a class outside [0, classes).
// Inputs: scores [batch, classes, anchors] (probabilities), predBoxes [batch, 4, anchors] xyxy px, anchors [2, anchors]
// (x row, y row) px, gtBoxes [batch, maxGts, 4] xyxy px, gtClasses / gtCounts Int32 [batch, maxGts] / [batch].
// Mapping: one thread per output element, row-major (anchors fastest), grid-stride: a warp reads adjacent pred boxes,
// anchors and scores, and broadcasts the same gt. No shared memory; any block size.
// Rounding: the host top-k that follows is discrete, so the CIoU is box_ciou.cuh's vc_box_ciou (every product through
// vc_fmul_rn, no fma contraction) with the gt as the first box, exactly as the host's BoxMath.Ciou(gt, pred). Under the
// emulator atanf and powf are glibc's, as the Cpu backend's MathF, and the results are bitwise the Cpu backend's.
// On a GPU atan (<= 3 ulp) and powf (exact integer powering for beta = 6, sqrt for alpha = 0.5) may differ from glibc
// by an ulp or two, which can reorder only anchors whose metrics tie to within that: the assignment is then as
// legitimate, but not bit-identical to the Cpu backend's; tests on a GPU compare with a tolerance.
#include "common.cuh"
#include "box_ciou.cuh"

VC_KERNEL vc_assigner_metrics_f32(const float* VC_RESTRICT scores, const float* VC_RESTRICT predBoxes, const float* VC_RESTRICT anchors,
                                  const float* VC_RESTRICT gtBoxes, const int* VC_RESTRICT gtClasses, const int* VC_RESTRICT gtCounts,
                                  int* VC_RESTRICT inside, float* VC_RESTRICT overlap, float* VC_RESTRICT metric,
                                  int batch, int maxGts, int anchorCount, int classes, float alpha, float beta, float eps)
{
    long long a = anchorCount;
    long long n = (long long)batch * maxGts * a;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (long long)gridDim.x * blockDim.x)
    {
        long long row = t / a, k = t - row * a;
        int img = (int)(row / maxGts), g = (int)(row - (long long)img * maxGts);
        int cls = gtClasses[row];
        int in = 0;
        float ov = 0.0f, m = 0.0f;
        if (g < gtCounts[img] && cls >= 0 && cls < classes)
        {
            const float* gb = gtBoxes + 4 * row;
            float gx1 = gb[0], gy1 = gb[1], gx2 = gb[2], gy2 = gb[3];
            float ax = anchors[k], ay = anchors[a + k];
            float d = vc_fminf(vc_fminf(ax - gx1, ay - gy1), vc_fminf(gx2 - ax, gy2 - ay));
            if (d > eps)
            {
                const float* pb = predBoxes + (long long)img * 4 * a + k;
                ov = vc_fmaxf(vc_box_ciou(gx1, gy1, gx2, gy2, pb[0], pb[a], pb[2 * a], pb[3 * a], 1e-7f), 0.0f);
                float s = scores[((long long)img * classes + cls) * a + k];
                m = vc_fmul_rn(vc_powf(s, alpha), vc_powf(ov, beta));
                in = 1;
            }
        }
        inside[t] = in;
        overlap[t] = ov;
        metric[t] = m;
    }
}
VC_REGISTER(vc_assigner_metrics_f32);

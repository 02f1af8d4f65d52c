// nms.cu -- non-maximum suppression on boxes already in rank order (IDetectionOps.NmsRanked), torchvision's two-kernel
// bitmask design with the reduction on the device too, so only the keep list and its count leave the GPU.
//
// Semantics (identical to the Cpu backend, VisionCuda.Cpu.Detection.RankedNms): boxes [n, 4] x1, y1, x2, y2 in rank
// order; walking the ranks, a box not yet suppressed is kept and suppresses every later box j of the same class (when
// classes is given) with IoU > cut. IoU is computed exactly as torchvision's CPU kernel does, in the same order, with
// explicit round-to-nearest ops (vc_fsub_rn & co., never contracted into fma), so the bits equal the host's:
//   xx1 = max(x1i, x1j) ... (as `a < b ? b : a`), w = max(0, xx2 - xx1), h likewise, inter = w * h,
//   area = (x2 - x1) * (y2 - y1), iou = inter / ((area_i + area_j) - inter); zero-area pairs give 0/0 = NaN, which
//   never compares greater. cut is the float the caller rounded down from torchvision's double threshold.
//
// 1. vc_nms_mask_f32: grid (colBlocks, rowBlocks) of NMS_TILE = 64 boxes each way, 64 threads per block. The column
//    block's boxes (coordinates, areas, classes) are staged in shared memory; thread t owns row i = 64*rowBlock + t and
//    sets bit c of its 64 bits when column box 64*colBlock + c is later than i and suppressed by it. The 64 bits are
//    two Int32 words (storages are Float32/Int32): mask is [n, words], words = ceil(n / 32), row-major. Blocks with
//    colBlock < rowBlock hold no later boxes and return at once: the lower triangle of the mask is never written and
//    never read.
// 2. vc_nms_reduce_f32: one block of 256 threads; the dynamic shared block holds the current word's kept bits, the
//    kept count and removed[words] (8 + 4 * words bytes; the host keeps n <= 32 * 12272 so that it fits in 48 KiB).
//    For each word block wb in order, thread 0 resolves its 32 boxes serially from the diagonal words (a kept box
//    ORs its own row word into the block's removed word, so later boxes of the same word see it) and appends kept
//    boxes to keep; then all threads OR the kept rows' later words into removed, in parallel, one word per thread. Two barriers per 32 boxes. The walk stops
//    after maxKeep kept boxes; keepCount[0] gets the count.
#include "common.cuh"

#define NMS_TILE 64

// True when box i (the earlier rank) suppresses box j: torchvision's IoU, round-to-nearest, no fma.
VC_DEVICE bool nms_suppresses(float ix1, float iy1, float ix2, float iy2, float iarea,
                              float jx1, float jy1, float jx2, float jy2, float jarea, float cut)
{
    float xx1 = ix1 < jx1 ? jx1 : ix1;
    float yy1 = iy1 < jy1 ? jy1 : iy1;
    float xx2 = jx2 < ix2 ? jx2 : ix2;
    float yy2 = jy2 < iy2 ? jy2 : iy2;
    float dw = vc_fsub_rn(xx2, xx1), dh = vc_fsub_rn(yy2, yy1);
    float w = 0.0f < dw ? dw : 0.0f;
    float h = 0.0f < dh ? dh : 0.0f;
    float inter = vc_fmul_rn(w, h);
    float iou = vc_fdiv_rn(inter, vc_fsub_rn(vc_fadd_rn(iarea, jarea), inter));
    return iou > cut;
}

VC_DEVICE float nms_area(float x1, float y1, float x2, float y2)
{
    return vc_fmul_rn(vc_fsub_rn(x2, x1), vc_fsub_rn(y2, y1));
}

VC_KERNEL vc_nms_mask_f32(const float* boxes, const int* classes, int n, int words, float cut, int* mask)
{
    int rowBlock = (int)blockIdx.y, colBlock = (int)blockIdx.x;
    if (colBlock < rowBlock) return; // uniform per block, before the barrier
    VC_SHARED(float, cb, [5][NMS_TILE]);
    VC_SHARED(int, cc, [NMS_TILE]);
    int t = (int)threadIdx.x;
    int colStart = colBlock * NMS_TILE;
    int colCount = n - colStart < NMS_TILE ? n - colStart : NMS_TILE;
    if (t < colCount)
    {
        const float* b = boxes + 4LL * (colStart + t);
        cb[0][t] = b[0];
        cb[1][t] = b[1];
        cb[2][t] = b[2];
        cb[3][t] = b[3];
        cb[4][t] = nms_area(b[0], b[1], b[2], b[3]);
        cc[t] = classes ? classes[colStart + t] : 0;
    }
    vc_sync();
    int i = rowBlock * NMS_TILE + t;
    if (i >= n) return; // after the only barrier
    const float* bi = boxes + 4LL * i;
    float ix1 = bi[0], iy1 = bi[1], ix2 = bi[2], iy2 = bi[3];
    float iarea = nms_area(ix1, iy1, ix2, iy2);
    int ic = classes ? classes[i] : 0;
    unsigned lo = 0, hi = 0;
    for (int c = colBlock == rowBlock ? t + 1 : 0; c < colCount; c++)
    {
        if (cc[c] != ic) continue;
        if (nms_suppresses(ix1, iy1, ix2, iy2, iarea, cb[0][c], cb[1][c], cb[2][c], cb[3][c], cb[4][c], cut))
        {
            if (c < 32) lo |= 1u << c;
            else hi |= 1u << (c - 32);
        }
    }
    int* row = mask + (long long)i * words;
    row[2 * colBlock] = (int)lo;
    if (2 * colBlock + 1 < words) row[2 * colBlock + 1] = (int)hi;
}
VC_REGISTER(vc_nms_mask_f32);

VC_KERNEL vc_nms_reduce_f32(const int* mask, int n, int words, int maxKeep, int* keep, int* keepCount)
{
    // blockKept and kept are written by thread 0 and read by all threads after the barrier. As function-static
    // __shared__ scalars, clang-14 hoisted the other threads' loads of them above bar.sync (it sees the internal,
    // never-escaping globals as untouched by the barrier call, then partially-redundant-load-eliminates across it),
    // so those threads ORed stale kept bits: the real H200 kept more boxes than the Cpu backend while the emulator
    // agreed. They now live at the head of the dynamic (extern) shared block, which no such analysis can prove
    // private: [blockKept, kept, removed[words]].
    VC_DYNAMIC_SHARED(unsigned, shm);
    unsigned* const blockKept = shm;
    int* const kept = reinterpret_cast<int*>(shm + 1);
    unsigned* const removed = shm + 2;
    int t = (int)threadIdx.x;
    for (int w = t; w < words; w += (int)blockDim.x) removed[w] = 0u;
    if (t == 0) kept[0] = 0;
    vc_sync();
    for (int wb = 0; wb < words; wb++)
    {
        int base = wb * 32;
        if (t == 0)
        {
            unsigned rem = removed[wb], bits = 0u;
            int count = kept[0];
            int m = n - base < 32 ? n - base : 32;
            for (int b = 0; b < m && count < maxKeep; b++)
            {
                if ((rem >> b) & 1u) continue;
                keep[count++] = base + b;
                bits |= 1u << b;
                rem |= (unsigned)mask[(long long)(base + b) * words + wb];
            }
            removed[wb] = rem;
            blockKept[0] = bits;
            kept[0] = count;
        }
        vc_sync();
        unsigned bits = blockKept[0];
        if (kept[0] >= maxKeep) break; // uniform: every thread read the same count after the barrier
        for (int w = wb + 1 + t; w < words; w += (int)blockDim.x)
        {
            unsigned acc = removed[w];
            for (int b = 0; b < 32; b++)
                if ((bits >> b) & 1u) acc |= (unsigned)mask[(long long)(base + b) * words + w];
            removed[w] = acc;
        }
        vc_sync();
    }
    if (t == 0) keepCount[0] = kept[0];
}
VC_REGISTER(vc_nms_reduce_f32);

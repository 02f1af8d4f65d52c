using ILGPU;

namespace VisionCuda.Ilgpu.Kernels;

/// <summary>
/// NMS on boxes in rank order, in the two phases of kernels/nms.cu (see its design note for the semantics):
/// <list type="number">
/// <item><see cref="Mask"/>: one thread per (row i, mask word w), implicitly grouped: bit b of mask[i * words + w] is set
///   when box j = 32w + b is later than i, of the same class (when classes are given) and has IoU &gt; cut with i.
///   The IoU is the host's float32 arithmetic in torchvision's order.</item>
/// <item><see cref="Reduce"/>: one explicitly grouped group; removed bits in dynamic shared memory. Per 32-box word,
///   thread 0 resolves the word's boxes serially from the diagonal words and appends the kept ones, then all threads OR
///   the kept rows' later words into removed. Stops after maxKeep kept boxes.</item>
/// </list>
/// The ILGPU PTX backend may contract the IoU's multiply and subtract into fma (it emits no rounding modifiers), so
/// bitwise agreement with the Cpu backend is guaranteed on ilgpu:cpu, and on GPUs only up to that rounding.
/// </summary>
internal static class NmsKernels
{
    public static bool Suppresses(float ix1, float iy1, float ix2, float iy2, float iarea,
                                  float jx1, float jy1, float jx2, float jy2, float jarea, float cut)
    {
        float xx1 = ix1 < jx1 ? jx1 : ix1;
        float yy1 = iy1 < jy1 ? jy1 : iy1;
        float xx2 = jx2 < ix2 ? jx2 : ix2;
        float yy2 = jy2 < iy2 ? jy2 : iy2;
        float dw = xx2 - xx1, dh = yy2 - yy1;
        float w = 0f < dw ? dw : 0f;
        float h = 0f < dh ? dh : 0f;
        float inter = w * h;
        float iou = inter / (iarea + jarea - inter);
        return iou > cut;
    }

    public static void Mask(Index1D index, ArrayView<float> boxes, ArrayView<int> classes, ArrayView<int> mask, NmsArgs p)
    {
        int i = index / p.Words, w = index - i * p.Words;
        float ix1 = boxes[4 * i], iy1 = boxes[4 * i + 1], ix2 = boxes[4 * i + 2], iy2 = boxes[4 * i + 3];
        float iarea = (ix2 - ix1) * (iy2 - iy1);
        int ic = p.HasClasses != 0 ? classes[i] : 0;
        int start = Max(32 * w, i + 1), end = System.Math.Min(32 * w + 32, p.N);
        uint bits = 0u;
        for (int j = start; j < end; j++)
        {
            if (p.HasClasses != 0 && classes[j] != ic) continue;
            float jx1 = boxes[4 * j], jy1 = boxes[4 * j + 1], jx2 = boxes[4 * j + 2], jy2 = boxes[4 * j + 3];
            float jarea = (jx2 - jx1) * (jy2 - jy1);
            if (Suppresses(ix1, iy1, ix2, iy2, iarea, jx1, jy1, jx2, jy2, jarea, p.Cut)) bits |= 1u << (j - 32 * w);
        }
        mask[(long)i * p.Words + w] = (int)bits;
    }

    private static int Max(int a, int b) => a > b ? a : b;

    // Shared: removed[0 .. words), then the current word's kept bits at [words], the kept count at [words + 1].
    public static void Reduce(ArrayView<int> mask, ArrayView<int> keep, ArrayView<int> keepCount, int n, int words, int maxKeep)
    {
        var sh = SharedMemory.GetDynamic<int>();
        int t = Group.IdxX, threads = Group.DimX;
        for (int w = t; w < words; w += threads) sh[w] = 0;
        if (t == 0) sh[words + 1] = 0;
        Group.Barrier();
        for (int wb = 0; wb < words; wb++)
        {
            int baseBox = wb * 32;
            if (t == 0)
            {
                uint rem = (uint)sh[wb], bits = 0u;
                int count = sh[words + 1];
                int m = System.Math.Min(32, n - baseBox);
                for (int b = 0; b < m && count < maxKeep; b++)
                {
                    if (((rem >> b) & 1u) != 0) continue;
                    keep[count++] = baseBox + b;
                    bits |= 1u << b;
                    rem |= (uint)mask[(long)(baseBox + b) * words + wb];
                }
                sh[wb] = (int)rem;
                sh[words] = (int)bits;
                sh[words + 1] = count;
            }
            Group.Barrier();
            uint kept = (uint)sh[words];
            if (sh[words + 1] >= maxKeep) break;              // uniform: all threads read it after the barrier
            for (int w = wb + 1 + t; w < words; w += threads)
            {
                uint acc = (uint)sh[w];
                for (int b = 0; b < 32; b++)
                    if (((kept >> b) & 1u) != 0) acc |= (uint)mask[(long)(baseBox + b) * words + w];
                sh[w] = (int)acc;
            }
            Group.Barrier();
        }
        if (t == 0) keepCount[0] = sh[words + 1];
    }
}

internal struct NmsArgs
{
    public int N, Words, HasClasses;
    public float Cut;
}

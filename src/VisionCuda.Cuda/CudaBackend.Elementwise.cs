using VisionCuda.Backends;

namespace VisionCuda.Cuda;

/// <summary>Unary ops and their backwards (kernels/elementwise_unary.cu), broadcast binary ops and axpy (kernels/elementwise.cu).</summary>
public sealed partial class CudaBackend
{
    public void Unary(UnaryOp op, Storage x, Storage y, long count, float a = 0f, float b = 0f) =>
        Launch1D(K.vc_unary_f32, count, P(x), P(y), count, (int)op, a, b);

    public void UnaryBackward(UnaryOp op, Storage x, Storage y, Storage dy, Storage dx, long count, float a = 0f, float b = 0f) =>
        Launch1D(K.vc_unary_backward_f32, count, P(x), P(y), P(dy), P(dx), count, (int)op, a, b);

    public void Binary(BinaryOp op, Storage a, Storage b, Storage y, BroadcastPlan plan)
    {
        long n = plan.Count;
        if (plan.SameShape)
        {
            Launch1D(K.vc_binary_f32, n, P(a), P(b), P(y), n, (int)op);
            return;
        }
        if (plan.BIsScalar && IsContiguous(plan.AStrides, plan.OutShape))
        {
            Launch1D(K.vc_binary_scalar_f32, n, P(a), P(b), P(y), n, (int)op);
            return;
        }
        int r = plan.Rank;
        Span<int> d = stackalloc int[6];
        Span<long> sa = stackalloc long[6];
        Span<long> sb = stackalloc long[6];
        d.Fill(1);
        sa.Clear();
        sb.Clear();
        for (int i = 0; i < r; i++)
        {
            d[6 - r + i] = plan.OutShape[i];
            sa[6 - r + i] = plan.AStrides[i];
            sb[6 - r + i] = plan.BStrides[i];
        }
        Launch1D(K.vc_binary_bcast_f32, n, P(a), P(b), P(y), n, (int)op,
            d[0], d[1], d[2], d[3], d[4], d[5],
            sa[0], sa[1], sa[2], sa[3], sa[4], sa[5],
            sb[0], sb[1], sb[2], sb[3], sb[4], sb[5]);
    }

    private static bool IsContiguous(long[] strides, int[] shape)
    {
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && strides[i] != s) return false;
            s *= shape[i];
        }
        return true;
    }

    public void Axpy(Storage a, Storage b, Storage y, long count, float alpha) =>
        Launch1D(K.vc_axpy_f32, count, P(a), P(b), P(y), count, alpha);
}

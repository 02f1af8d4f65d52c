namespace VisionCuda.Backends;

/// <summary>Unary and binary elementwise ops (with broadcasting) and axpy. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    void Unary(UnaryOp op, Storage x, Storage y, long count, float a = 0f, float b = 0f);

    /// <summary>dx = dy * f'(x). <paramref name="y"/> is the forward output, which some ops use instead of x.</summary>
    void UnaryBackward(UnaryOp op, Storage x, Storage y, Storage dy, Storage dx, long count, float a = 0f, float b = 0f);

    void Binary(BinaryOp op, Storage a, Storage b, Storage y, BroadcastPlan plan);

    /// <summary>y = a + alpha * b over <paramref name="count"/> elements, in place allowed (y may be a). Used to accumulate gradients.</summary>
    void Axpy(Storage a, Storage b, Storage y, long count, float alpha);
}

using VisionCuda.Backends;
using VisionCuda.Random;

namespace VisionCuda;

public sealed partial class Tensor
{
    /// <summary>Uninitialised tensor from the backend pool.</summary>
    public static Tensor Empty(int[] shape, IBackend? backend = null, DType dtype = DType.Float32)
    {
        backend ??= Devices.Default;
        return new Tensor(backend.Allocate(Shapes.Numel(shape), dtype), (int[])shape.Clone());
    }

    public static Tensor Full(int[] shape, float value, IBackend? backend = null)
    {
        var t = Empty(shape, backend);
        t.Backend.Fill(t.Storage, value);
        return t;
    }

    public static Tensor Zeros(int[] shape, IBackend? backend = null) => Full(shape, 0f, backend);

    public static Tensor Ones(int[] shape, IBackend? backend = null) => Full(shape, 1f, backend);

    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.Backend);

    public static Tensor FromArray(float[] data, int[] shape, IBackend? backend = null, bool requiresGrad = false)
        => FromSpan<float>(data, shape, backend, DType.Float32, requiresGrad);

    public static Tensor FromArray(int[] data, int[] shape, IBackend? backend = null)
        => FromSpan<int>(data, shape, backend, DType.Int32, false);

    public static Tensor Scalar(float value, IBackend? backend = null) => FromArray(new[] { value }, Array.Empty<int>(), backend);

    private static Tensor FromSpan<T>(ReadOnlySpan<T> data, int[] shape, IBackend? backend, DType dtype, bool requiresGrad) where T : unmanaged
    {
        long n = Shapes.Numel(shape);
        if (n != data.Length) throw new ArgumentException($"{data.Length} values do not fill shape {Shapes.Format(shape)} ({n} elements)");
        var t = Empty(shape, backend, dtype);
        t.Backend.Upload(data, t.Storage);
        if (requiresGrad) t.RequiresGrad = true;
        return t;
    }

    /// <summary>Uniform [low, high) values drawn with Philox keyed by <paramref name="seed"/>: the same on every backend.</summary>
    public static Tensor Uniform(int[] shape, float low, float high, ulong seed, IBackend? backend = null)
    {
        var data = new float[Shapes.Numel(shape)];
        Philox.FillUniform(data, seed, 0, low, high);
        return FromArray(data, shape, backend);
    }

    /// <summary>Standard normal values (Box-Muller on Philox), scaled by <paramref name="std"/>.</summary>
    public static Tensor Normal(int[] shape, float mean, float std, ulong seed, IBackend? backend = null)
    {
        var data = new float[Shapes.Numel(shape)];
        Philox.FillNormal(data, seed, 0, mean, std);
        return FromArray(data, shape, backend);
    }

    /// <summary>Copies the values to a new managed array (waits for the device).</summary>
    public float[] ToArray()
    {
        if (DType != DType.Float32) throw new InvalidOperationException($"ToArray() reads float32; this tensor is {DType}: use ToIntArray()");
        var data = new float[Numel];
        Backend.Download<float>(Storage, data);
        return data;
    }

    public int[] ToIntArray()
    {
        if (DType != DType.Int32) throw new InvalidOperationException($"ToIntArray() reads int32; this tensor is {DType}");
        var data = new int[Numel];
        Backend.Download<int>(Storage, data);
        return data;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item() needs one element, tensor has shape {Shapes.Format(Shape)}");
        return ToArray()[0];
    }

    /// <summary>A copy on another backend (no tape history).</summary>
    public Tensor To(IBackend backend)
    {
        if (ReferenceEquals(backend, Backend)) return Clone();
        if (DType == DType.Int32) return FromArray(ToIntArray(), Shape, backend);
        return FromArray(ToArray(), Shape, backend);
    }

    /// <summary>A copy of the data with no tape history.</summary>
    public Tensor Clone()
    {
        var t = Empty(Shape, Backend, DType);
        Backend.CopyBlocks(Storage, 0, 0, t.Storage, 0, 0, 1, Numel, accumulate: false);
        return t;
    }

    /// <summary>Overwrites this tensor's values with <paramref name="source"/>'s (same shape; no tape).</summary>
    public void CopyFrom(Tensor source)
    {
        if (!Shapes.SameShape(source.Shape, Shape)) throw new ArgumentException($"CopyFrom: {Shapes.Format(source.Shape)} into {Shapes.Format(Shape)}");
        if (ReferenceEquals(source.Backend, Backend))
            Backend.CopyBlocks(source.Storage, 0, 0, Storage, 0, 0, 1, Numel, accumulate: false);
        else if (DType == DType.Int32)
            Backend.Upload<int>(source.ToIntArray(), Storage);
        else
            Backend.Upload<float>(source.ToArray(), Storage);
    }
}

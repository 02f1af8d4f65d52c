namespace VisionCuda.Backends;

/// <summary>
/// The one backend contract: tensor math only. The Cpu, Cuda and Ilgpu backends implement it with the same op names; the
/// autograd layer (<see cref="F"/>) is written once on top of it. Task ops (detection, and segmentation to come) are
/// interfaces of their own (<see cref="IDetectionOps"/>).
///
/// One op family per partial file, with the same file name on every backend: IBackend.X.cs, CpuBackend.X.cs,
/// CudaBackend.X.cs with kernels/x.cu (x_part.cu where a family's kernels are split), IlgpuBackend.X.cs with
/// Kernels/XKernels.cs. This file holds memory and synchronisation.
///
/// Conventions every implementation keeps:
/// - All storages are contiguous float32 NCHW unless the parameter says Int32 (targets, indices).
/// - Ops write their outputs fully (no read of uninitialised output) unless the name says Accumulate.
/// - Reductions use a fixed partitioning, so that with the same inputs a backend gives bitwise the same result
///   whatever the thread timing (conventions.md, Determinism).
/// - Shapes are validated by the caller (<see cref="F"/>); kernels trust them.
/// - Ops are asynchronous on devices that queue work; <see cref="Download"/> and <see cref="Synchronize"/> wait.
/// </summary>
public partial interface IBackend : IDisposable
{
    /// <summary>Device name as the CLI spells it: "cpu", "cuda:0", "cuda-emu", "ilgpu:cpu".</summary>
    string Name { get; }

    /// <summary>What this backend can do or prefers, for the callers whose behaviour must differ (never test the type or the name).</summary>
    BackendCapabilities Capabilities { get; }

    /// <summary>Uninitialised, pooled storage of <paramref name="count"/> elements.</summary>
    Storage Allocate(long count, DType dtype = DType.Float32);

    void Upload<T>(ReadOnlySpan<T> source, Storage destination) where T : unmanaged;

    void Download<T>(Storage source, Span<T> destination) where T : unmanaged;

    void Synchronize();
}

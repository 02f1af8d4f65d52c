namespace VisionCuda.Backends;

/// <summary>
/// What a backend can do or prefers, for the few callers whose behaviour must differ between backends. Callers ask
/// these questions instead of testing the backend's type or the spelling of its name, so a new backend (or a new
/// device of an existing one) only has to answer them.
/// </summary>
public sealed record BackendCapabilities
{
    /// <summary>
    /// Storages are plain host memory that the caller's own threads could read: a host algorithm on downloaded data
    /// costs no transfer, so post-processing such as NMS need not be sent to the backend. True for the Cpu backend
    /// only (cuda-emu and ilgpu:cpu keep their memory behind a device API).
    /// </summary>
    public bool HostMemory { get; init; }

    /// <summary>
    /// The ops execute on this machine's CPU cores (cpu, cuda-emu, ilgpu:cpu), so the CPU's peak FLOP/s and memory
    /// bandwidth are the ones to compare against.
    /// </summary>
    public bool RunsOnHost { get; init; }

    /// <summary>
    /// Detection batches should be built on the backend (warp, blend, HSV and float conversion through
    /// <see cref="IDetectionOps.AugmentBatch"/>) rather than on the loader's CPU threads.
    /// </summary>
    public bool DeviceAugment { get; init; }

    /// <summary>
    /// Kernels run at interpreter speed (the ILGPU CPU accelerator): benchmarks use their tiny shapes only.
    /// </summary>
    public bool InterpreterSpeed { get; init; }

    /// <summary>The GPU's model name (for peak tables), or null when the backend runs on the host.</summary>
    public string? GpuModel { get; init; }
}

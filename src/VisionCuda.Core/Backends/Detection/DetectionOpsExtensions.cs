namespace VisionCuda.Backends;

/// <summary>The one way callers reach a backend's detection ops: <c>backend.Detection().NmsRanked(...)</c>.</summary>
public static class DetectionOpsExtensions
{
    /// <summary>
    /// The backend's <see cref="IDetectionOps"/>. Every backend in this repository has them; one that does not (a
    /// tensor-only backend embedded elsewhere) fails here with its name rather than deep inside a trainer.
    /// </summary>
    public static IDetectionOps Detection(this IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend as IDetectionOps
            ?? throw new NotSupportedException($"backend '{backend.Name}' has no detection ops (it does not implement {nameof(IDetectionOps)})");
    }
}

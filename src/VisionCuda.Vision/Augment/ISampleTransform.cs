using OpenCvSharp;

namespace VisionCuda.Vision.Augment;

/// <summary>
/// Turns one decoded image into a normalised CHW float sample of fixed shape. <paramref name="position"/> is the
/// sample's position in the epoch's order; random transforms key their Philox stream by (seed, epoch, position,
/// RandomPurpose.Augment), so the result does not depend on which thread runs it. Implementations must be
/// thread-safe (no mutable state) and must not dispose <c>image</c>.
/// </summary>
public interface ISampleTransform
{
    int Channels { get; }
    int Height { get; }
    int Width { get; }

    void Apply(Mat image, long epoch, long position, Span<float> chw);
}

namespace VisionCuda.Backends;

/// <summary>
/// The detection task's ops (YOLO boxes, NMS, batch augmentation), kept apart from the tensor math of
/// <see cref="IBackend"/> so that the core contract stays about tensors and a backend may leave a task out.
/// A backend that has them implements this interface on its backend class, in a Detection/ folder of its own
/// (Cpu/Detection/, VisionCuda.Cuda/Detection/, VisionCuda.Ilgpu/Detection/), one partial file per family with the
/// same name on every backend: Box, Nms, Augment. Callers reach them through one accessor,
/// <c>backend.Detection()</c> (<see cref="DetectionOpsExtensions.Detection"/>), which names the backend when it has none.
/// The storages passed in come from that same backend, and the conventions of <see cref="IBackend"/> hold here too.
/// <para>
/// The segmentation ops to come (mask decode, mask loss, ...) go the same way: an <c>ISegmentationOps</c> in
/// Backends/Segmentation/, implemented in each backend's Segmentation/ folder, reached through
/// <c>backend.Segmentation()</c>.
/// </para>
/// </summary>
public partial interface IDetectionOps
{
}

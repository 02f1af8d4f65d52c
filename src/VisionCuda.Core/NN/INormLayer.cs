namespace VisionCuda.NN;

/// <summary>
/// Marks normalisation layers (BatchNorm2d and any future norm). Their weights get no weight decay in
/// <see cref="VisionCuda.Optim.ParamGroups.Ultralytics"/>, as Ultralytics does for every torch.nn class with "Norm" in its name.
/// </summary>
public interface INormLayer
{
}

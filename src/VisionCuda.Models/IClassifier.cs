using VisionCuda.NN;

namespace VisionCuda.Models;

/// <summary>
/// What the built-in classifiers share: the final linear layer (<see cref="Head"/>) and the rest
/// (<see cref="BackboneParameters"/>), for discriminative fine-tuning:
/// <code>
/// var opt = new Sgd(new[] { new ParamGroup(m.BackboneParameters(), lr: 1e-4), new ParamGroup(m.Head.Parameters(), lr: 1e-2) }, lr: 1e-2, momentum: 0.9);
/// </code>
/// </summary>
public interface IClassifier
{
    Linear Head { get; }

    IEnumerable<Tensor> BackboneParameters();
}

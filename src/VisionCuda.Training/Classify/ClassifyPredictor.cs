using System.Text.Json;
using VisionCuda.Autograd;
using VisionCuda.Backends;
using OpenCvSharp;
using VisionCuda.Memory;
using VisionCuda.Training.Predict;
using VisionCuda.Vision.Augment;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Training.Classify;

/// <summary>One image's top-5 classes with probabilities.</summary>
public sealed record Prediction(string Source, IReadOnlyList<(string Name, int Index, float Probability)> Top5);

/// <summary>Classifies images with trained weights: the same resize and center crop as validation, then softmax.</summary>
public sealed class ClassifyPredictor : IPredictor<Prediction>
{
    private readonly ClassifyWeights _weights;
    private readonly ClassifyValTransform _transform;
    private readonly IBackend _backend;

    public ClassifyPredictor(string weightsPath, string device = "cpu", int imgsz = 0)
    {
        _backend = Devices.Get(device);
        _weights = ClassifyWeights.Load(weightsPath, _backend);
        _transform = new ClassifyValTransform(imgsz > 0 ? imgsz : _weights.ImageSize, null, _weights.Spec.InChannels);
    }

    public IReadOnlyList<string> Names => _weights.Names;

    /// <summary>Predicts every supported image under a file or directory (sorted); unreadable files are skipped with a warning.</summary>
    public IReadOnlyList<Prediction> PredictSource(string source, Action<string>? warn = null, Action<Prediction, int, int>? onImage = null,
        CancellationToken cancellationToken = default)
    {
        var files = ImageIO.FindImages(source);
        var results = new List<Prediction>();
        for (int i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                results.Add(Predict(files[i], cancellationToken));
                onImage?.Invoke(results[^1], i + 1, files.Count);
            }
            catch (ImageDecodeException e)
            {
                warn?.Invoke(e.Message);
            }
        }
        return results;
    }

    public Prediction Predict(string imagePath, CancellationToken cancellationToken = default) => Classify(_transform.LoadFile(imagePath), imagePath);

    public Prediction Predict(Stream encoded, string name, CancellationToken cancellationToken = default) =>
        PredictorStreams.PredictEncoded(this, encoded, name, cancellationToken);

    public Prediction Predict(Mat image, string name, CancellationToken cancellationToken = default)
    {
        var chw = new float[_transform.Channels * _transform.Height * _transform.Width];
        _transform.Apply(image, 0, 0, chw);
        return Classify(chw, name);
    }

    private Prediction Classify(float[] chw, string source)
    {
        using var scope = DisposeScope.Enter();
        using var noGrad = GradMode.NoGrad();
        var x = Tensor.FromArray(chw, new[] { 1, _transform.Channels, _transform.Height, _transform.Width }, _backend);
        var probs = F.Softmax(_weights.Model.Forward(x), 1).ToArray();
        var top = probs.Select((p, i) => (p, i)).OrderByDescending(t => t.p).ThenBy(t => t.i).Take(5)
            .Select(t => (_weights.Names[t.i], t.i, t.p)).ToList();
        return new Prediction(source, top);
    }

    public static string ToJson(IEnumerable<Prediction> predictions) => JsonSerializer.Serialize(
        predictions.Select(p => new
        {
            source = p.Source,
            top5 = p.Top5.Select(t => new { name = t.Name, @class = t.Index, probability = t.Probability }),
        }),
        new JsonSerializerOptions { WriteIndented = true });

    public void Dispose() => _weights.Dispose();
}

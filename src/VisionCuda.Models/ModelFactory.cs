using VisionCuda.NN;

namespace VisionCuda.Models;

/// <summary>Options of the built-in classifiers.</summary>
public sealed record ModelOptions
{
    /// <summary>Channel multiplier (resnet18, mobilenet, cnn).</summary>
    public double Width { get; init; } = 1.0;

    /// <summary>3x3 stride-1 stem for small images (resnet18, mobilenet). Default: chosen from <see cref="ImageSize"/> when given.</summary>
    public bool? SmallInput { get; init; }

    /// <summary>Training image size; at most 64 selects the small-input stem when <see cref="SmallInput"/> is unset.</summary>
    public int? ImageSize { get; init; }

    /// <summary>Dropout before the classifier; null keeps the model's default (0, mobilenet 0.2).</summary>
    public double? Dropout { get; init; }

    /// <summary>Weight-initialisation seed.</summary>
    public ulong Seed { get; init; }
}

/// <summary>Builds the built-in classifiers by name: "cnn", "resnet18", "mobilenet".</summary>
public static class ModelFactory
{
    public static IReadOnlyList<string> Names { get; } = new[] { "cnn", "resnet18", "mobilenet" };

    public static Module Create(string name, int numClasses, int inChannels = 3, ModelOptions? options = null)
        => Create(Spec(name, numClasses, inChannels, options), options?.Seed ?? 0);

    /// <summary>The spec that <see cref="Create(string, int, int, ModelOptions?)"/> builds (save it in the weights metadata).</summary>
    public static ModelSpec Spec(string name, int numClasses, int inChannels = 3, ModelOptions? options = null)
    {
        options ??= new ModelOptions();
        string key = Normalize(name);
        bool small = options.SmallInput ?? (options.ImageSize is int s && s <= 64);
        double dropout = options.Dropout ?? (key == "mobilenet" ? 0.2 : 0.0);
        return new ModelSpec(key, numClasses, inChannels, options.Width, small, dropout);
    }

    /// <summary>Builds the model a spec describes, with weights initialised from <paramref name="seed"/>.</summary>
    public static Module Create(ModelSpec spec, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string key = Normalize(spec.Name);
        if (spec.NumClasses <= 0) throw new ArgumentException($"number of classes must be positive, got {spec.NumClasses}");
        if (spec.InChannels <= 0) throw new ArgumentException($"input channels must be positive, got {spec.InChannels}");
        if (!(spec.Width > 0) || spec.Width > 16) throw new ArgumentException($"width multiplier must be in (0, 16], got {spec.Width}");
        if (spec.Dropout < 0 || spec.Dropout >= 1) throw new ArgumentException($"dropout must be in [0, 1), got {spec.Dropout}");
        using var _ = Init.Seeded(seed);
        return key switch
        {
            "cnn" => new Cnn(spec.NumClasses, spec.InChannels, spec.Width, spec.Dropout),
            "resnet18" => new ResNet18(spec.NumClasses, spec.InChannels, spec.Width, spec.SmallInput, spec.Dropout),
            "mobilenet" => new MobileNetV2(spec.NumClasses, spec.InChannels, spec.Width, spec.SmallInput, spec.Dropout),
            _ => throw new UnknownModelException(spec.Name, Names),
        };
    }

    private static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string k = name.Trim().ToLowerInvariant();
        return k is "mobilenetv2" or "mobilenet_v2" ? "mobilenet" : k;
    }
}

public sealed class UnknownModelException : ArgumentException
{
    public UnknownModelException(string name, IReadOnlyList<string> known)
        : base($"unknown model '{name}'. Built-in models: {string.Join(", ", known)} (or a model YAML / a .safetensors weights file)")
    {
        ModelName = name;
    }

    public string ModelName { get; }
}

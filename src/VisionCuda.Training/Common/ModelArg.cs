namespace VisionCuda.Training.Common;

/// <summary>The --model argument of every task: a weights file to fine-tune from, or an architecture (a built-in name or a model YAML).</summary>
public static class ModelArg
{
    public static bool IsWeightsFile(string model) => model.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
}

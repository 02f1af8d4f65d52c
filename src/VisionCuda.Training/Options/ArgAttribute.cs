namespace VisionCuda.Training.Options;

/// <summary>
/// Marks an option property with its Ultralytics spelling (underscores included) and help text. The CLI builds its
/// options from these, and args.yaml is written from them, so the two can never disagree.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ArgAttribute : Attribute
{
    public ArgAttribute(string name, string help)
    {
        Name = name;
        Help = help;
    }

    public string Name { get; }

    public string Help { get; }
}

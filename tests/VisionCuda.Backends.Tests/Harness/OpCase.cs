namespace VisionCuda.Backends.Tests.Harness;

/// <summary>
/// One row of the op table: a named configuration of one op (or op family), the backend contract members it calls
/// (checked by the coverage test), and whether it is tiny enough for ilgpu:cpu (ILGPU's CPU accelerator is thousands
/// of times slower than plain C#, so only tiny cases run there).
/// </summary>
public sealed record OpCase(string Name, string[] Covers, bool Tiny, Action<OpContext> Run)
{
    public override string ToString() => Name;
}

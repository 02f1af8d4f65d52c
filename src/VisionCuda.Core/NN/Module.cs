using VisionCuda.Autograd;
using VisionCuda.Backends;
using VisionCuda.IO;

namespace VisionCuda.NN;

/// <summary>
/// Base of every layer and model, shaped like TorchSharp's <c>nn.Module</c> but reflection-free: a module
/// registers its parameters, buffers and children explicitly, in the order that names them
/// (<see cref="RegisterParameter"/>, <see cref="RegisterBuffer"/>, <see cref="RegisterModule{T}"/>).
/// Layers read their tensors back through <see cref="Param"/> / <see cref="Buffer"/>, so that
/// <see cref="To"/> and <see cref="LoadStateDict"/> can replace or overwrite them.
///
/// State-dict order follows PyTorch: a module's own parameters, then its own buffers, then each child's
/// entries under "child." in registration order ("features.0.weight").
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<Slot> _parameters = new();
    private readonly List<Slot> _buffers = new();
    private readonly List<KeyValuePair<string, Module>> _children = new();
    private bool _disposed;

    private sealed class Slot
    {
        public Slot(string name, Tensor tensor)
        {
            Name = name;
            Tensor = tensor;
        }

        public string Name { get; }

        public Tensor Tensor { get; set; }
    }

    /// <summary>Whether the module is in training mode (dropout active, batch-norm uses batch statistics).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Short type name used in summaries and error messages.</summary>
    public virtual string TypeName => GetType().Name;

    public abstract Tensor Forward(Tensor input);

    // ---- registration ------------------------------------------------------------------------------------

    /// <summary>Registers a child module under <paramref name="name"/> (no dots) and returns it.</summary>
    public T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckNewName(name);
        _children.Add(new(name, module));
        if (!IsTraining) module.Train(false);
        return module;
    }

    /// <summary>
    /// Registers a parameter (see <see cref="Parameter.Create"/>): the tensor becomes a leaf that requires grad and
    /// is owned by this module (disposed with it).
    /// </summary>
    public Tensor RegisterParameter(string name, Tensor parameter)
    {
        CheckNewName(name);
        var p = Parameter.Create(parameter);
        _parameters.Add(new Slot(name, p));
        return p;
    }

    /// <summary>Registers a buffer: state saved in the state dict but not trained (batch-norm running stats).</summary>
    public Tensor RegisterBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckNewName(name);
        buffer.DetachFromScope();
        _buffers.Add(new Slot(name, buffer));
        return buffer;
    }

    private void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"invalid name '{name}' in {TypeName}: names are non-empty and contain no '.'");
        if (_parameters.Any(s => s.Name == name) || _buffers.Any(s => s.Name == name) || _children.Any(c => c.Key == name))
            throw new ArgumentException($"{TypeName} already has a member named '{name}'");
    }

    /// <summary>This module's own parameter <paramref name="name"/>.</summary>
    protected Tensor Param(string name) => Find(_parameters, name) ?? throw new KeyNotFoundException($"{TypeName} has no parameter '{name}'");

    /// <summary>This module's own parameter, or null if it was not registered (an optional bias).</summary>
    protected Tensor? ParamOrNull(string name) => Find(_parameters, name);

    protected Tensor Buffer(string name) => Find(_buffers, name) ?? throw new KeyNotFoundException($"{TypeName} has no buffer '{name}'");

    private static Tensor? Find(List<Slot> slots, string name)
    {
        foreach (var s in slots)
            if (s.Name == name) return s.Tensor;
        return null;
    }

    // ---- traversal ---------------------------------------------------------------------------------------

    /// <summary>Direct children in registration order: the "layers" that <c>freeze=N</c> counts.</summary>
    public IEnumerable<Module> Children() => _children.Select(c => c.Value);

    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.Select(c => (c.Key, c.Value));

    /// <summary>This module and all descendants, depth first; the root has the name "".</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in _children)
            foreach (var m in child.NamedModules(Join(prefix, name)))
                yield return m;
    }

    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(bool recurse = true)
    {
        foreach (var (prefix, m) in recurse ? NamedModules() : new[] { ("", this) })
            foreach (var s in m._parameters)
                yield return (Join(prefix, s.Name), s.Tensor);
    }

    public IEnumerable<Tensor> Parameters(bool recurse = true) => NamedParameters(recurse).Select(p => p.Parameter);

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool recurse = true)
    {
        foreach (var (prefix, m) in recurse ? NamedModules() : new[] { ("", this) })
            foreach (var s in m._buffers)
                yield return (Join(prefix, s.Name), s.Tensor);
    }

    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse).Select(b => b.Buffer);

    /// <summary>Number of parameter elements (optionally only the trainable ones).</summary>
    public long ParameterCount(bool trainableOnly = false)
        => Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => p.Numel);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---- modes and gradients -----------------------------------------------------------------------------

    /// <summary>Sets training mode on this module and all descendants.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, c) in _children) c.Train(training);
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Drops the gradients of all parameters.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Sets <c>RequiresGrad</c> on every parameter (false freezes the module).</summary>
    public Module RequiresGrad(bool requiresGrad)
    {
        foreach (var p in Parameters())
        {
            p.RequiresGrad = requiresGrad;
            if (!requiresGrad) p.ZeroGrad();
        }
        return this;
    }

    /// <summary>
    /// The layers that <c>freeze=N</c> counts, in order, with their dotted names. By default the top-level
    /// children; a model whose top level is coarse (MobileNet's "features") overrides it with finer layers.
    /// </summary>
    public virtual IReadOnlyList<(string Name, Module Module)> FreezableLayers() => NamedChildren().ToList();

    /// <summary>
    /// Freezes the first <paramref name="count"/> layers of <see cref="FreezableLayers"/> (Ultralytics' <c>freeze=N</c>)
    /// and returns the names of the frozen parameters.
    /// </summary>
    public IReadOnlyList<string> FreezeFirst(int count)
    {
        var layers = FreezableLayers();
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), "freeze must be >= 0");
        if (count > layers.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"freeze={count} but {TypeName} has only {layers.Count} layers");
        var frozen = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var (name, layer) = layers[i];
            layer.RequiresGrad(false);
            frozen.AddRange(layer.NamedParameters().Select(p => Join(name, p.Name)));
        }
        return frozen;
    }

    // ---- state dict --------------------------------------------------------------------------------------

    /// <summary>
    /// Name -> tensor for every parameter and buffer, in PyTorch's order. The tensors are the live ones (no copy):
    /// clone them to keep a snapshot.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var sd = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var s in m._parameters) sd.Add(Join(prefix, s.Name), s.Tensor);
            foreach (var s in m._buffers) sd.Add(Join(prefix, s.Name), s.Tensor);
        }
        return sd;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into the module's tensors (in place, on the module's backend).
    /// With <paramref name="strict"/>, missing or unexpected keys are an error; a shape mismatch is an error unless
    /// <paramref name="skipMismatched"/> (transfer learning to a new class count, like Ultralytics' intersect_dicts:
    /// those entries are left as initialised and reported in <see cref="LoadResult.MismatchedKeys"/>).
    /// Nothing is modified when an error is thrown.
    /// </summary>
    public LoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true, bool skipMismatched = false)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var errors = new List<string>();
        var mismatched = new List<string>();
        foreach (var (name, t) in own)
        {
            if (!stateDict.TryGetValue(name, out var src)) continue;
            if (skipMismatched && (!Shapes.SameShape(src.Shape, t.Shape) || src.DType != t.DType))
                mismatched.Add(name);
            else if (!Shapes.SameShape(src.Shape, t.Shape))
                errors.Add($"size mismatch for {name}: checkpoint has shape {Shapes.Format(src.Shape)}, model has {Shapes.Format(t.Shape)}");
            else if (src.DType != t.DType)
                errors.Add($"dtype mismatch for {name}: checkpoint has {src.DType}, model has {t.DType}");
        }
        if (strict)
        {
            if (missing.Count > 0) errors.Insert(0, $"missing keys: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) errors.Insert(missing.Count > 0 ? 1 : 0, $"unexpected keys: {string.Join(", ", unexpected)}");
        }
        if (errors.Count > 0)
            throw new StateDictException($"error loading state dict into {TypeName}:\n  " + string.Join("\n  ", errors), missing, unexpected);
        using (GradMode.NoGrad())
        {
            foreach (var (name, t) in own)
                if (stateDict.TryGetValue(name, out var src) && !mismatched.Contains(name)) t.CopyFrom(src);
        }
        return new LoadResult(missing, unexpected, mismatched) { Loaded = own.Count - missing.Count - mismatched.Count };
    }

    // ---- devices -----------------------------------------------------------------------------------------

    /// <summary>Moves every parameter and buffer to <paramref name="backend"/> (gradients are dropped).</summary>
    public Module To(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        foreach (var m in Modules())
        {
            foreach (var s in m._parameters)
            {
                if (ReferenceEquals(s.Tensor.Backend, backend)) continue;
                bool rg = s.Tensor.RequiresGrad;
                var moved = s.Tensor.To(backend);
                s.Tensor.Dispose();
                s.Tensor = Parameter.Create(moved, rg);
            }
            foreach (var s in m._buffers)
            {
                if (ReferenceEquals(s.Tensor.Backend, backend)) continue;
                var moved = s.Tensor.To(backend).DetachFromScope();
                s.Tensor.Dispose();
                s.Tensor = moved;
            }
        }
        return this;
    }

    /// <summary>The backend of the first parameter or buffer (the default backend for a stateless module).</summary>
    public IBackend Backend => Parameters().Concat(Buffers()).FirstOrDefault()?.Backend ?? Devices.Default;

    // ---- files -------------------------------------------------------------------------------------------

    /// <summary>Writes the state dict as safetensors with the given metadata (model spec, nc, names, imgsz, task only).</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
        => SafeTensors.Save(path, StateDict(), metadata);

    /// <summary>Loads a safetensors file written by <see cref="Save"/> and returns its metadata.</summary>
    public IReadOnlyDictionary<string, string> Load(string path, bool strict = true, bool skipMismatched = false)
    {
        using var file = SafeTensors.Load(path, Backend);
        try
        {
            LoadStateDict(file.Tensors, strict, skipMismatched);
        }
        catch (StateDictException e)
        {
            throw new StateDictException($"{path}: {e.Message}", e.MissingKeys, e.UnexpectedKeys);
        }
        return file.Metadata;
    }

    // ---- summary and disposal ----------------------------------------------------------------------------

    public override string ToString() => $"{TypeName}({ParameterCount():N0} parameters)";

    /// <summary>
    /// One line in Ultralytics' style, e.g. "resnet18 summary: 62 layers, 11,689,512 parameters, 11,689,512 gradients"
    /// (layers = modules that own parameters; gradients = trainable parameters).
    /// </summary>
    public string Summary(string? name = null)
    {
        int layers = Modules().Count(m => m._parameters.Count > 0);
        return $"{name ?? TypeName} summary: {layers} layers, {ParameterCount():N0} parameters, {ParameterCount(trainableOnly: true):N0} gradients";
    }

    /// <summary>A multi-line table of the top-level layers (index, name, type, parameters), for --verbose output.</summary>
    public string Describe()
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{"",3}  {"name",-14} {"params",12}  module");
        int i = 0;
        foreach (var (name, layer) in FreezableLayers())
            sb.AppendLine($"{i++,3}  {name,-14} {layer.ParameterCount(),12:N0}  {layer.TypeName}");
        sb.Append(Summary());
        return sb.ToString();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _parameters)
        {
            s.Tensor.ZeroGrad();
            s.Tensor.Dispose();
        }
        foreach (var s in _buffers) s.Tensor.Dispose();
        foreach (var (_, c) in _children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Keys that <see cref="Module.LoadStateDict"/> did not find (missing), did not use (unexpected), or skipped because
/// the shapes differ (mismatched, only with skipMismatched).
/// </summary>
public sealed record LoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys, IReadOnlyList<string> MismatchedKeys)
{
    /// <summary>Number of entries copied.</summary>
    public int Loaded { get; init; }
}

/// <summary>A state dict that does not fit the module: missing/unexpected keys or mismatched shapes.</summary>
public sealed class StateDictException : Exception
{
    public StateDictException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected) : base(message)
    {
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
    }

    public IReadOnlyList<string> MissingKeys { get; }

    public IReadOnlyList<string> UnexpectedKeys { get; }
}

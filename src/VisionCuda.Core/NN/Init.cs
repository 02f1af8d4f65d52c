using VisionCuda.Random;

namespace VisionCuda.NN;

/// <summary>
/// Seeds for weight initialisation. Every initialised tensor draws its values with Philox keyed by
/// (seed, index, purpose Init), where index counts the tensors initialised so far in the current scope.
/// <c>using (Init.Seeded(seed)) model = ...;</c> therefore builds the same weights every time, whatever was built
/// before (an EMA copy, a test model). Outside a scope the seed is 0 and the counter is per thread.
/// </summary>
public static class Init
{
    [ThreadStatic] private static ulong _seed;
    [ThreadStatic] private static long _counter;

    public static ulong Seed => _seed;

    /// <summary>Sets (seed, counter 0) until disposed, then restores the previous state.</summary>
    public static IDisposable Seeded(ulong seed)
    {
        var restore = new Restore(_seed, _counter);
        _seed = seed;
        _counter = 0;
        return restore;
    }

    /// <summary>The Philox key for the next initialised tensor.</summary>
    public static ulong NextKey() => Philox.Key(_seed, 0, _counter++, RandomPurpose.Init);

    /// <summary>U(-bound, bound) with the next key: PyTorch's default for conv/linear weights (bound = 1/sqrt(fan_in)) and biases.</summary>
    public static Tensor UniformBound(int[] shape, double bound)
        => Tensor.Uniform(shape, (float)-bound, (float)bound, NextKey());

    private sealed class Restore : IDisposable
    {
        private readonly ulong _s;
        private readonly long _c;
        private bool _done;

        public Restore(ulong s, long c)
        {
            _s = s;
            _c = c;
        }

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _seed = _s;
            _counter = _c;
        }
    }
}

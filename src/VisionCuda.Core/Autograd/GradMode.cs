namespace VisionCuda.Autograd;

/// <summary>
/// Whether ops record the tape. <c>using var _ = GradMode.NoGrad();</c> turns recording off for the current
/// thread (inference, optimizer steps, EMA), as torch.no_grad() does.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    public static bool IsEnabled => _disabledDepth == 0;

    public static IDisposable NoGrad() => new NoGradScope();

    private sealed class NoGradScope : IDisposable
    {
        private bool _done;

        public NoGradScope() => _disabledDepth++;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _disabledDepth--;
        }
    }
}

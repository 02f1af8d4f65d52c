using System.Runtime.InteropServices;
using VisionCuda.Cuda.Interop;

namespace VisionCuda.Cuda;

/// <summary>Base of the owned driver handles: released once, through the library that created them.</summary>
public abstract class CudaHandle : SafeHandle
{
    private protected CudaHandle(DriverApi api) : base(0, ownsHandle: true) => Api = api;

    internal DriverApi Api { get; }

    public override bool IsInvalid => handle == 0;

    public nint Value => handle;

    internal void Set(nint h) => SetHandle(h);
}

/// <summary>The primary context of one device, retained for the backend's lifetime.</summary>
public sealed unsafe class CudaContext : CudaHandle
{
    [ThreadStatic] private static CudaContext? _current;

    internal CudaContext(DriverApi api, int device) : base(api)
    {
        Device = device;
        nint ctx;
        NativeLibraries.Check(api, api.cuDevicePrimaryCtxRetain(&ctx, device), "cuDevicePrimaryCtxRetain");
        Set(ctx);
        MakeCurrent();
    }

    public int Device { get; }

    /// <summary>Makes the context current on the calling thread (cached per thread, so this is a compare when it already is).</summary>
    public void MakeCurrent()
    {
        if (ReferenceEquals(_current, this)) return;
        NativeLibraries.Check(Api, Api.cuCtxSetCurrent(handle), "cuCtxSetCurrent");
        _current = this;
    }

    protected override bool ReleaseHandle()
    {
        if (ReferenceEquals(_current, this)) _current = null;
        return Api.cuDevicePrimaryCtxRelease == null || Api.cuDevicePrimaryCtxRelease(Device) == 0;
    }
}

/// <summary>One loaded PTX module (one kernels/*.cu file).</summary>
public sealed unsafe class CudaModule : CudaHandle
{
    private CudaModule(DriverApi api, string name) : base(api) => Name = name;

    public string Name { get; }

    /// <summary>Loads NUL-terminated PTX, JIT-compiling it; on failure the exception carries the JIT error log.</summary>
    internal static CudaModule Load(DriverApi api, string name, ReadOnlySpan<byte> ptx)
    {
        const int logSize = 16 * 1024;
        var image = new byte[ptx.Length + 1];
        ptx.CopyTo(image);
        var info = new byte[logSize];
        var error = new byte[logSize];
        var module = new CudaModule(api, name);
        fixed (byte* img = image, pInfo = info, pErr = error)
        {
            int* options = stackalloc int[4] { 3, 4, 5, 6 };
            void** values = stackalloc void*[4] { pInfo, (void*)logSize, pErr, (void*)logSize };
            nint h;
            int rc = api.cuModuleLoadDataEx(&h, img, 4, options, values);
            if (rc != 0)
            {
                string log = Text(error);
                if (log.Length == 0) log = Text(info);
                throw new CudaException(rc, api.ErrorName(rc), api.ErrorString(rc), $"cuModuleLoadDataEx({name})",
                    detail: log.Length > 0 ? "JIT log:" + Environment.NewLine + log : null);
            }
            module.Set(h);
        }
        return module;
    }

    internal nint GetFunction(string kernel)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(kernel + "\0");
        fixed (byte* p = bytes)
        {
            nint f;
            int rc = Api.cuModuleGetFunction(&f, handle, p);
            if (rc != 0)
                throw new CudaException(rc, Api.ErrorName(rc), Api.ErrorString(rc), $"cuModuleGetFunction({Name})", kernel);
            return f;
        }
    }

    private static string Text(byte[] buffer)
    {
        int n = Array.IndexOf(buffer, (byte)0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, n < 0 ? buffer.Length : n).Trim();
    }

    protected override bool ReleaseHandle() => Api.cuModuleUnload == null || Api.cuModuleUnload(handle) == 0;
}

/// <summary>A stream; the backend queues all its work on one, so ops on it are ordered without syncs.</summary>
public sealed unsafe class CudaStream : CudaHandle
{
    internal CudaStream(DriverApi api) : base(api)
    {
        if (api.cuStreamCreate == null) return; // the legacy default stream (handle 0)
        nint s;
        NativeLibraries.Check(api, api.cuStreamCreate(&s, 0), "cuStreamCreate");
        Set(s);
    }

    public override bool IsInvalid => false; // 0 is the valid default stream

    protected override bool ReleaseHandle() => handle == 0 || Api.cuStreamDestroy == null || Api.cuStreamDestroy(handle) == 0;
}

/// <summary>An event, for staging-buffer reuse (timing disabled) or for benchmarks (timing enabled).</summary>
public sealed unsafe class CudaEvent : CudaHandle
{
    internal CudaEvent(DriverApi api, bool timing) : base(api)
    {
        nint e;
        NativeLibraries.Check(api, api.cuEventCreate(&e, timing ? 0u : 2u), "cuEventCreate");
        Set(e);
    }

    public void Record(CudaStream stream) => NativeLibraries.Check(Api, Api.cuEventRecord(handle, stream.Value), "cuEventRecord");

    public void Synchronize() => NativeLibraries.Check(Api, Api.cuEventSynchronize(handle), "cuEventSynchronize");

    /// <summary>Milliseconds between two recorded (and completed) timing events.</summary>
    public static float Elapsed(CudaEvent start, CudaEvent end)
    {
        float ms;
        NativeLibraries.Check(start.Api, start.Api.cuEventElapsedTime(&ms, start.Value, end.Value), "cuEventElapsedTime");
        return ms;
    }

    protected override bool ReleaseHandle() => Api.cuEventDestroy == null || Api.cuEventDestroy(handle) == 0;
}

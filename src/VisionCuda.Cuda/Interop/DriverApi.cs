using System.Runtime.InteropServices;

namespace VisionCuda.Cuda.Interop;

/// <summary>
/// The CUDA driver entry points VisionCuda uses, as unmanaged function pointers resolved from one library handle
/// (libcuda.so.1, or libvisioncuda_emu.so for cuda-emu). Resolving per handle, instead of binding a process-wide
/// DllImport name, is what lets a real GPU and the emulator live in the same process. Raw: no error handling.
/// Symbol names carry the _v2 suffixes of the current ABI (cuda-binding.md).
/// </summary>
internal sealed unsafe class DriverApi
{
    public DriverApi(nint library, string path, bool isEmulator)
    {
        Library = library;
        Path = path;
        IsEmulator = isEmulator;
        cuInit = (delegate* unmanaged<uint, int>)Req("cuInit");
        cuDriverGetVersion = (delegate* unmanaged<int*, int>)Opt("cuDriverGetVersion");
        cuDeviceGetCount = (delegate* unmanaged<int*, int>)Req("cuDeviceGetCount");
        cuDeviceGet = (delegate* unmanaged<int*, int, int>)Req("cuDeviceGet");
        cuDeviceGetName = (delegate* unmanaged<byte*, int, int, int>)Opt("cuDeviceGetName");
        cuDeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)Opt("cuDeviceGetAttribute");
        cuDeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)Opt("cuDeviceTotalMem_v2");
        cuMemGetInfo = (delegate* unmanaged<nuint*, nuint*, int>)Opt("cuMemGetInfo_v2");
        cuDevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)Req("cuDevicePrimaryCtxRetain");
        cuDevicePrimaryCtxRelease = (delegate* unmanaged<int, int>)Opt("cuDevicePrimaryCtxRelease_v2");
        cuCtxSetCurrent = (delegate* unmanaged<nint, int>)Req("cuCtxSetCurrent");
        cuCtxSynchronize = (delegate* unmanaged<int>)Opt("cuCtxSynchronize");
        cuModuleLoadDataEx = (delegate* unmanaged<nint*, void*, uint, int*, void**, int>)Req("cuModuleLoadDataEx");
        cuModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)Req("cuModuleGetFunction");
        cuModuleUnload = (delegate* unmanaged<nint, int>)Opt("cuModuleUnload");
        cuLaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)Req("cuLaunchKernel");
        cuMemAlloc = (delegate* unmanaged<ulong*, nuint, int>)Req("cuMemAlloc_v2");
        cuMemFree = (delegate* unmanaged<ulong, int>)Req("cuMemFree_v2");
        cuMemcpyHtoD = (delegate* unmanaged<ulong, void*, nuint, int>)Req("cuMemcpyHtoD_v2");
        cuMemcpyDtoH = (delegate* unmanaged<void*, ulong, nuint, int>)Req("cuMemcpyDtoH_v2");
        cuMemcpyDtoD = (delegate* unmanaged<ulong, ulong, nuint, int>)Opt("cuMemcpyDtoD_v2");
        cuMemsetD32 = (delegate* unmanaged<ulong, uint, nuint, int>)Opt("cuMemsetD32_v2");
        cuMemcpyHtoDAsync = (delegate* unmanaged<ulong, void*, nuint, nint, int>)Opt("cuMemcpyHtoDAsync_v2");
        cuMemcpyDtoHAsync = (delegate* unmanaged<void*, ulong, nuint, nint, int>)Opt("cuMemcpyDtoHAsync_v2");
        cuMemAllocHost = (delegate* unmanaged<void**, nuint, int>)Opt("cuMemAllocHost_v2");
        cuMemFreeHost = (delegate* unmanaged<void*, int>)Opt("cuMemFreeHost");
        cuStreamCreate = (delegate* unmanaged<nint*, uint, int>)Opt("cuStreamCreate");
        cuStreamSynchronize = (delegate* unmanaged<nint, int>)Opt("cuStreamSynchronize");
        cuStreamDestroy = (delegate* unmanaged<nint, int>)Opt("cuStreamDestroy_v2");
        cuEventCreate = (delegate* unmanaged<nint*, uint, int>)Opt("cuEventCreate");
        cuEventRecord = (delegate* unmanaged<nint, nint, int>)Opt("cuEventRecord");
        cuEventSynchronize = (delegate* unmanaged<nint, int>)Opt("cuEventSynchronize");
        cuEventElapsedTime = (delegate* unmanaged<float*, nint, nint, int>)Opt("cuEventElapsedTime");
        cuEventDestroy = (delegate* unmanaged<nint, int>)Opt("cuEventDestroy_v2");
        cuGetErrorName = (delegate* unmanaged<int, byte**, int>)Opt("cuGetErrorName");
        cuGetErrorString = (delegate* unmanaged<int, byte**, int>)Opt("cuGetErrorString");
    }

    public nint Library { get; }
    public string Path { get; }
    public bool IsEmulator { get; }

    public readonly delegate* unmanaged<uint, int> cuInit;
    public readonly delegate* unmanaged<int*, int> cuDriverGetVersion;
    public readonly delegate* unmanaged<int*, int> cuDeviceGetCount;
    public readonly delegate* unmanaged<int*, int, int> cuDeviceGet;
    public readonly delegate* unmanaged<byte*, int, int, int> cuDeviceGetName;
    public readonly delegate* unmanaged<int*, int, int, int> cuDeviceGetAttribute;
    public readonly delegate* unmanaged<nuint*, int, int> cuDeviceTotalMem;
    public readonly delegate* unmanaged<nuint*, nuint*, int> cuMemGetInfo;
    public readonly delegate* unmanaged<nint*, int, int> cuDevicePrimaryCtxRetain;
    public readonly delegate* unmanaged<int, int> cuDevicePrimaryCtxRelease;
    public readonly delegate* unmanaged<nint, int> cuCtxSetCurrent;
    public readonly delegate* unmanaged<int> cuCtxSynchronize;
    public readonly delegate* unmanaged<nint*, void*, uint, int*, void**, int> cuModuleLoadDataEx;
    public readonly delegate* unmanaged<nint*, nint, byte*, int> cuModuleGetFunction;
    public readonly delegate* unmanaged<nint, int> cuModuleUnload;
    public readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> cuLaunchKernel;
    public readonly delegate* unmanaged<ulong*, nuint, int> cuMemAlloc;
    public readonly delegate* unmanaged<ulong, int> cuMemFree;
    public readonly delegate* unmanaged<ulong, void*, nuint, int> cuMemcpyHtoD;
    public readonly delegate* unmanaged<void*, ulong, nuint, int> cuMemcpyDtoH;
    public readonly delegate* unmanaged<ulong, ulong, nuint, int> cuMemcpyDtoD;
    public readonly delegate* unmanaged<ulong, uint, nuint, int> cuMemsetD32;
    public readonly delegate* unmanaged<ulong, void*, nuint, nint, int> cuMemcpyHtoDAsync;
    public readonly delegate* unmanaged<void*, ulong, nuint, nint, int> cuMemcpyDtoHAsync;
    public readonly delegate* unmanaged<void**, nuint, int> cuMemAllocHost;
    public readonly delegate* unmanaged<void*, int> cuMemFreeHost;
    public readonly delegate* unmanaged<nint*, uint, int> cuStreamCreate;
    public readonly delegate* unmanaged<nint, int> cuStreamSynchronize;
    public readonly delegate* unmanaged<nint, int> cuStreamDestroy;
    public readonly delegate* unmanaged<nint*, uint, int> cuEventCreate;
    public readonly delegate* unmanaged<nint, nint, int> cuEventRecord;
    public readonly delegate* unmanaged<nint, int> cuEventSynchronize;
    public readonly delegate* unmanaged<float*, nint, nint, int> cuEventElapsedTime;
    public readonly delegate* unmanaged<nint, int> cuEventDestroy;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorName;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorString;

    /// <summary>Streams, events and pinned memory are all present (the async staging path can be used).</summary>
    public bool HasAsync => cuStreamCreate != null && cuStreamSynchronize != null && cuMemcpyHtoDAsync != null
                            && cuMemcpyDtoHAsync != null && cuMemAllocHost != null && cuMemFreeHost != null
                            && cuEventCreate != null && cuEventRecord != null && cuEventSynchronize != null;

    public string ErrorName(int code)
    {
        byte* s = null;
        if (cuGetErrorName != null && cuGetErrorName(code, &s) == 0 && s != null) return Marshal.PtrToStringUTF8((nint)s) ?? "";
        return CuResult.Name(code);
    }

    public string ErrorString(int code)
    {
        byte* s = null;
        if (cuGetErrorString != null && cuGetErrorString(code, &s) == 0 && s != null) return Marshal.PtrToStringUTF8((nint)s) ?? "";
        return CuResult.Describe(code);
    }

    private nint Req(string name) =>
        NativeLibrary.TryGetExport(Library, name, out var p) ? p
            : throw new CudaException($"'{Path}' does not export the CUDA driver symbol {name}");

    private nint Opt(string name) => NativeLibrary.TryGetExport(Library, name, out var p) ? p : 0;
}

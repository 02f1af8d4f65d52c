using System.Runtime.InteropServices;

namespace VisionCuda.Cuda.Interop;

/// <summary>
/// cuBLAS entry points (column-major, host pointer mode) as unmanaged function pointers resolved from one library
/// handle: libcublas.so.13/.12 for a real GPU, libvisioncuda_emu.so for cuda-emu. Raw: no error handling.
/// </summary>
internal sealed unsafe class CublasApi
{
    public const int OpN = 0, OpT = 1;
    public const int TensorOpMathTf32 = 3;

    public CublasApi(nint library, string path)
    {
        Library = library;
        Path = path;
        cublasCreate = (delegate* unmanaged<nint*, int>)Req("cublasCreate_v2");
        cublasDestroy = (delegate* unmanaged<nint, int>)Req("cublasDestroy_v2");
        cublasSetStream = (delegate* unmanaged<nint, nint, int>)Req("cublasSetStream_v2");
        cublasSetMathMode = NativeLibrary.TryGetExport(library, "cublasSetMathMode", out var mm) ? (delegate* unmanaged<nint, int, int>)mm : null;
        cublasSgemm = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, ulong, int, float*, ulong, int, int>)Req("cublasSgemm_v2");
        cublasSgemmStridedBatched = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, long, ulong, int, long, float*, ulong, int, long, int, int>)Req("cublasSgemmStridedBatched");
    }

    public nint Library { get; }
    public string Path { get; }

    public readonly delegate* unmanaged<nint*, int> cublasCreate;
    public readonly delegate* unmanaged<nint, int> cublasDestroy;
    public readonly delegate* unmanaged<nint, nint, int> cublasSetStream;
    public readonly delegate* unmanaged<nint, int, int> cublasSetMathMode;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, ulong, int, float*, ulong, int, int> cublasSgemm;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, long, ulong, int, long, float*, ulong, int, long, int, int> cublasSgemmStridedBatched;

    private nint Req(string name) =>
        NativeLibrary.TryGetExport(Library, name, out var p) ? p
            : throw new CudaException($"'{Path}' does not export the cuBLAS symbol {name}");
}

using System.Reflection;
using System.Runtime.InteropServices;

namespace VisionCuda.Cuda.Tests.Emulator;

/// <summary>
/// Checks the build chain the Cuda backend relies on, independently of the binding: build/Kernels.targets embedded
/// the PTX of kernels/*.cu in VisionCuda.Cuda.dll, build/NativeEmu.targets put libvisioncuda_emu.so next to it, and
/// that library runs a kernel from the embedded PTX through the driver-API entry points.
/// The P/Invoke declarations here are deliberately minimal and private; the product binding is VisionCuda.Cuda's.
/// </summary>
public sealed partial class EmulatorBuildTests
{
    private const string EmuLibrary = "libvisioncuda_emu.so";

    [Fact]
    public void EmulatorLibraryIsCopiedToTheOutput()
    {
        string path = Path.Combine(AppContext.BaseDirectory, EmuLibrary);
        Assert.True(File.Exists(path), $"{path} is missing: native/ was not built (is cmake installed?)");
    }

    [Theory]
    [InlineData("sm_75")]
    [InlineData("sm_80")]
    public void PtxIsEmbeddedForEachArch(string arch)
    {
        string[] names = CudaAssembly().GetManifestResourceNames();
        string expected = $"kernels/selftest_transpose.{arch}.ptx";
        Assert.True(names.Contains(expected),
            $"{expected} not embedded in VisionCuda.Cuda.dll (no CUDA compiler found at build time?). Resources: " +
            string.Join(", ", names));
        string ptx = ReadPtx($"selftest_transpose.{arch}.ptx");
        Assert.Contains(".entry selftest_transpose", ptx);
        Assert.Contains($".target {arch}", ptx);
    }

    [Fact]
    public unsafe void EmbeddedPtxRunsOnTheEmulator()
    {
        UseEmulatorContext();
        byte[] image = NulTerminated(ReadPtx("selftest_transpose.sm_80.ptx"));
        nint module;
        fixed (byte* p = image) Check(cuModuleLoadDataEx(out module, p, 0, null, null));
        try
        {
            Check(cuModuleGetFunction(out nint function, module, "selftest_transpose"));
            const int rows = 45, cols = 70; // not multiples of the 32x32 tile
            float[] input = new float[rows * cols];
            for (int i = 0; i < input.Length; i++) input[i] = i * 0.25f;
            ulong din = Alloc(input.Length), dout = Alloc(input.Length);
            try
            {
                fixed (float* h = input) Check(cuMemcpyHtoD_v2(din, h, (nuint)(input.Length * 4)));
                int r = rows, c = cols;
                void** args = stackalloc void*[] { &dout, &din, &r, &c };
                Check(cuLaunchKernel(function, (cols + 31) / 32, (rows + 31) / 32, 1, 32, 8, 1, 0, 0, args, null));
                float[] output = new float[input.Length];
                fixed (float* h = output) Check(cuMemcpyDtoH_v2(h, dout, (nuint)(output.Length * 4)));
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < cols; j++)
                        Assert.Equal(input[i * cols + j], output[j * rows + i]);

                // A launch the hardware would refuse is refused, and the message names kernel and configuration.
                int result = cuLaunchKernel(function, 1, 1, 1, 2048, 1, 1, 0, 0, args, null);
                Assert.Equal(1, result); // CUDA_ERROR_INVALID_VALUE
                string message = Marshal.PtrToStringUTF8(vcEmuGetLastErrorMessage()) ?? "";
                Assert.Contains("selftest_transpose", message);
                Assert.Contains("block (2048,1,1)", message);
            }
            finally
            {
                cuMemFree_v2(din);
                cuMemFree_v2(dout);
            }
        }
        finally
        {
            cuModuleUnload(module);
        }
    }

    private static Assembly CudaAssembly() => Assembly.Load("VisionCuda.Cuda");

    private static string ReadPtx(string name)
    {
        using Stream? stream = CudaAssembly().GetManifestResourceStream("kernels/" + name);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static byte[] NulTerminated(string text)
    {
        byte[] bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static void UseEmulatorContext()
    {
        Check(cuInit(0));
        Check(cuDevicePrimaryCtxRetain(out nint context, 0));
        Check(cuCtxSetCurrent(context)); // per OS thread, as with the real driver
    }

    private static ulong Alloc(int floats)
    {
        Check(cuMemAlloc_v2(out ulong p, (nuint)(floats * 4)));
        return p;
    }

    private static void Check(int result)
    {
        if (result != 0)
            throw new InvalidOperationException(
                $"CUDA error {result}: {Marshal.PtrToStringUTF8(vcEmuGetLastErrorMessage())}");
    }

    [LibraryImport(EmuLibrary)] private static partial int cuInit(uint flags);
    [LibraryImport(EmuLibrary)] private static partial int cuDevicePrimaryCtxRetain(out nint context, int device);
    [LibraryImport(EmuLibrary)] private static partial int cuCtxSetCurrent(nint context);
    [LibraryImport(EmuLibrary)]
    private static unsafe partial int cuModuleLoadDataEx(out nint module, byte* image, uint n, int* options, void** values);
    [LibraryImport(EmuLibrary, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int cuModuleGetFunction(out nint function, nint module, string name);
    [LibraryImport(EmuLibrary)] private static partial int cuModuleUnload(nint module);
    [LibraryImport(EmuLibrary)] private static partial int cuMemAlloc_v2(out ulong dptr, nuint bytes);
    [LibraryImport(EmuLibrary)] private static partial int cuMemFree_v2(ulong dptr);
    [LibraryImport(EmuLibrary)] private static unsafe partial int cuMemcpyHtoD_v2(ulong dst, void* src, nuint bytes);
    [LibraryImport(EmuLibrary)] private static unsafe partial int cuMemcpyDtoH_v2(void* dst, ulong src, nuint bytes);
    [LibraryImport(EmuLibrary)]
    private static unsafe partial int cuLaunchKernel(nint f, uint gx, uint gy, uint gz, uint bx, uint by, uint bz,
        uint sharedBytes, nint stream, void** kernelParams, void** extra);
    [LibraryImport(EmuLibrary)] private static partial nint vcEmuGetLastErrorMessage();
}

using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace VisionCuda.Diagnostics;

/// <summary>
/// The hardware peaks that benchmark figures are printed next to (llm.c's mfu.h habit: every rate beside what the
/// machine could do).
///
/// CPU fp32 peak = cores x SIMD lanes x FMA units x 2 flops x clock:
/// - cores: logical processors the process may use (<see cref="Environment.ProcessorCount"/>), divided by the
///   SMT factor of /proc/cpuinfo ("siblings" / "cpu cores") since two hyper-threads share one core's FMA units;
/// - lanes x units per cycle from the instruction set .NET reports: AVX-512F 16 lanes, AVX2+FMA 8, else SSE 4,
///   with 2 FMA units. AMD family 0x19 (Zen 3/4) executes AVX-512 on 256-bit units, so it counts 8 lanes;
/// - clock: "cpu MHz" of /proc/cpuinfo (on VMs the nominal clock; turbo can push a measurement past 100%).
/// VISIONCUDA_PEAK_GFLOPS overrides the whole figure.
///
/// GPU fp32 peaks (non-tensor-core) come from a small table of models (<see cref="GpuGflops"/>); memory bandwidth
/// from VISIONCUDA_PEAK_GBPS, else the GPU table; a CPU's bandwidth is not guessed (null unless configured).
/// </summary>
public static class MachinePeak
{
    public const string PeakGflopsVariable = "VISIONCUDA_PEAK_GFLOPS";
    public const string PeakGbpsVariable = "VISIONCUDA_PEAK_GBPS";

    private static readonly (string Pattern, double Gflops, double Gbps)[] GpuTable =
    {
        // order matters: the first pattern found in the device name wins (H100 NVL / PCIe before plain H100)
        ("H200", 67_000, 4_800),
        ("H100 PCIe", 51_200, 2_000),
        ("H100 NVL", 60_000, 3_900),
        ("H100", 67_000, 3_350),          // SXM
        ("A100", 19_500, 2_039),
        ("L40S", 91_600, 864),
        ("L4", 30_300, 300),
        ("RTX 4090", 82_600, 1_008),
        ("T4", 8_100, 320),
    };

    /// <summary>The CPU fp32 FMA peak in GFLOP/s for <paramref name="threads"/> threads (default: all processors).</summary>
    public static double CpuGflops(int? threads = null)
    {
        if (FromEnvironment(PeakGflopsVariable) is { } configured) return configured;
        return PhysicalCores(threads ?? Environment.ProcessorCount) * FlopsPerCycle() * ClockMhz() / 1000.0;
    }

    /// <summary>fp32 flops per cycle per core: SIMD lanes x FMA units x 2.</summary>
    public static int FlopsPerCycle() => SimdLanes() * FmaUnits * 2;

    /// <summary>FMA pipes per core assumed for x86 server and desktop cores since Haswell and Zen 1.</summary>
    public const int FmaUnits = 2;

    /// <summary>fp32 lanes one FMA unit retires per cycle.</summary>
    public static int SimdLanes()
    {
        if (Avx512F.IsSupported && !IsAmdZen3Or4()) return 16;
        if (Fma.IsSupported && Avx2.IsSupported) return 8;
        return 4;
    }

    /// <summary>Processors divided by the SMT factor (threads per core), at least 1.</summary>
    public static double PhysicalCores(int processors)
    {
        var info = CpuInfo();
        if (info.TryGetValue("siblings", out var s) && info.TryGetValue("cpu cores", out var c)
            && int.TryParse(s, out int siblings) && int.TryParse(c, out int cores) && cores > 0 && siblings >= cores)
            return Math.Max(1.0, processors / (double)(siblings / cores));
        return processors;
    }

    public static double ClockMhz()
    {
        var info = CpuInfo();
        if (info.TryGetValue("cpu MHz", out var mhz) && double.TryParse(mhz, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0)
            return v;
        return 3000.0; // unknown (not Linux): 3 GHz, and Describe says so
    }

    /// <summary>"AMD EPYC, 2 cores, 2596 MHz, AVX-512F (256-bit FMA units): 166 GFLOP/s fp32 peak".</summary>
    public static string DescribeCpu(int? threads = null)
    {
        var info = CpuInfo();
        string model = info.TryGetValue("model name", out var m) ? m : "unknown CPU";
        string isa = Avx512F.IsSupported ? (IsAmdZen3Or4() ? "AVX-512F (256-bit FMA units)" : "AVX-512F") : Fma.IsSupported ? "AVX2+FMA" : "SSE";
        double peak = CpuGflops(threads);
        string source = FromEnvironment(PeakGflopsVariable) is null
            ? $"{PhysicalCores(threads ?? Environment.ProcessorCount):0.#} cores x {SimdLanes()} lanes x {FmaUnits} FMA x 2 x {ClockMhz():F0} MHz"
            : PeakGflopsVariable;
        return string.Create(CultureInfo.InvariantCulture, $"{model}, {isa}: {peak:F0} GFLOP/s fp32 peak ({source})");
    }

    /// <summary>fp32 peak of a GPU from its device name (e.g. "NVIDIA H200"), or null for a model not in the table.
    /// VISIONCUDA_PEAK_GFLOPS overrides.</summary>
    public static double? GpuGflops(string deviceName)
    {
        if (FromEnvironment(PeakGflopsVariable) is { } configured) return configured;
        foreach (var (pattern, gflops, _) in GpuTable)
            if (deviceName.Contains(pattern, StringComparison.OrdinalIgnoreCase)) return gflops;
        return null;
    }

    /// <summary>Memory bandwidth peak in GB/s: VISIONCUDA_PEAK_GBPS, else the GPU table for a GPU name, else null.</summary>
    public static double? MemoryGbps(string? gpuDeviceName = null)
    {
        if (FromEnvironment(PeakGbpsVariable) is { } configured) return configured;
        if (gpuDeviceName is null) return null;
        foreach (var (pattern, _, gbps) in GpuTable)
            if (gpuDeviceName.Contains(pattern, StringComparison.OrdinalIgnoreCase)) return gbps;
        return null;
    }

    private static bool IsAmdZen3Or4()
    {
        var info = CpuInfo();
        return info.TryGetValue("vendor_id", out var vendor) && vendor == "AuthenticAMD"
            && info.TryGetValue("cpu family", out var family) && family == "25";
    }

    private static double? FromEnvironment(string name) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : null;

    private static Dictionary<string, string>? _cpuInfo;

    /// <summary>The first processor block of /proc/cpuinfo (empty where there is none).</summary>
    private static Dictionary<string, string> CpuInfo()
    {
        if (_cpuInfo is { } cached) return cached;
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.Length == 0) break; // end of the first processor
                int colon = line.IndexOf(':');
                if (colon > 0) d.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return _cpuInfo = d;
    }
}

using System.Diagnostics;
using System.Globalization;
using VisionCuda.Cpu;
using VisionCuda.Cpu.Diagnostics;
using VisionCuda.TrainBench;

// dotnet run -c Release --project benchmarks/VisionCuda.TrainBench -- [--imgsz 320] [--batch 16] [--nc 5]
//     [--warmup 3] [--steps 10] [--threads 2] [--model yolov8n.yaml] [--profile] [--repeat 1] [--data IMAGES] [--convs]
//     [--device cpu|cuda:0|cuda-emu]
// --device runs the same train step on another backend (the phase times of a device include its queued work only
// where the phase waits for it: the loss downloads, and the step ends with a synchronize, so the total is exact).
// Prints one "ours: ... img/s" line per repeat (median step time of the timed steps), and with --profile the time
// per op family and the 40 most expensive op keys over the timed steps. --data N times the data pipeline instead (DataBench).
var opts = TrainBenchOptions.Parse(args);
if (opts.DataImages > 0)
{
    DataBench.Run(opts, opts.DataImages);
    return;
}
var backend = new CpuBackend(opts.Threads);
if (opts.Convs)
{
    ConvShapesBench.Run(backend, opts.Batch, Math.Max(3, opts.Steps));
    ConvShapesBench.RunPool(backend, opts.Batch, 50);
    return;
}
VisionCuda.Backends.IBackend device = backend;
if (opts.Device != "cpu")
{
    VisionCuda.Cuda.CudaDevices.EnsureRegistered();
    device = VisionCuda.Devices.Get(opts.Device);
    if (opts.Profile) throw new ArgumentException("--profile times Cpu backend ops only");
}
using var step = new TrainStep(device, opts);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"model {opts.Model} nc {opts.Nc}, imgsz {opts.Imgsz}, batch {opts.Batch}, device {device.Name}, threads {backend.Threads}, {step.ParameterCount:N0} parameters; warm-up {opts.Warmup}, timed {opts.Steps}"));
for (int rep = 0; rep < opts.Repeat; rep++)
{
    for (int i = 0; i < opts.Warmup; i++) step.Run();
    var profile = opts.Profile ? new CpuOpProfile() : null;
    backend.Profile = profile;
    var phases = new double[TrainStep.PhaseNames.Length];
    var times = new List<double>();
    var total = Stopwatch.StartNew();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    for (int i = 0; i < opts.Steps; i++)
    {
        var t = step.Run();
        times.Add(t.Sum());
        for (int p = 0; p < phases.Length; p++) phases[p] += t[p];
    }
    double wall = total.Elapsed.TotalSeconds;
    // CPU seconds of the whole process over the timed steps: on a shared machine, images per CPU-second moves much
    // less with the load than images per second does (with 1 thread it measures the work alone).
    double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    backend.Profile = null;
    times.Sort();
    double median = times[times.Count / 2];
    string perPhase = string.Join(", ", TrainStep.PhaseNames.Select((n, p) => string.Create(CultureInfo.InvariantCulture, $"{n} {phases[p] / opts.Steps * 1000:F0} ms")));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"ours: {opts.Batch / median:F2} img/s (median step {median * 1000:F0} ms; mean {opts.Steps * opts.Batch / wall:F2} img/s; {opts.Steps * opts.Batch / cpu:F2} img/cpu-s); phases per step: {perPhase}"));
    if (profile is not null) ProfileReport.Print(profile, wall, opts.Steps, opts.Batch, 40);
}

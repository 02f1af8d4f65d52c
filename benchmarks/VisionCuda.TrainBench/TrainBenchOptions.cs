using System.Globalization;

namespace VisionCuda.TrainBench;

/// <summary>Command-line options of the train-step benchmark (see Program.cs for the usage line).</summary>
public sealed record TrainBenchOptions
{
    public string Model { get; init; } = "yolov8n.yaml";
    public int Imgsz { get; init; } = 320;
    public int Batch { get; init; } = 16;
    public int Nc { get; init; } = 5;
    public int Warmup { get; init; } = 3;
    public int Steps { get; init; } = 10;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int Repeat { get; init; } = 1;
    public int BoxesPerImage { get; init; } = 4;
    public bool Profile { get; init; }

    /// <summary>The backend of the train step ("cpu", "cuda:0", "cuda-emu").</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>When above 0, time the data pipeline on this many images instead of training steps.</summary>
    public int DataImages { get; init; }

    /// <summary>Time the yolov8n conv layers one by one (ConvShapesBench) instead of training steps.</summary>
    public bool Convs { get; init; }

    public static TrainBenchOptions Parse(string[] args)
    {
        var o = new TrainBenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--profile") { o = o with { Profile = true }; continue; }
            if (a == "--convs") { o = o with { Convs = true }; continue; }
            if (i + 1 >= args.Length) throw new ArgumentException($"option {a} needs a value");
            string v = args[++i];
            int N() => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);
            o = a switch
            {
                "--model" => o with { Model = v },
                "--imgsz" => o with { Imgsz = N() },
                "--batch" => o with { Batch = N() },
                "--nc" => o with { Nc = N() },
                "--warmup" => o with { Warmup = N() },
                "--steps" => o with { Steps = N() },
                "--threads" => o with { Threads = N() },
                "--repeat" => o with { Repeat = N() },
                "--boxes" => o with { BoxesPerImage = N() },
                "--data" => o with { DataImages = N() },
                "--device" => o with { Device = v },
                _ => throw new ArgumentException($"unknown option {a}"),
            };
        }
        return o;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using VisionCuda.Cli.Parsing;
using VisionCuda.Training.Options;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Cli.Commands;

/// <summary><c>visioncuda synth detect</c> and <c>visioncuda convert coco</c>: the detection data tools.</summary>
internal static class DetectDataCommands
{
    public sealed class SynthDetectOptions
    {
        [Arg("out", "folder to write images/, labels/ and dataset.yaml into")]
        public string Out { get; set; } = "datasets/synthetic-detect";

        [Arg("train", "number of training images")]
        public int Train { get; set; } = 640;

        [Arg("val", "number of validation images (drawn with a different seed)")]
        public int Val { get; set; } = 160;

        [Arg("imgsz", "image size in pixels (square)")]
        public int Imgsz { get; set; } = 320;

        [Arg("seed", "generator seed")]
        public int Seed { get; set; }

        [Arg("verbose", "more detail in messages")]
        public bool Verbose { get; set; }
    }

    public sealed class ConvertCocoOptions
    {
        [Arg("json", "COCO instances json (e.g. annotations/instances_train2017.json)")]
        public string? Json { get; set; }

        [Arg("out", "folder for the YOLO txt labels and names.yaml")]
        public string? Out { get; set; }

        [Arg("verbose", "more detail in messages")]
        public bool Verbose { get; set; }
    }

    /// <summary>Expected failures (bad arguments, missing or malformed files) become one line on stderr and a
    /// non-zero exit (conventions.md), without relying on the host's exception handling; --verbose rethrows.</summary>
    private static int Guard(ParseResult parse, TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (!parse.Tokens.Any(t => t.Value == "--verbose") &&
                                  e is CliException or ArgumentException or VisionCuda.Vision.Data.DatasetException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine("visioncuda: " + e.Message);
            return e is CliException or ArgumentException ? 2 : 1;
        }
    }

    public static Command SynthDetect(TextWriter stdout, TextWriter stderr)
    {
        var binder = new OptionBinder<SynthDetectOptions>();
        var cmd = new Command("detect", "write the synthetic shapes detection set (the embedded default) with its dataset.yaml");
        foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction(parse => Guard(parse, stderr, () =>
        {
            var o = binder.Bind(parse);
            if (o.Train <= 0) throw new CliException("invalid value for 'train': must be at least 1");
            if (o.Val < 0) throw new CliException("invalid value for 'val': must be 0 or more");
            if (o.Imgsz < 64) throw new CliException("invalid value for 'imgsz': must be at least 64");
            if (o.Seed < 0) throw new CliException("invalid value for 'seed': must be 0 or more");
            var sw = Stopwatch.StartNew();
            string yaml = SyntheticDetection.Write(o.Out, o.Train, o.Val, o.Imgsz, (ulong)o.Seed);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {o.Train} train and {o.Val} val images ({o.Imgsz}px, {SyntheticDetection.ClassNames.Count} classes) in {sw.Elapsed.TotalSeconds:F1}s"));
            stdout.WriteLine($"dataset: {yaml}");
            return 0;
        }));
        return cmd;
    }

    public static Command ConvertCoco(TextWriter stdout, TextWriter stderr)
    {
        var binder = new OptionBinder<ConvertCocoOptions>();
        var cmd = new Command("coco", "convert COCO instances json to YOLO txt labels (+ names.yaml)");
        foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction(parse => Guard(parse, stderr, () =>
        {
            var o = binder.Bind(parse);
            if (string.IsNullOrWhiteSpace(o.Json)) throw new CliException("invalid value for 'json': convert coco needs --json instances.json");
            if (string.IsNullOrWhiteSpace(o.Out)) throw new CliException("invalid value for 'out': convert coco needs --out LABELS_DIR");
            var r = CocoConverter.Convert(o.Json, o.Out);
            stdout.WriteLine($"{r.Images} images, {r.Boxes} boxes, {r.Names.Count} classes written to {o.Out}");
            if (r.SkippedCrowd > 0 || r.SkippedInvalid > 0)
                stdout.WriteLine($"skipped {r.SkippedCrowd} crowd and {r.SkippedInvalid} invalid annotations");
            stdout.WriteLine($"class names: {r.NamesPath}");
            return 0;
        }));
        return cmd;
    }
}

using System.CommandLine;
using System.Globalization;
using VisionCuda.Cli.Parsing;
using VisionCuda.Training.Detect.Predict;
using VisionCuda.Training.Detect.Train;
using VisionCuda.Training.Detect.Val;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Training.Runs;

namespace VisionCuda.Cli.Commands;

/// <summary>train / val / predict detect.</summary>
internal static class DetectCommands
{
    public static Command Train(TextWriter stdout, TextWriter stderr)
    {
        var binder = new OptionBinder<DetectTrainOptions>();
        var cmd = new Command("detect", "train a YOLO detector (no --data: the embedded synthetic shapes set)");
        foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var options = binder.Bind(parse);
            var result = TrainCommand.Run(new DetectTrainer(options, new ConsoleReporter(stdout, stderr)), stdout);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trained {result.EpochsRun} epochs in {result.Elapsed.TotalMinutes:F1} min ({result.TrainImagesPerSecond:F1} training images/s)"));
            if (result.FinalMetrics is not null && !result.Interrupted)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"final validation: P {result.Metric("metrics/precision(B)"):F4}  R {result.Metric("metrics/recall(B)"):F4}  mAP50 {result.Metric("metrics/mAP50(B)"):F4}  mAP50-95 {result.Metric("metrics/mAP50-95(B)"):F4}"));
            return result.Interrupted ? TrainCommand.InterruptedExitCode : 0;
        });
        return cmd;
    }

    public static Command Val(TextWriter stdout, TextWriter stderr)
    {
        var binder = new OptionBinder<DetectValOptions>();
        var cmd = new Command("detect", "precision, recall, mAP50 and mAP50-95 of a detector, overall and per class");
        foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var r = DetectValidator.Run(binder.Bind(parse), m => stderr.WriteLine("WARNING " + m), TrainCommand.CtrlC());
            WriteTable(stdout, r);
            if (r.RunDirectory is not null) stdout.WriteLine($"confusion matrix saved to {r.RunDirectory}");
            return 0;
        });
        return cmd;
    }

    /// <summary>Ultralytics' validation table: Class, Images, Instances, P, R, mAP50, mAP50-95; "all" first.</summary>
    public static void WriteTable(TextWriter w, DetectValResult r)
    {
        int width = Math.Max(8, r.Names.Max(n => n.Length));
        w.WriteLine($"{"Class".PadLeft(width)}{"Images",10}{"Instances",11}{"P",10}{"R",10}{"mAP50",10}{"mAP50-95",10}");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"all".PadLeft(width)}{r.Images,10}{r.Instances,11}{r.Precision,10:F3}{r.Recall,10:F3}{r.MAP50,10:F3}{r.MAP5095,10:F3}"));
        var m = r.Metrics;
        for (int c = 0; c < r.Names.Count; c++)
        {
            if (m.GroundTruthCount[c] == 0) continue;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Names[c].PadLeft(width)}{r.ImagesPerClass[c],10}{m.GroundTruthCount[c],11}{m.PerClassPrecision[c],10:F3}{m.PerClassRecall[c],10:F3}{m.PerClassAP50[c],10:F3}{m.PerClassAP5095[c],10:F3}"));
        }
        if (r.Loss is { } l)
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"val loss: box {l.Box:F4}  cls {l.Cls:F4}  dfl {l.Dfl:F4}"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fitness {r.Fitness:F4}  ({r.Elapsed.TotalSeconds:F1}s)"));
    }

    public static Command Predict(TextWriter stdout, TextWriter stderr)
    {
        var binder = new OptionBinder<DetectPredictOptions>();
        var cmd = new Command("detect", "boxes with classes and scores for an image or a directory");
        foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var o = binder.Bind(parse);
            if (string.IsNullOrWhiteSpace(o.Model)) throw new CliException("invalid value for 'model': predict needs --model path/to/weights.safetensors");
            if (string.IsNullOrWhiteSpace(o.Source)) throw new CliException("invalid value for 'source': predict needs --source IMAGE|DIR");
            if (o.Conf < 0 || o.Conf >= 1) throw new CliException($"invalid value for 'conf': must be in [0, 1), got {o.Conf}");
            if (o.Iou <= 0 || o.Iou > 1) throw new CliException($"invalid value for 'iou': must be in (0, 1], got {o.Iou}");
            if (o.MaxDet <= 0) throw new CliException($"invalid value for 'max_det': must be positive, got {o.MaxDet}");
            using var predictor = new DetectPredictor(o.Model, o.Device, o.Imgsz);
            predictor.Nms = new NmsSettings((float)o.Conf, (float)o.Iou, o.MaxDet, o.AgnosticNms, MultiLabel: false);
            var results = predictor.PredictSource(o.Source, m => stderr.WriteLine("WARNING " + m), (d, i, n) =>
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"image {i}/{n} {d.Source}: {d.Width}x{d.Height} {predictor.Describe(d.Detections)}, {d.Elapsed.TotalMilliseconds:F1}ms")), TrainCommand.CtrlC());
            if (!o.Save && !o.SaveTxt && !o.SaveJson) return 0;
            string dir = RunDirectory.Resolve("detect", o.Project, o.Name, o.ExistOk);
            string unused = Path.Combine(dir, "weights");   // a predict run has no weights
            if (Directory.Exists(unused) && !Directory.EnumerateFileSystemEntries(unused).Any()) Directory.Delete(unused);
            foreach (var d in results)
            {
                if (o.Save) predictor.Annotate(d, Path.Combine(dir, Path.GetFileName(d.Source)), o.LineWidth);
                if (o.SaveTxt)
                {
                    string labels = Path.Combine(dir, "labels");
                    Directory.CreateDirectory(labels);
                    File.WriteAllText(Path.Combine(labels, Path.GetFileNameWithoutExtension(d.Source) + ".txt"), DetectPredictor.ToYoloTxt(d, o.SaveConf));
                }
            }
            if (o.SaveJson) File.WriteAllText(Path.Combine(dir, "predictions.json"), DetectPredictor.ToCocoJson(results));
            stdout.WriteLine($"results saved to {dir}");
            return 0;
        });
        return cmd;
    }
}

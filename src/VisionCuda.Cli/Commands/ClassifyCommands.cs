using System.CommandLine;
using System.Globalization;
using VisionCuda.Cli.Parsing;
using VisionCuda.Training.Classify;
using VisionCuda.Training.Options;
using VisionCuda.Training.Reporting;
using VisionCuda.Training.Runs;

namespace VisionCuda.Cli.Commands;

/// <summary>train / val / predict classify.</summary>
internal static class ClassifyCommands
{
    public static Command Train(TextWriter stdout, TextWriter stderr)
    {
        var binder = new OptionBinder<ClassifyTrainOptions>();
        var cmd = new Command("classify", "train an image classifier (no --data: the embedded synthetic shapes set)");
        foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var options = binder.Bind(parse);
            var result = TrainCommand.Run(new ClassifyTrainer(options, new ConsoleReporter(stdout, stderr)), stdout);
            if (!result.Interrupted)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"final validation top-1: {result.Metric("metrics/accuracy_top1"):F4} (top-5 {result.Metric("metrics/accuracy_top5"):F4})"));
            return result.Interrupted ? TrainCommand.InterruptedExitCode : 0;
        });
        return cmd;
    }

    public static Command Val(TextWriter stdout, TextWriter stderr)
    {
        var binder = new OptionBinder<ValOptions>();
        var cmd = new Command("classify", "top-1, top-5, per-class accuracy and the confusion matrix of a classifier");
        foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var r = ClassifyValidator.Run(binder.Bind(parse), m => stderr.WriteLine("WARNING " + m), TrainCommand.CtrlC());
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"images {r.Images}  top-1 {r.Top1:F4}  top-5 {r.Top5:F4}  loss {r.Loss:F4}"));
            int width = Math.Max(5, r.Names.Max(n => n.Length));
            stdout.WriteLine("per-class accuracy:");
            for (int c = 0; c < r.Names.Count; c++)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Names[c].PadRight(width)}  {r.PerClass[c]:F4}"));
            stdout.WriteLine("confusion matrix (rows: true class, columns: predicted):");
            stdout.WriteLine("  " + new string(' ', width) + string.Concat(Enumerable.Range(0, r.Names.Count).Select(c => c.ToString(CultureInfo.InvariantCulture).PadLeft(6))));
            for (int c = 0; c < r.Names.Count; c++)
                stdout.WriteLine("  " + r.Names[c].PadRight(width) + string.Concat(Enumerable.Range(0, r.Names.Count).Select(p => r.Confusion[c, p].ToString(CultureInfo.InvariantCulture).PadLeft(6))));
            stdout.WriteLine($"confusion matrix saved to {r.RunDirectory}");
            return 0;
        });
        return cmd;
    }

    public static Command Predict(TextWriter stdout, TextWriter stderr)
    {
        var binder = new OptionBinder<PredictOptions>();
        var cmd = new Command("classify", "top-5 classes with probabilities for an image or a directory");
        foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var o = binder.Bind(parse);
            if (string.IsNullOrWhiteSpace(o.Model)) throw new CliException("invalid value for 'model': predict needs --model path/to/weights.safetensors");
            if (string.IsNullOrWhiteSpace(o.Source)) throw new CliException("invalid value for 'source': predict needs --source IMAGE|DIR");
            using var predictor = new ClassifyPredictor(o.Model, o.Device, o.Imgsz);
            var predictions = predictor.PredictSource(o.Source, m => stderr.WriteLine("WARNING " + m), cancellationToken: TrainCommand.CtrlC());
            foreach (var p in predictions)
                stdout.WriteLine(p.Source + ": " + string.Join(", ", p.Top5.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Probability:F3}"))));
            if (o.SaveJson)
            {
                string dir = RunDirectory.Resolve("classify", o.Project, o.Name, o.ExistOk);
                string path = Path.Combine(dir, "predictions.json");
                File.WriteAllText(path, ClassifyPredictor.ToJson(predictions));
                stdout.WriteLine($"predictions saved to {path}");
            }
            return 0;
        });
        return cmd;
    }
}

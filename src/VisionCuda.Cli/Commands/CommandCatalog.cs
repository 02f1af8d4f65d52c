using System.CommandLine;

namespace VisionCuda.Cli.Commands;

/// <summary>All MODE commands with their TASK subcommands. Each task command lives in its own file.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Modes(TextWriter stdout, TextWriter stderr)
    {
        var train = new Command("train", "train a model");
        train.Subcommands.Add(ClassifyCommands.Train(stdout, stderr));
        train.Subcommands.Add(DetectCommands.Train(stdout, stderr));
        var val = new Command("val", "evaluate trained weights");
        val.Subcommands.Add(ClassifyCommands.Val(stdout, stderr));
        val.Subcommands.Add(DetectCommands.Val(stdout, stderr));
        var predict = new Command("predict", "run trained weights on images");
        predict.Subcommands.Add(ClassifyCommands.Predict(stdout, stderr));
        predict.Subcommands.Add(DetectCommands.Predict(stdout, stderr));
        var synth = new Command("synth", "write a synthetic data set");
        synth.Subcommands.Add(DetectDataCommands.SynthDetect(stdout, stderr));
        var convert = new Command("convert", "convert annotations to YOLO labels");
        convert.Subcommands.Add(DetectDataCommands.ConvertCoco(stdout, stderr));
        return new[] { train, val, predict, synth, convert, BenchCommands.Bench(stdout, stderr) };
    }
}

using System.Text.RegularExpressions;
using VisionCuda.Training.Runs;
using VisionCuda.Training.Tests.Classify;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Tests.Detect.Train;

/// <summary>
/// Acceptance "Bad data": a data set with a corrupt image, a class out of range, a 4-column line and a coordinate of
/// 1.3 trains to the end, and each problem is reported once with its file (and line, for label problems).
/// </summary>
public class DetectTrainBadDataTests
{
    [Fact]
    public void BadDataTrainsToTheEndAndEachProblemIsReportedOnce()
    {
        using var cli = new CliRunner();
        string root = Path.Combine(cli.Root, "bad");
        string yaml = SyntheticDetection.Write(root, 12, 4, imgsz: 64, seed: 9);
        string images = Path.Combine(root, "images", "train"), labels = Path.Combine(root, "labels", "train");
        File.WriteAllBytes(Path.Combine(images, "000000.png"), new byte[] { 0x89, 1, 2, 3, 4, 5, 6, 7 });
        File.AppendAllText(Path.Combine(labels, "000001.txt"), "17 0.5 0.5 0.2 0.2\n");
        File.AppendAllText(Path.Combine(labels, "000002.txt"), "0 0.5 0.5 0.2\n");
        File.AppendAllText(Path.Combine(labels, "000003.txt"), "2 1.3 0.5 0.2 0.2\n");
        int Lines(string f) => File.ReadAllLines(Path.Combine(labels, f)).Length;

        var (code, stdout, stderr) = cli.Run("train", "detect", $"data={yaml}", "epochs=2", "imgsz=64", "batch=4", "workers=0", "name=bad");
        string all = stdout + stderr;
        Assert.True(code == 0, all);
        var rows = ResultsCsv.Read(Path.Combine(cli.Root, "runs", "detect", "bad", "results.csv"));
        Assert.Equal(2, rows.Count);

        Assert.True(Count(all, "000000.png") == 1, all);
        Assert.True(Count(all, $"000001.txt:{Lines("000001.txt")}:") == 1, all);
        Assert.True(Count(all, $"000002.txt:{Lines("000002.txt")}:") == 1, all);
        Assert.True(Count(all, $"000003.txt:{Lines("000003.txt")}:") == 1, all);
        // No other label file is mentioned.
        Assert.Equal(3, all.Split('\n').Count(l => Regex.IsMatch(l, @"\d{6}\.txt")));
    }

    /// <summary>Lines that mention <paramref name="what"/> (a message may name its file twice).</summary>
    private static int Count(string text, string what) => text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));
}

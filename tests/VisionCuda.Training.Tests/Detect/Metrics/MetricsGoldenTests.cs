using System.Text.Json;
using VisionCuda.Training.Detect.Metrics;
using VisionCuda.Training.Detect.Nms;

namespace VisionCuda.Training.Tests.Detect.Metrics;

// Goldens from tools/goldens/detect_eval/make_map_goldens.py: pycocotools COCOeval (bbox) stats[0] / stats[1]
// and per-class AP on sets of ground truth and predictions.
public class MetricsGoldenTests
{
    private const double Tol = 1e-3;   // acceptance: within 1e-3 of pycocotools

    internal sealed record ImageData(Detection[] Preds, GroundTruthBox[] Gts);

    internal sealed record GoldenSet(string Name, int Nc, ImageData[] Images, double Map5095, double Map50,
                                     double?[] Ap5095, double?[] Ap50, double[]? PrecisionRecall);

    private static readonly Lazy<(GoldenSet[] Sets, double[] IouThr, double[] RecThr)> Data = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Detect", "evaldata", "map_goldens.json");
        if (!File.Exists(path))
            throw new FileNotFoundException($"golden {path} missing; regenerate with tools/goldens/detect_eval/make_map_goldens.py", path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        static double?[] Opt(JsonElement e) => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray();
        var sets = root.GetProperty("sets").EnumerateArray().Select(s => new GoldenSet(
            s.GetProperty("name").GetString()!,
            s.GetProperty("nc").GetInt32(),
            s.GetProperty("images").EnumerateArray().Select(im => new ImageData(
                im.GetProperty("pred").EnumerateArray().Select(p =>
                {
                    var v = p.EnumerateArray().ToArray();
                    return new Detection(v[0].GetSingle(), v[1].GetSingle(), v[2].GetSingle(), v[3].GetSingle(), v[4].GetSingle(), v[5].GetInt32());
                }).ToArray(),
                im.GetProperty("gt").EnumerateArray().Select(g =>
                {
                    var v = g.EnumerateArray().ToArray();
                    return new GroundTruthBox(v[0].GetInt32(), v[1].GetSingle(), v[2].GetSingle(), v[3].GetSingle(), v[4].GetSingle());
                }).ToArray())).ToArray(),
            s.GetProperty("map5095").GetDouble(),
            s.GetProperty("map50").GetDouble(),
            Opt(s.GetProperty("ap5095_per_class")),
            Opt(s.GetProperty("ap50_per_class")),
            s.GetProperty("precision_recall_max_f1").ValueKind == JsonValueKind.Null ? null
                : s.GetProperty("precision_recall_max_f1").EnumerateArray().Select(v => v.GetDouble()).ToArray())).ToArray();
        return (sets,
                root.GetProperty("iou_thresholds").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                root.GetProperty("recall_thresholds").EnumerateArray().Select(v => v.GetDouble()).ToArray());
    });

    public static IEnumerable<object[]> SetNames() => Data.Value.Sets.Select(s => new object[] { s.Name });

    private static DetectionMetricsResult Evaluate(GoldenSet set)
    {
        var m = new DetectionMetrics(set.Nc);
        foreach (var im in set.Images) m.Add(im.Preds, im.Gts);
        return m.Compute();
    }

    [Theory]
    [MemberData(nameof(SetNames))]
    public void MapAgreesWithPycocotools(string name)
    {
        var set = Data.Value.Sets.Single(s => s.Name == name);
        var r = Evaluate(set);
        Assert.InRange(r.MAP5095, set.Map5095 - Tol, set.Map5095 + Tol);
        Assert.InRange(r.MAP50, set.Map50 - Tol, set.Map50 + Tol);
        for (int c = 0; c < set.Nc; c++)
        {
            if (set.Ap5095[c] is double a)
            {
                Assert.InRange(r.PerClassAP5095[c], a - Tol, a + Tol);
                Assert.InRange(r.PerClassAP50[c], set.Ap50[c]!.Value - Tol, set.Ap50[c]!.Value + Tol);
            }
            else
            {
                Assert.True(double.IsNaN(r.PerClassAP5095[c]));
                Assert.True(double.IsNaN(r.PerClassAP50[c]));
            }
        }
        Assert.Equal(0.1 * r.MAP50 + 0.9 * r.MAP5095, r.Fitness, 12);
    }

    [Theory]
    [MemberData(nameof(SetNames))]
    public void PrecisionRecallAtMaxF1AgreesWithNumpyPort(string name)
    {
        // The golden side is a numpy port of Ultralytics' ap_per_class P/R (real np.interp / np.convolve) fed
        // pycocotools' own IoU-0.5 matches; null where pycocotools' maxDets truncation would change the inputs.
        var set = Data.Value.Sets.Single(s => s.Name == name);
        if (set.PrecisionRecall is null) return;
        var r = Evaluate(set);
        Assert.Equal(set.PrecisionRecall[0], r.Precision, 6);
        Assert.Equal(set.PrecisionRecall[1], r.Recall, 6);
    }

    [Fact]
    public void AgreementIsMuchTighterThanTheTolerance()
    {
        // Same matching decisions and the same double arithmetic: only the order of the final means differs.
        foreach (var set in Data.Value.Sets)
        {
            var r = Evaluate(set);
            Assert.True(Math.Abs(r.MAP5095 - set.Map5095) < 1e-9, $"{set.Name}: {r.MAP5095} vs {set.Map5095}");
            Assert.True(Math.Abs(r.MAP50 - set.Map50) < 1e-9, $"{set.Name}: {r.MAP50} vs {set.Map50}");
        }
    }

    [Fact]
    public void ThresholdsAreBitwisePycocotools()
    {
        Assert.Equal(Data.Value.IouThr, DetectionMetrics.CocoIouThresholds);
        Assert.Equal(Data.Value.RecThr, DetectionMetrics.CocoRecallThresholds);
    }

    [Fact]
    public void GoldenSetsCoverTheEdgeCases()
    {
        var names = Data.Value.Sets.Select(s => s.Name).ToList();
        Assert.Contains("perfect", names);
        Assert.Contains("score_ties", names);
        Assert.Contains("over_100_per_image", names);
        Assert.Contains("empty_images_and_classes", names);
        Assert.Contains("iou_on_thresholds", names);
        Assert.Equal(1.0, Data.Value.Sets.Single(s => s.Name == "perfect").Map5095, 12);
    }
}

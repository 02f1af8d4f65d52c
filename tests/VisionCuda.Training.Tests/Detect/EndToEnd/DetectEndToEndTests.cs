using System.Globalization;
using System.Text.Json;
using VisionCuda.Training.Common;
using VisionCuda.Training.Detect.Metrics;
using VisionCuda.Training.Detect.Nms;
using VisionCuda.Training.Detect.Predict;
using VisionCuda.Training.Detect.Train;
using VisionCuda.Training.Detect.Val;
using VisionCuda.Training.Options;
using VisionCuda.Training.Runs;
using VisionCuda.Vision.Detection;

namespace VisionCuda.Training.Tests.Detect.EndToEnd;

/// <summary>train detect -> val detect -> predict detect on a tiny synthetic set (see <see cref="TinyDetectRun"/>).</summary>
public class DetectEndToEndTests : IClassFixture<TinyDetectRun>
{
    private readonly TinyDetectRun _run;

    public DetectEndToEndTests(TinyDetectRun run) => _run = run;

    [Fact]
    public void TrainWritesTheRunFolder()
    {
        Assert.True(_run.Code == 0, _run.Stderr + _run.Stdout);
        Assert.Contains("final validation", _run.Stdout);
        string weights = Path.Combine(_run.RunDir, "weights");
        Assert.True(File.Exists(Path.Combine(weights, "last.safetensors")));
        Assert.True(File.Exists(Path.Combine(weights, "best.safetensors")));
        Assert.False(File.Exists(Path.Combine(weights, "last.state.safetensors")), "a finished run keeps no resume state");
        string args = File.ReadAllText(Path.Combine(_run.RunDir, "args.yaml"));
        Assert.Contains("box: 7.5", args);
        Assert.Contains("close_mosaic: 0", args);
        Assert.Contains("imgsz: 64", args);

        string csv = Path.Combine(_run.RunDir, "results.csv");
        Assert.Equal("epoch,train/box_loss,train/cls_loss,train/dfl_loss,metrics/precision(B),metrics/recall(B),metrics/mAP50(B)," +
                     "metrics/mAP50-95(B),val/box_loss,val/cls_loss,val/dfl_loss,lr/pg0,lr/pg1,lr/pg2", File.ReadLines(csv).First());
        var rows = ResultsCsv.Read(csv);
        Assert.Equal(TinyDetectRun.Epochs, rows.Count);
        foreach (var r in rows)
        {
            Assert.Equal(14, r.Count);
            Assert.All(r.Values, v => Assert.True(double.IsFinite(v)));
            Assert.True(r["train/box_loss"] > 0 && r["train/cls_loss"] > 0 && r["train/dfl_loss"] > 0);
        }
        Assert.True(rows[^1]["train/cls_loss"] < rows[0]["train/cls_loss"], "the classification loss falls while overfitting 16 images\n" + File.ReadAllText(csv) + _run.Stdout);

        // Weights metadata: only what rebuilds the model (conventions.md).
        var meta = VisionCuda.IO.SafeTensors.ReadMetadata(Path.Combine(weights, "best.safetensors"));
        Assert.Equal("detect", meta["task"]);
        Assert.Equal("yolov8n.yaml", meta["model"]);
        Assert.Equal("n", meta["scale"]);
        Assert.Equal("6", meta["nc"]);
        Assert.Equal("64", meta["imgsz"]);
        Assert.Equal(SyntheticDetection.ClassNames, JsonSerializer.Deserialize<string[]>(meta["names"]));
        Assert.DoesNotContain(meta.Values, v => v.Contains(_run.Cli.Root, StringComparison.Ordinal));
    }

    [Fact]
    public void ValDetectPrintsOverallAndPerClassMetrics()
    {
        Assert.True(_run.Code == 0, _run.Stderr);
        var (code, stdout, stderr) = _run.Cli.Run("val", "detect", $"model={_run.Weights}", $"data={_run.DataYaml}", "workers=0");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Contains(lines, l => l.Contains("Class") && l.Contains("mAP50-95"));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("all ", StringComparison.Ordinal));
        Assert.True(lines.Count(l => SyntheticDetection.ClassNames.Any(n => l.TrimStart().StartsWith(n + " ", StringComparison.Ordinal))) >= 1);

        // The last row of results.csv is the validation of last.safetensors, by the same validator.
        var last = ResultsCsv.Read(Path.Combine(_run.RunDir, "results.csv"))[^1];
        var r = DetectValidator.Run(new DetectValOptions
        {
            Model = Path.Combine(_run.RunDir, "weights", "last.safetensors"), Data = _run.DataYaml, Workers = 0, Batch = 16,
            Project = Path.Combine(_run.Cli.Root, "runs", "detect"), Name = "val-in-process",
        });
        Assert.Equal(last["metrics/mAP50(B)"], r.MAP50, 4);
        Assert.Equal(last["metrics/mAP50-95(B)"], r.MAP5095, 4);
    }

    /// <summary>
    /// The confusion matrix of the final validation, saved by train and by val: rows predicted, columns true class plus
    /// background; each true-class column counts every validation label of that class once, and the normalised file
    /// divides each column by that count.
    /// </summary>
    [Fact]
    public void TrainAndValSaveTheConfusionMatrix()
    {
        Assert.True(_run.Code == 0, _run.Stderr);
        var (code, _, stderr) = _run.Cli.Run("val", "detect", $"model={_run.Weights}", $"data={_run.DataYaml}", "workers=0", "name=cm");
        Assert.True(code == 0, stderr);
        string labelDir = Path.Combine(Path.GetDirectoryName(_run.DataYaml)!, "labels", "val");
        var perClass = new long[SyntheticDetection.ClassNames.Count];
        foreach (var f in Directory.GetFiles(labelDir, "*.txt"))
            foreach (var line in File.ReadAllLines(f).Where(l => l.Trim().Length > 0))
                perClass[int.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture)]++;
        foreach (var dir in new[] { _run.RunDir, Path.Combine(_run.Cli.Root, "runs", "detect", "cm") })
        {
            var (labels, raw) = ConfusionCsv.Read(Path.Combine(dir, ConfusionCsv.RawFile));
            Assert.Equal(SyntheticDetection.ClassNames.Append("background"), labels);
            var (_, norm) = ConfusionCsv.Read(Path.Combine(dir, ConfusionCsv.NormalizedFile));
            for (int t = 0; t < perClass.Length; t++)
            {
                double column = Enumerable.Range(0, labels.Length).Sum(p => raw[p, t]);
                Assert.Equal(perClass[t], column);
                if (perClass[t] > 0) Assert.Equal(1.0, Enumerable.Range(0, labels.Length).Sum(p => norm[p, t]), 6);
            }
        }
    }

    /// <summary>One predictor shape: a path, a Stream and an in-memory image give the same detections as the source listing.</summary>
    [Fact]
    public void PredictOverloadsAgree()
    {
        Assert.True(_run.Code == 0, _run.Stderr);
        using var p = new DetectPredictor(_run.Weights) { Nms = new NmsSettings(0.001f, 0.7f, 300) };
        var fromSource = p.PredictSource(_run.TrainImages);
        string file = fromSource[0].Source;
        var fromPath = p.Predict(file);
        using var stream = File.OpenRead(file);
        var fromStream = p.Predict(stream, "s");
        using var mat = VisionCuda.Vision.Imaging.ImageIO.Read(file);
        var fromMat = p.Predict(mat, "m");
        Assert.NotEmpty(fromPath.Detections);
        Assert.Equal(fromSource[0].Detections, fromPath.Detections);
        Assert.Equal(fromPath.Detections, fromStream.Detections);
        Assert.Equal(fromPath.Detections, fromMat.Detections);
        Assert.ThrowsAny<OperationCanceledException>(() => { p.PredictSource(_run.TrainImages, cancellationToken: new CancellationToken(true)); });
    }

    [Fact]
    public void PredictWritesImagesLabelsAndJson()
    {
        Assert.True(_run.Code == 0, _run.Stderr);
        var (code, stdout, stderr) = _run.Cli.Run("predict", "detect", $"model={_run.Weights}", $"source={_run.TrainImages}", "--save_txt", "--save_conf",
            "--save_json", "conf=0.01", "name=pred");
        Assert.True(code == 0, stderr);
        Assert.Equal(16, stdout.Split('\n').Count(l => l.StartsWith("image ", StringComparison.Ordinal)));
        string dir = Path.Combine(_run.Cli.Root, "runs", "detect", "pred");
        Assert.Equal(16, Directory.GetFiles(dir, "*.png").Length);
        var txts = Directory.GetFiles(Path.Combine(dir, "labels"), "*.txt");
        Assert.Equal(16, txts.Length);
        int lines = 0;
        foreach (var t in txts)
        {
            foreach (var line in File.ReadLines(t))
            {
                var cols = line.Split(' ');
                Assert.Equal(6, cols.Length);
                Assert.InRange(int.Parse(cols[0], CultureInfo.InvariantCulture), 0, 5);
                foreach (var c in cols.Skip(1)) Assert.InRange(double.Parse(c, CultureInfo.InvariantCulture), 0, 1);
                Assert.True(double.Parse(cols[5], CultureInfo.InvariantCulture) >= 0.01);
                lines++;
            }
        }
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "predictions.json")));
        Assert.Equal(lines, json.RootElement.GetArrayLength());
        foreach (var p in json.RootElement.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Number, p.GetProperty("image_id").ValueKind);
            Assert.InRange(p.GetProperty("category_id").GetInt32(), 0, 5);
            Assert.Equal(4, p.GetProperty("bbox").GetArrayLength());
            Assert.InRange(p.GetProperty("score").GetDouble(), 0.01, 1);
        }

        // Without --save_conf the txt has five columns.
        Assert.Equal(0, _run.Cli.Run("predict", "detect", $"model={_run.Weights}", $"source={_run.TrainImages}", "--save_txt", "conf=0.01", "save=False", "name=pred5").code);
        foreach (var t in Directory.GetFiles(Path.Combine(_run.Cli.Root, "runs", "detect", "pred5", "labels")))
            Assert.All(File.ReadLines(t), l => Assert.Equal(5, l.Split(' ').Length));
    }

    /// <summary>
    /// Acceptance "Val agrees with predict": the mAP that val reports equals the mAP computed from predict's
    /// --save_txt --save_conf --conf 0.001 output (within 0.01), on the training images where the model has learned something.
    /// </summary>
    [Fact]
    public void ValAgreesWithPredict()
    {
        Assert.True(_run.Code == 0, _run.Stderr);
        var val = DetectValidator.Run(new DetectValOptions { Model = _run.Weights, Data = _run.DataYaml, Split = "train", Workers = 0 });
        Assert.True(val.MAP50 > 0.05, $"the tiny run should have learned something on its training images (mAP50 {val.MAP50})");

        var (code, _, stderr) = _run.Cli.Run("predict", "detect", $"model={_run.Weights}", $"source={_run.TrainImages}", "--save_txt", "--save_conf",
            "conf=0.001", "save=False", "name=agree");
        Assert.True(code == 0, stderr);
        string labels = Path.Combine(_run.Cli.Root, "runs", "detect", "agree", "labels");
        var metrics = new DetectionMetrics(SyntheticDetection.ClassNames.Count);
        foreach (var img in Directory.GetFiles(_run.TrainImages, "*.png").OrderBy(f => f, StringComparer.Ordinal))
        {
            string stem = Path.GetFileNameWithoutExtension(img);
            ImageHeader.TryReadSize(img, out int w, out int h);
            var preds = ReadRows(Path.Combine(labels, stem + ".txt"), w, h)
                .Select(r => new Detection(r.x1, r.y1, r.x2, r.y2, r.conf, r.cls)).ToArray();
            var gts = ReadRows(DatasetYaml.LabelPathFor(img), w, h).Select(r => new GroundTruthBox(r.cls, r.x1, r.y1, r.x2, r.y2)).ToArray();
            metrics.Add(preds, gts);
        }
        var fromTxt = metrics.Compute();
        string both = $"val mAP50 {val.MAP50} mAP50-95 {val.MAP5095}; from predict txt mAP50 {fromTxt.MAP50} mAP50-95 {fromTxt.MAP5095}";
        Assert.True(Math.Abs(fromTxt.MAP50 - val.MAP50) <= 0.01, both);
        Assert.True(Math.Abs(fromTxt.MAP5095 - val.MAP5095) <= 0.01, both);
        // Both go through the same inference code, so beyond the acceptance bound they agree up to the txt's 6 digits.
        Assert.True(Math.Abs(fromTxt.MAP50 - val.MAP50) <= 1e-3 + 0.01 * val.MAP50, both);
    }

    private static List<(int cls, float x1, float y1, float x2, float y2, float conf)> ReadRows(string path, int w, int h)
    {
        var rows = new List<(int, float, float, float, float, float)>();
        if (!File.Exists(path)) return rows;
        foreach (var line in File.ReadLines(path))
        {
            var c = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (c.Length < 5) continue;
            float F(int i) => float.Parse(c[i], CultureInfo.InvariantCulture);
            float cx = F(1) * w, cy = F(2) * h, bw = F(3) * w, bh = F(4) * h;
            rows.Add((int.Parse(c[0], CultureInfo.InvariantCulture), cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, c.Length > 5 ? F(5) : 1f));
        }
        return rows;
    }
}

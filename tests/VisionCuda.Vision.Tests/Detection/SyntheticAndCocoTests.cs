using VisionCuda.Vision.Detection;

namespace VisionCuda.Vision.Tests.Detection;

public class SyntheticAndCocoTests
{
    [Fact]
    public void SyntheticIsDeterministicAndSplitsDiffer()
    {
        var a = new SyntheticDetection(6, 128, seed: 7);
        var b = new SyntheticDetection(6, 128, seed: 7);
        var v = new SyntheticDetection(6, 128, seed: 7, split: SyntheticDetection.ValSplit);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(a.GetLabels(i), b.GetLabels(i));
            using var x = a.Load(i);
            using var y = b.Load(i);
            Assert.Equal(TestImages.Bytes(x), TestImages.Bytes(y));
        }
        Assert.NotEqual(a.GetLabels(0), v.GetLabels(0));
    }

    [Fact]
    public void SyntheticDifficultyStats()
    {
        var ds = new SyntheticDetection(300, 320, seed: 0);
        var perImage = Enumerable.Range(0, ds.Count).Select(i => ds.GetLabels(i).Length).ToArray();
        Assert.Equal(1, perImage.Min());
        Assert.Equal(8, perImage.Max());
        Assert.InRange(perImage.Average(), 3.0, 5.5);
        var boxes = Enumerable.Range(0, ds.Count).SelectMany(ds.GetLabels).ToArray();
        var scales = boxes.Select(b => Math.Max(b.W, b.H)).ToArray();
        Assert.True(scales.Min() >= 0.05f - 1e-4f && scales.Max() <= 0.5f + 1e-4f, $"{scales.Min()}..{scales.Max()}");
        Assert.True(scales.Min() < 0.07f && scales.Max() > 0.4f);
        Assert.All(boxes, b => Assert.True(b.Cx - b.W / 2 >= -1e-5 && b.Cx + b.W / 2 <= 1 + 1e-5));
        // All classes present, none dominating.
        var counts = ds.ClassCounts();
        Assert.Equal(6, counts.Length);
        Assert.All(counts, c => Assert.InRange(c, boxes.Length / 12, boxes.Length / 3));
        // Partly overlapping objects occur.
        int overlapping = 0;
        for (int i = 0; i < ds.Count; i++)
        {
            var l = ds.GetLabels(i);
            for (int p = 0; p < l.Length; p++)
                for (int q = p + 1; q < l.Length; q++)
                    if (Math.Abs(l[p].Cx - l[q].Cx) < (l[p].W + l[q].W) / 2 && Math.Abs(l[p].Cy - l[q].Cy) < (l[p].H + l[q].H) / 2) overlapping++;
        }
        Assert.True(overlapping > 20, $"{overlapping} overlapping pairs");
    }

    [Fact]
    public void WriteGivesALoadableYoloSet()
    {
        using var t = new TempDir();
        string yaml = SyntheticDetection.Write(t.Path, 40, 10, 160, seed: 2);
        var data = DetectionData.Load(yaml, new YoloDatasetOptions { Warn = m => Assert.Fail(m) });
        Assert.Equal(40, data.Train.Count);
        Assert.Equal(10, data.Val.Count);
        Assert.Equal(SyntheticDetection.ClassNames, data.Names);
        var mem = new SyntheticDetection(40, 160, seed: 2);
        for (int i = 0; i < 40; i += 7)
        {
            var disk = data.Train.GetLabels(i);
            var m = mem.GetLabels(i);
            Assert.Equal(m.Length, disk.Length);
            for (int k = 0; k < m.Length; k++)
            {
                Assert.Equal(m[k].Cls, disk[k].Cls);
                Assert.True(Math.Abs(m[k].Cx - disk[k].Cx) < 2e-6 && Math.Abs(m[k].H - disk[k].H) < 2e-6);
            }
            using var a = mem.Load(i);
            using var b = data.Train.Load(i);
            Assert.Equal(TestImages.Bytes(a), TestImages.Bytes(b));
        }
    }

    [Fact]
    public void CocoConversion()
    {
        using var t = new TempDir();
        string json = t.Sub("instances.json");
        File.WriteAllText(json, """
        {
          "images": [
            {"id": 1, "file_name": "a/000001.jpg", "width": 200, "height": 100},
            {"id": 2, "file_name": "000002.png", "width": 50, "height": 50}
          ],
          "categories": [
            {"id": 18, "name": "dog"}, {"id": 1, "name": "person"}, {"id": 3, "name": "car"}
          ],
          "annotations": [
            {"id": 1, "image_id": 1, "category_id": 18, "bbox": [10, 20, 50, 40], "iscrowd": 0},
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [100, 0, 100, 100], "iscrowd": 0},
            {"id": 3, "image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10], "iscrowd": 1},
            {"id": 4, "image_id": 1, "category_id": 3, "bbox": [5, 5, 0, 10], "iscrowd": 0}
          ]
        }
        """);
        var r = CocoConverter.Convert(json, t.Sub("labels"));
        Assert.Equal(["person", "car", "dog"], r.Names);
        Assert.Equal(2, r.Images);
        Assert.Equal(2, r.Boxes);
        Assert.Equal(1, r.SkippedCrowd);
        Assert.Equal(1, r.SkippedInvalid);
        var lines = File.ReadAllLines(t.Sub("labels", "000001.txt"));
        Assert.Equal(["2 0.175000 0.400000 0.250000 0.400000", "0 0.750000 0.500000 0.500000 1.000000"], lines);
        Assert.Equal("", File.ReadAllText(t.Sub("labels", "000002.txt")));
        var names = File.ReadAllText(r.NamesPath);
        Assert.Contains("nc: 3", names);
        // names.yaml parses as part of a dataset.yaml.
        var y = DatasetYaml.Parse("train: x\n" + names, t.Sub("d.yaml"));
        Assert.Equal(["person", "car", "dog"], y.Names);
    }
}

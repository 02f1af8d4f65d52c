using System.Globalization;
using System.Text;
using OpenCvSharp;
using VisionCuda.Random;
using VisionCuda.Vision.Data;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Detection;

/// <summary>
/// The embedded default detection set: shapes that differ in form (circle, square, triangle, cross, star, ring),
/// 1 to 8 per image, box sides from 0.05 to 0.5 of the image (log-uniform), randomly stretched and rotated, partly
/// overlapping (a later shape may cover up to 30% of an earlier one's box), on cluttered backgrounds: a two-colour
/// gradient, random thin lines and open arcs as distractors, and per-pixel noise. Colours are random (with a minimum
/// contrast to the background), so only form tells the classes apart.
///
/// Image i is a pure function of (seed, split, i): the layout (classes, boxes) comes from the Philox key
/// (splitSeed, split, i, General) and the painting (colours, clutter, noise) from (splitSeed, split + 1000, i,
/// General), so labels are known without drawing. The val split uses a different seed (seed + 1) as well as a
/// different split word. Labels are the bounds of the drawn polygons, clipped to the image.
/// </summary>
public sealed class SyntheticDetection : IDetectionDataset
{
    public static readonly IReadOnlyList<string> ClassNames = ["circle", "square", "triangle", "cross", "star", "ring"];

    public const int TrainSplit = 0, ValSplit = 1, TestSplit = 2;
    public const int MaxObjects = 8;
    public const double MinScale = 0.05, MaxScale = 0.5;

    private readonly Shape[][] _layouts;
    private readonly YoloBox[][] _labels;
    private readonly ulong _splitSeed;

    public int Count { get; }
    public int ImageSize { get; }
    public ulong Seed { get; }
    public int Split { get; }
    public IReadOnlyList<string> Names => ClassNames;

    public SyntheticDetection(int count, int imageSize = 320, ulong seed = 0, int split = TrainSplit)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive");
        if (imageSize < 64) throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "imageSize must be at least 64");
        Count = count; ImageSize = imageSize; Seed = seed; Split = split;
        _splitSeed = seed + (ulong)split; // the val split is drawn with a different seed
        _layouts = new Shape[count][];
        _labels = new YoloBox[count][];
        for (int i = 0; i < count; i++)
        {
            _layouts[i] = Layout(i);
            _labels[i] = _layouts[i].Select(s => s.Box.ToYolo(imageSize, imageSize)).ToArray();
        }
    }

    /// <summary>Train and val splits (the embedded default when no --data is given).</summary>
    public static DetectionData Embedded(int trainImages = 640, int valImages = 160, int imageSize = 320, ulong seed = 0) =>
        new(new SyntheticDetection(trainImages, imageSize, seed, TrainSplit),
            new SyntheticDetection(valImages, imageSize, seed, ValSplit),
            null, ClassNames, $"synthetic-detection(train={trainImages}, val={valImages}, imgsz={imageSize}, seed={seed})");

    public YoloBox[] GetLabels(int index) => _labels[index];

    (int Width, int Height) IDetectionDataset.ImageSize(int index) => (ImageSize, ImageSize);

    public string Describe(int index) => $"synthetic-{(Split == TrainSplit ? "train" : Split == ValSplit ? "val" : "test")} #{index}";

    /// <summary>Writes dir/images/{train,val}/NNNNNN.png, dir/labels/{train,val}/NNNNNN.txt and dir/dataset.yaml;
    /// returns the yaml's path. Images are written in parallel; the output is the same on every run.</summary>
    public static string Write(string dir, int trainImages, int valImages, int imgsz = 320, ulong seed = 0)
    {
        Directory.CreateDirectory(dir);
        var splits = new List<(string Name, SyntheticDetection Set)> { ("train", new SyntheticDetection(trainImages, imgsz, seed, TrainSplit)) };
        if (valImages > 0) splits.Add(("val", new SyntheticDetection(valImages, imgsz, seed, ValSplit)));
        foreach (var (name, set) in splits)
        {
            string images = Path.Combine(dir, "images", name), labels = Path.Combine(dir, "labels", name);
            Directory.CreateDirectory(images);
            Directory.CreateDirectory(labels);
            Parallel.For(0, set.Count, i =>
            {
                using var img = set.Load(i);
                ImageIO.Write(Path.Combine(images, $"{i:D6}.png"), img);
                File.WriteAllText(Path.Combine(labels, $"{i:D6}.txt"), FormatLabels(set.GetLabels(i)));
            });
        }
        var yaml = new StringBuilder();
        yaml.Append("# VisionCuda synthetic detection set (visioncuda synth detect)\n");
        yaml.Append(CultureInfo.InvariantCulture, $"# train={trainImages} val={valImages} imgsz={imgsz} seed={seed}\n");
        yaml.Append("path: .\ntrain: images/train\n");
        yaml.Append(valImages > 0 ? "val: images/val\n" : "val: images/train\n");
        yaml.Append(CultureInfo.InvariantCulture, $"nc: {ClassNames.Count}\nnames:\n");
        for (int c = 0; c < ClassNames.Count; c++) yaml.Append(CultureInfo.InvariantCulture, $"  {c}: {ClassNames[c]}\n");
        string yamlPath = Path.Combine(dir, "dataset.yaml");
        File.WriteAllText(yamlPath, yaml.ToString());
        return yamlPath;
    }

    /// <summary>YOLO txt lines, 6 decimals.</summary>
    public static string FormatLabels(IEnumerable<YoloBox> boxes)
    {
        var sb = new StringBuilder();
        foreach (var b in boxes)
            sb.Append(CultureInfo.InvariantCulture, $"{b.Cls} {b.Cx:F6} {b.Cy:F6} {b.W:F6} {b.H:F6}\n");
        return sb.ToString();
    }

    private sealed record Shape(int Cls, Point2d[] Points, PixelBox Box, double Radius);

    private Shape[] Layout(int index)
    {
        var rng = new RandomStream(_splitSeed, Split, index, RandomPurpose.General);
        int s = ImageSize;
        int n = 1 + rng.NextInt(MaxObjects);
        var shapes = new List<Shape>(n);
        for (int k = 0; k < n; k++)
        {
            for (int attempt = 0; attempt < 30; attempt++)
            {
                int cls = rng.NextInt(ClassNames.Count);
                double scale = Math.Exp(rng.Uniform(Math.Log(MinScale), Math.Log(MaxScale)));
                double stretch = Math.Exp(rng.Uniform(-0.3, 0.3));
                double angle = rng.Uniform(0.0, 2 * Math.PI);
                var unit = UnitShape(cls);
                // Rotate, stretch, then scale so that the box's longer side is scale * s.
                var pts = unit.Select(p => new Point2d(p.X * stretch * Math.Cos(angle) - p.Y / stretch * Math.Sin(angle),
                                                       p.X * stretch * Math.Sin(angle) + p.Y / stretch * Math.Cos(angle))).ToArray();
                double minX = pts.Min(p => p.X), maxX = pts.Max(p => p.X), minY = pts.Min(p => p.Y), maxY = pts.Max(p => p.Y);
                double k0 = scale * s / Math.Max(maxX - minX, maxY - minY);
                double bw = (maxX - minX) * k0, bh = (maxY - minY) * k0;
                if (bw < 3 || bh < 3) continue;
                double left = rng.Uniform(0.0, s - bw), top = rng.Uniform(0.0, s - bh);
                var placed = pts.Select(p => new Point2d(left + (p.X - minX) * k0, top + (p.Y - minY) * k0)).ToArray();
                var box = new PixelBox(cls, (float)left, (float)top, (float)(left + bw), (float)(top + bh)).Clip(s, s);
                if (!FitsWith(box, shapes)) continue;
                shapes.Add(new Shape(cls, placed, box, k0));
                break;
            }
        }
        return shapes.ToArray();
    }

    /// <summary>The new box (drawn on top) may cover at most 30% of an earlier box and must not sit more than half
    /// inside one, so every object stays mostly visible while overlaps are common.</summary>
    private static bool FitsWith(PixelBox box, List<Shape> shapes)
    {
        double area = (double)box.Width * box.Height;
        foreach (var other in shapes)
        {
            var o = other.Box;
            double iw = Math.Min(box.X2, o.X2) - Math.Max(box.X1, o.X1), ih = Math.Min(box.Y2, o.Y2) - Math.Max(box.Y1, o.Y1);
            if (iw <= 0 || ih <= 0) continue;
            double inter = iw * ih;
            if (inter > 0.3 * o.Width * o.Height || inter > 0.5 * area) return false;
        }
        return true;
    }

    private static readonly Point2d[][] Units = BuildUnits();

    private static Point2d[] UnitShape(int cls) => Units[cls];

    private static Point2d[][] BuildUnits()
    {
        Point2d[] Regular(int n, double r, double phase) =>
            Enumerable.Range(0, n).Select(i => new Point2d(r * Math.Cos(phase + 2 * Math.PI * i / n), r * Math.Sin(phase + 2 * Math.PI * i / n))).ToArray();
        var circle = Regular(48, 1, 0);
        var square = new Point2d[] { new(-1, -1), new(1, -1), new(1, 1), new(-1, 1) };
        var triangle = new Point2d[] { new(0, -1), new(0.95, 0.75), new(-0.95, 0.75) };
        const double a = 0.22;
        var cross = new Point2d[]
        {
            new(-a, -1), new(a, -1), new(a, -a), new(1, -a), new(1, a), new(a, a),
            new(a, 1), new(-a, 1), new(-a, a), new(-1, a), new(-1, -a), new(-a, -a),
        };
        var star = Enumerable.Range(0, 10).Select(i =>
        {
            double r = i % 2 == 0 ? 1 : 0.42, t = -Math.PI / 2 + Math.PI * i / 5;
            return new Point2d(r * Math.Cos(t), r * Math.Sin(t));
        }).ToArray();
        var ring = Regular(48, 1, 0);
        return [circle, square, triangle, cross, star, ring];
    }

    public Mat Load(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"outside {Count} images");
        var rng = new RandomStream(_splitSeed, Split + 1000, index, RandomPurpose.General);
        int s = ImageSize;
        var img = new Mat(s, s, MatType.CV_8UC3);
        try
        {
            var (bgA, bgB) = Background(img, ref rng);
            Clutter(img, ref rng);
            var mean = new Scalar((bgA.Val0 + bgB.Val0) / 2, (bgA.Val1 + bgB.Val1) / 2, (bgA.Val2 + bgB.Val2) / 2);
            foreach (var shape in _layouts[index]) DrawShape(img, shape, Contrasting(mean, ref rng), ref rng);
            AddNoise(img, rng.Uniform(4f, 28f), ref rng);
            return img;
        }
        catch
        {
            img.Dispose();
            throw;
        }
    }

    private static Scalar RandomColor(ref RandomStream rng) => new(rng.NextInt(256), rng.NextInt(256), rng.NextInt(256));

    private static Scalar Contrasting(Scalar bg, ref RandomStream rng)
    {
        Scalar c = RandomColor(ref rng);
        for (int i = 0; i < 12; i++)
        {
            double d = Math.Abs(c.Val0 - bg.Val0) + Math.Abs(c.Val1 - bg.Val1) + Math.Abs(c.Val2 - bg.Val2);
            if (d > 150) break;
            c = RandomColor(ref rng);
        }
        return c;
    }

    private static unsafe (Scalar A, Scalar B) Background(Mat img, ref RandomStream rng)
    {
        var a = RandomColor(ref rng);
        var b = RandomColor(ref rng);
        double angle = rng.Uniform(0.0, 2 * Math.PI);
        float dx = (float)Math.Cos(angle), dy = (float)Math.Sin(angle);
        int s = img.Rows;
        // 256-step colour ramp indexed by the position along the gradient direction.
        byte* ramp = stackalloc byte[256 * 3];
        for (int i = 0; i < 256; i++)
        {
            double t = i / 255.0;
            ramp[3 * i] = (byte)(a.Val0 + (b.Val0 - a.Val0) * t);
            ramp[3 * i + 1] = (byte)(a.Val1 + (b.Val1 - a.Val1) * t);
            ramp[3 * i + 2] = (byte)(a.Val2 + (b.Val2 - a.Val2) * t);
        }
        byte* p = img.DataPointer;
        long step = img.Step();
        float half = s / 2f, inv = 255f / s;
        for (int y = 0; y < s; y++)
        {
            byte* row = p + y * step;
            float t = 127.5f + ((0 - half) * dx + (y - half) * dy) * inv, dt = dx * inv;
            for (int x = 0; x < s; x++, t += dt)
            {
                int i = t <= 0 ? 0 : t >= 255 ? 255 : (int)t;
                byte* q = row + 3 * x;
                q[0] = ramp[3 * i]; q[1] = ramp[3 * i + 1]; q[2] = ramp[3 * i + 2];
            }
        }
        return (a, b);
    }

    private static void Clutter(Mat img, ref RandomStream rng)
    {
        int s = img.Rows;
        int lines = 3 + rng.NextInt(10);
        for (int i = 0; i < lines; i++)
        {
            var p1 = new Point(rng.NextInt(s), rng.NextInt(s));
            var p2 = new Point(rng.NextInt(s), rng.NextInt(s));
            Cv2.Line(img, p1, p2, RandomColor(ref rng), 1 + rng.NextInt(2), LineTypes.AntiAlias);
        }
        int arcs = rng.NextInt(4);
        for (int i = 0; i < arcs; i++)
        {
            var c = new Point(rng.NextInt(s), rng.NextInt(s));
            int ax = 5 + rng.NextInt(Math.Max(1, s / 4)), ay = 5 + rng.NextInt(Math.Max(1, s / 4));
            double start = rng.Uniform(0.0, 360.0);
            Cv2.Ellipse(img, c, new Size(ax, ay), rng.Uniform(0.0, 180.0), start, start + rng.Uniform(40.0, 200.0), RandomColor(ref rng), 1, LineTypes.AntiAlias);
        }
    }

    private static void DrawShape(Mat img, Shape shape, Scalar color, ref RandomStream rng)
    {
        var pts = shape.Points.Select(p => new Point((int)Math.Round(p.X * 16), (int)Math.Round(p.Y * 16))).ToArray();
        if (ClassNames[shape.Cls] == "ring")
        {
            // A thick outline whose outer edge follows the polygon: shrink towards the centre by half the thickness.
            double cx = shape.Points.Average(p => p.X), cy = shape.Points.Average(p => p.Y);
            double extent = Math.Max(shape.Box.Width, shape.Box.Height);
            double thick = Math.Max(2, extent * rng.Uniform(0.12, 0.2));
            double rOuter = shape.Points.Max(p => Math.Sqrt((p.X - cx) * (p.X - cx) + (p.Y - cy) * (p.Y - cy)));
            double k = Math.Max(0.05, (rOuter - thick / 2) / rOuter);
            var inner = shape.Points.Select(p => new Point((int)Math.Round((cx + (p.X - cx) * k) * 16), (int)Math.Round((cy + (p.Y - cy) * k) * 16))).ToArray();
            Cv2.Polylines(img, [inner], true, color, (int)Math.Round(thick), LineTypes.AntiAlias, 4);
        }
        else
        {
            Cv2.FillPoly(img, [pts], color, LineTypes.AntiAlias, 4);
        }
    }

    /// <summary>Uniform noise in [-amplitude, amplitude] per channel value; one Philox block gives 16 values.</summary>
    private static unsafe void AddNoise(Mat img, float amplitude, ref RandomStream rng)
    {
        ulong key = rng.NextUInt() | ((ulong)rng.NextUInt() << 32);
        int n = img.Rows * img.Cols * 3;
        byte* p = img.DataPointer;
        float scale = 2 * amplitude / 255f;
        uint* words = stackalloc uint[4];
        for (int i = 0, block = 0; i < n; i += 16, block++)
        {
            (words[0], words[1], words[2], words[3]) = Philox.Block((ulong)block, 0, key);
            byte* bytes = (byte*)words;
            int m = Math.Min(16, n - i);
            for (int j = 0; j < m; j++)
            {
                int v = (int)(p[i + j] + bytes[j] * scale - amplitude + 0.5f + 256) - 256;
                p[i + j] = (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
    }

}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenCvSharp;
using VisionCuda.Backends;
using VisionCuda.Training.Detect.Nms;
using VisionCuda.Training.Detect.Train;
using VisionCuda.Training.Detect.Val;
using VisionCuda.Training.Predict;
using VisionCuda.Vision.Detection;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Training.Detect.Predict;

/// <summary>One image's detections in original pixels.</summary>
public sealed record ImageDetections(string Source, int Width, int Height, Detection[] Detections, TimeSpan Elapsed);

/// <summary>
/// <c>visioncuda predict detect</c>: runs trained weights on an image or a directory through the same letterbox,
/// decode, NMS and mapping as validation (<see cref="DetectInference"/>), with predict defaults (conf 0.25,
/// iou 0.7, max_det 300, one class per box). Outputs, as Ultralytics: annotated images in the run folder,
/// labels/&lt;stem&gt;.txt (class cx cy w h normalised, plus the confidence with save_conf) and predictions.json
/// (COCO results: image_id, category_id, bbox [x, y, w, h] in pixels, score).
/// </summary>
public sealed class DetectPredictor : IPredictor<ImageDetections>
{
    private readonly DetectWeights _weights;
    private readonly IBackend _backend;

    public DetectPredictor(string weightsPath, string device = "cpu", int imgsz = 0)
    {
        _backend = Devices.Get(device);
        _weights = DetectWeights.Load(weightsPath, _backend);
        if (imgsz < 0 || imgsz % 32 != 0) throw new ArgumentException($"invalid value for 'imgsz': must be 0 or a multiple of 32, got {imgsz}");
        ImageSize = imgsz > 0 ? imgsz : _weights.ImageSize;
    }

    public IReadOnlyList<string> Names => _weights.Names;

    public int ImageSize { get; }

    /// <summary>NMS of <see cref="Predict(string, CancellationToken)"/> and the other overloads (Ultralytics' predict defaults).</summary>
    public NmsSettings Nms { get; set; } = new(0.25f, 0.7f, 300, false, MultiLabel: false);

    /// <summary>Detections for every image of <paramref name="source"/>, in file order; unreadable images are skipped with a warning.</summary>
    public IReadOnlyList<ImageDetections> PredictSource(string source, Action<string>? warn = null, Action<ImageDetections, int, int>? onImage = null,
        CancellationToken cancellationToken = default)
    {
        var files = ImageIO.FindImages(source);
        return Run(new SourceImages(files, _weights.Names), warn, onImage, cancellationToken);
    }

    public ImageDetections Predict(string imagePath, CancellationToken cancellationToken = default) =>
        Run(new SourceImages([Path.GetFullPath(imagePath)], _weights.Names), null, null, cancellationToken).Single();

    public ImageDetections Predict(Stream encoded, string name, CancellationToken cancellationToken = default) =>
        PredictorStreams.PredictEncoded(this, encoded, name, cancellationToken);

    public ImageDetections Predict(Mat image, string name, CancellationToken cancellationToken = default) =>
        Run(new InMemoryImage(image, name, _weights.Names), null, null, cancellationToken).Single();

    /// <summary>The val loader's letterbox (batch 1) and <see cref="DetectInference"/> over a label-less set of images.</summary>
    private List<ImageDetections> Run(IDetectionDataset images, Action<string>? warn, Action<ImageDetections, int, int>? onImage, CancellationToken cancellationToken)
    {
        var loader = new DetectionLoader(images, new DetectionLoaderOptions
        {
            BatchSize = 1,
            Workers = images.Count > 1 ? Math.Min(2, Environment.ProcessorCount) : 0,
            Augment = false,
            Rect = true,
            Stride = _weights.Model.MaxStride,
            Augmentation = new DetectAugmentOptions { Imgsz = ImageSize },
            Warn = warn is null ? null : m => warn(DetectValidator.StripWarning(m)),
        });
        var results = new List<ImageDetections>();
        var clock = Stopwatch.StartNew();
        foreach (var batch in loader.Epoch(0, cancellationToken))
        {
            using var b = batch;
            var r = DetectInference.Run(_weights.Model, b, Nms, _backend);
            for (int i = 0; i < b.Count; i++)
            {
                var info = b.Info[i];
                var d = new ImageDetections(info.Source, info.OrigWidth, info.OrigHeight, r.PerImage[i], clock.Elapsed / Math.Max(1, b.Count));
                results.Add(d);
                onImage?.Invoke(d, results.Count, images.Count);
            }
            clock.Restart();
        }
        results.Sort((a, c) => string.CompareOrdinal(a.Source, c.Source));
        return results;
    }

    /// <summary>"3 circles, 1 square" (Ultralytics' per-image summary).</summary>
    public string Describe(Detection[] dets)
    {
        if (dets.Length == 0) return "(no detections)";
        return string.Join(", ", dets.GroupBy(d => d.Class).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {Name(g.Key)}{(g.Count() > 1 ? "s" : "")}"));
    }

    private string Name(int c) => (uint)c < (uint)_weights.Names.Count ? _weights.Names[c] : c.ToString(CultureInfo.InvariantCulture);

    /// <summary>YOLO label lines: class cx cy w h normalised to the image (%g), with the confidence as a sixth column when asked.</summary>
    public static string ToYoloTxt(ImageDetections d, bool saveConf)
    {
        var sb = new StringBuilder();
        foreach (var x in d.Detections)
        {
            float w = x.X2 - x.X1, h = x.Y2 - x.Y1;
            sb.Append(x.Class.ToString(CultureInfo.InvariantCulture)).Append(' ')
              .Append(G((x.X1 + w / 2) / d.Width)).Append(' ').Append(G((x.Y1 + h / 2) / d.Height)).Append(' ')
              .Append(G(w / d.Width)).Append(' ').Append(G(h / d.Height));
            if (saveConf) sb.Append(' ').Append(G(x.Score));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string G(float v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>COCO results: image_id is the file stem (a number when the stem is numeric), bbox [x, y, w, h] in pixels.</summary>
    public static string ToCocoJson(IEnumerable<ImageDetections> images)
    {
        var list = new List<object>();
        foreach (var img in images)
        {
            string stem = Path.GetFileNameWithoutExtension(img.Source);
            object id = long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : stem;
            foreach (var d in img.Detections)
                list.Add(new
                {
                    image_id = id,
                    category_id = d.Class,
                    bbox = new[] { Math.Round(d.X1, 3), Math.Round(d.Y1, 3), Math.Round(d.X2 - d.X1, 3), Math.Round(d.Y2 - d.Y1, 3) },
                    score = Math.Round(d.Score, 5),
                });
        }
        return JsonSerializer.Serialize(list, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Draws boxes with "name score" labels on the original image and writes it to <paramref name="path"/>.</summary>
    public void Annotate(ImageDetections d, string path, int lineWidth = 0)
    {
        using var img = ImageIO.Read(d.Source, 3);
        int lw = lineWidth > 0 ? lineWidth : Math.Max((int)Math.Round((img.Rows + img.Cols) / 2.0 * 0.003), 2);
        double fontScale = Math.Max(lw / 3.0, 0.35);
        int tf = Math.Max(lw - 1, 1);
        foreach (var x in d.Detections)
        {
            var color = Palette(x.Class);
            var p1 = new Point((int)x.X1, (int)x.Y1);
            var p2 = new Point((int)x.X2, (int)x.Y2);
            Cv2.Rectangle(img, p1, p2, color, lw, LineTypes.AntiAlias);
            string label = string.Create(CultureInfo.InvariantCulture, $"{Name(x.Class)} {x.Score:F2}");
            var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, fontScale, tf, out int baseline);
            bool outside = p1.Y - size.Height - 3 >= 0;
            var t1 = new Point(p1.X, outside ? p1.Y - size.Height - 3 : p1.Y);
            var t2 = new Point(p1.X + size.Width, outside ? p1.Y : p1.Y + size.Height + 3);
            Cv2.Rectangle(img, t1, t2, color, -1, LineTypes.AntiAlias);
            Cv2.PutText(img, label, new Point(p1.X, outside ? p1.Y - 2 : p1.Y + size.Height + 2), HersheyFonts.HersheySimplex, fontScale,
                new Scalar(255, 255, 255), tf, LineTypes.AntiAlias);
        }
        ImageIO.Write(path, img);
    }

    /// <summary>Ultralytics' 20-colour palette (RGB, as our Mats are RGB).</summary>
    private static Scalar Palette(int c)
    {
        string[] hex = { "FF3838", "FF9D97", "FF701F", "FFB21D", "CFD231", "48F90A", "92CC17", "3DDB86", "1A9334", "00D4BB",
                         "2C99A8", "00C2FF", "344593", "6473FF", "0018EC", "8438FF", "520085", "CB38FF", "FF95C8", "FF37C7" };
        string h = hex[((c % hex.Length) + hex.Length) % hex.Length];
        return new Scalar(Convert.ToInt32(h[..2], 16), Convert.ToInt32(h[2..4], 16), Convert.ToInt32(h[4..], 16));
    }

    public void Dispose() => _weights.Dispose();

    /// <summary>Image files as a label-less data set, so predict reuses the val loader's letterbox.</summary>
    private sealed class SourceImages : IDetectionDataset
    {
        private readonly IReadOnlyList<string> _files;
        private readonly (int W, int H)[] _sizes;

        public SourceImages(IReadOnlyList<string> files, IReadOnlyList<string> names)
        {
            _files = files;
            Names = names;
            _sizes = files.Select(f => ImageHeader.TryReadSize(f, out int w, out int h) ? (w, h) : (0, 0)).ToArray();
        }

        public int Count => _files.Count;
        public IReadOnlyList<string> Names { get; }
        public YoloBox[] GetLabels(int index) => [];
        public Mat Load(int index) => ImageIO.Read(_files[index], 3);
        public (int Width, int Height) ImageSize(int index) => _sizes[index];
        public string Describe(int index) => _files[index];
    }

    /// <summary>One image held in memory, as a label-less data set (the loader gets a copy each time).</summary>
    private sealed class InMemoryImage(Mat image, string name, IReadOnlyList<string> names) : IDetectionDataset
    {
        public int Count => 1;
        public IReadOnlyList<string> Names => names;
        public YoloBox[] GetLabels(int index) => [];
        public Mat Load(int index) => ImageIO.ToChannels(image, 3);
        public (int Width, int Height) ImageSize(int index) => (image.Width, image.Height);
        public string Describe(int index) => name;
    }
}

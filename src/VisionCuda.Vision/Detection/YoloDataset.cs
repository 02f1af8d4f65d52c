using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenCvSharp;
using VisionCuda.Vision.Imaging;

namespace VisionCuda.Vision.Detection;

/// <summary>Options of <see cref="YoloDataset"/>.</summary>
public sealed record YoloDatasetOptions
{
    /// <summary>Ultralytics' single_cls: every box becomes class 0 (names collapse to one).</summary>
    public bool SingleCls { get; init; }

    /// <summary>Read and write the label cache (<c>&lt;labels dir&gt;.cache</c>).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Where each problem is reported (once per data set load); default: standard error.</summary>
    public Action<string>? Warn { get; init; }
}

/// <summary>
/// A YOLO detection split: image files plus label files found by Ultralytics' rule (the last <c>/images/</c> in the
/// path becomes <c>/labels/</c>, the extension <c>.txt</c>). Labels are checked by <see cref="LabelFile"/> and image
/// headers are read once (a file that cannot be decoded is left out with a warning naming it); the result is kept in
/// a JSON cache next to the labels folder (Ultralytics' <c>labels/train.cache</c> place), invalidated by a hash of
/// the file names, sizes and modification times (and nc / single_cls). Every problem is reported once per load,
/// from the cache too, as "file:line: message".
/// </summary>
public sealed class YoloDataset : IDetectionDataset
{
    private const int CacheVersion = 1;
    private readonly string[] _images;
    private readonly YoloBox[][] _labels;
    private readonly (int W, int H)[] _sizes;

    public IReadOnlyList<string> Names { get; }
    public int Count => _images.Length;

    /// <summary>Every problem found, each once.</summary>
    public IReadOnlyList<LabelIssue> Issues { get; }

    /// <summary>Images with a missing / empty label file (background images).</summary>
    public int MissingLabels { get; }
    public int EmptyLabels { get; }

    /// <summary>Images left out (class out of range, corrupt image).</summary>
    public int Excluded { get; }

    public string? CachePath { get; }
    public bool CacheHit { get; }

    /// <summary>A one-line summary like Ultralytics' "Scanning ... N images, M backgrounds, K corrupt".</summary>
    public string Summary { get; }

    public YoloDataset(IReadOnlyList<string> imageFiles, IReadOnlyList<string> names, YoloDatasetOptions? options = null)
    {
        options ??= new YoloDatasetOptions();
        if (names.Count == 0) throw new Data.DatasetException("", "a detection data set needs at least one class name");
        Names = options.SingleCls ? [names.Count == 1 ? names[0] : "item"] : names.ToArray();
        int nc = names.Count;
        var files = imageFiles.Select(Path.GetFullPath).ToArray();
        var labelFiles = files.Select(DatasetYaml.LabelPathFor).ToArray();
        Scan scan;
        if (files.Length > 0 && options.UseCache)
        {
            CachePath = CachePathFor(labelFiles[0]);
            string hash = Hash(files, labelFiles, nc, options.SingleCls);
            var cached = TryReadCache(CachePath, hash);
            if (cached != null)
            {
                scan = cached;
                CacheHit = true;
            }
            else
            {
                scan = ScanAll(files, labelFiles, nc, options.SingleCls);
                scan.Hash = hash;
                TryWriteCache(CachePath, scan, options.Warn);
            }
        }
        else
        {
            scan = ScanAll(files, labelFiles, nc, options.SingleCls);
        }

        var keep = scan.Entries.Where(e => !e.Excluded).ToArray();
        _images = keep.Select(e => e.Image).ToArray();
        _sizes = keep.Select(e => (e.W, e.H)).ToArray();
        _labels = keep.Select(e => Unflatten(e.Boxes)).ToArray();
        Issues = scan.Issues.Select(i => new LabelIssue(i.File, i.Line, i.Kind, i.Message)).ToArray();
        MissingLabels = scan.Missing;
        EmptyLabels = scan.Empty;
        Excluded = scan.Entries.Count - keep.Length;
        var warn = options.Warn ?? (m => Console.Error.WriteLine(m));
        foreach (var issue in Issues) warn("WARNING " + issue);
        int boxes = _labels.Sum(l => l.Length);
        Summary = $"{files.Length} images, {boxes} boxes, {MissingLabels + EmptyLabels} backgrounds ({MissingLabels} missing, {EmptyLabels} empty label files), " +
                  $"{Excluded} left out, {Issues.Count} problems" + (CacheHit ? " (from cache)" : "");
    }

    public YoloBox[] GetLabels(int index) => _labels[index];

    public (int Width, int Height) ImageSize(int index) => _sizes[index];

    public string Describe(int index) => _images[index];

    public string ImagePath(int index) => _images[index];

    public Mat Load(int index) => ImageIO.Read(_images[index], 3);

    /// <summary>Ultralytics' place for the cache: the first label file's folder with a .cache suffix.</summary>
    public static string CachePathFor(string firstLabelFile)
    {
        string dir = Path.GetDirectoryName(firstLabelFile) ?? ".";
        return dir.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + ".cache";
    }

    private static YoloBox[] Unflatten(float[] flat)
    {
        var r = new YoloBox[flat.Length / 5];
        for (int i = 0; i < r.Length; i++) r[i] = new YoloBox((int)flat[5 * i], flat[5 * i + 1], flat[5 * i + 2], flat[5 * i + 3], flat[5 * i + 4]);
        return r;
    }

    private static string Hash(string[] images, string[] labels, int nc, bool singleCls)
    {
        var sb = new StringBuilder();
        sb.Append(CacheVersion).Append('|').Append(nc).Append('|').Append(singleCls).Append('\n');
        for (int i = 0; i < images.Length; i++)
        {
            Stat(sb, images[i]);
            Stat(sb, labels[i]);
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static void Stat(StringBuilder sb, string path)
    {
        var fi = new FileInfo(path);
        sb.Append(path).Append('|');
        if (fi.Exists) sb.Append(fi.Length).Append('|').Append(fi.LastWriteTimeUtc.Ticks);
        else sb.Append('-');
        sb.Append('\n');
    }

    private static Scan ScanAll(string[] images, string[] labels, int nc, bool singleCls)
    {
        var entries = new ScanEntry[images.Length];
        var issues = new List<ScanIssue>[images.Length];
        var missing = new bool[images.Length];
        var empty = new bool[images.Length];
        Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
        {
            var list = new List<ScanIssue>();
            var result = LabelFile.Read(labels[i], nc, singleCls);
            foreach (var issue in result.Issues) list.Add(new ScanIssue(issue.File, issue.Line, issue.Kind, issue.Message));
            bool excluded = result.Excluded;
            int w = 0, h = 0;
            if (!ImageHeader.TryReadSize(images[i], out w, out h))
            {
                try
                {
                    using var m = ImageIO.Read(images[i], 3);
                    (w, h) = (m.Cols, m.Rows);
                }
                catch (ImageDecodeException e)
                {
                    list.Insert(0, new ScanIssue(images[i], 0, LabelIssueKind.CorruptImage, $"corrupt image ({e.Message}); image left out"));
                    excluded = true;
                }
            }
            missing[i] = result.Missing;
            empty[i] = result.Empty && !result.Missing;
            issues[i] = list;
            var flat = new float[result.Boxes.Length * 5];
            for (int k = 0; k < result.Boxes.Length; k++)
            {
                var b = result.Boxes[k];
                flat[5 * k] = b.Cls; flat[5 * k + 1] = b.Cx; flat[5 * k + 2] = b.Cy; flat[5 * k + 3] = b.W; flat[5 * k + 4] = b.H;
            }
            entries[i] = new ScanEntry { Image = images[i], W = w, H = h, Boxes = excluded ? [] : flat, Excluded = excluded };
        });
        return new Scan
        {
            Version = CacheVersion,
            Entries = entries.ToList(),
            Issues = issues.SelectMany(l => l).ToList(),
            Missing = missing.Count(m => m),
            Empty = empty.Count(e => e),
        };
    }

    private static Scan? TryReadCache(string path, string hash)
    {
        try
        {
            if (!File.Exists(path)) return null;
            var scan = JsonSerializer.Deserialize<Scan>(File.ReadAllBytes(path));
            return scan is { Version: CacheVersion } && scan.Hash == hash ? scan : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private static void TryWriteCache(string path, Scan scan, Action<string>? warn)
    {
        string? dir = Path.GetDirectoryName(path);
        if (dir != null && !Directory.Exists(dir)) return; // no labels folder at all: nothing worth caching
        try
        {
            string tmp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(scan));
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            (warn ?? (m => Console.Error.WriteLine(m)))($"WARNING cannot write label cache '{path}' ({e.Message}); continuing without it");
        }
    }

    internal sealed class Scan
    {
        public int Version { get; set; }
        public string Hash { get; set; } = "";
        public List<ScanEntry> Entries { get; set; } = [];
        public List<ScanIssue> Issues { get; set; } = [];
        public int Missing { get; set; }
        public int Empty { get; set; }
    }

    internal sealed class ScanEntry
    {
        public string Image { get; set; } = "";
        public int W { get; set; }
        public int H { get; set; }
        public float[] Boxes { get; set; } = [];
        public bool Excluded { get; set; }
    }

    internal sealed record ScanIssue(string File, int Line, LabelIssueKind Kind, string Message);
}

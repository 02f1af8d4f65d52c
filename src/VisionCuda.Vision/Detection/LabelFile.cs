using System.Globalization;

namespace VisionCuda.Vision.Detection;

/// <summary>What kind of problem a label or image check found.</summary>
public enum LabelIssueKind
{
    /// <summary>class &gt;= nc (or negative): the image is left out.</summary>
    ClassOutOfRange,
    /// <summary>not 5 columns: the line is skipped.</summary>
    WrongColumnCount,
    /// <summary>a value that is not a number: the line is skipped.</summary>
    NotANumber,
    /// <summary>a coordinate outside [0,1] by at most 0.01: clipped.</summary>
    Clipped,
    /// <summary>a coordinate further outside [0,1]: the box is skipped.</summary>
    OutOfBounds,
    /// <summary>zero or negative width/height: the box is skipped.</summary>
    ZeroSize,
    /// <summary>the same box twice: the repeat is removed.</summary>
    Duplicate,
    /// <summary>the image cannot be decoded: the image is left out.</summary>
    CorruptImage,
}

/// <summary>One problem found while checking a data set; reported once, as "file:line: message" (line 0: the whole file).</summary>
public sealed record LabelIssue(string File, int Line, LabelIssueKind Kind, string Message)
{
    /// <summary>True when the whole image is left out of the data set.</summary>
    public bool ExcludesImage => Kind is LabelIssueKind.ClassOutOfRange or LabelIssueKind.CorruptImage;

    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>
/// Parses and checks one YOLO label file (<c>class cx cy w h</c> per line, normalised). The rules (issue 6):
/// class &gt;= nc leaves the image out; a line without 5 columns is skipped (except a polygon, 1 + 2k columns with
/// k &gt;= 3, which Ultralytics' segment format gives and which becomes its bounding box); values outside [0,1] by at
/// most <see cref="ClipTolerance"/> are clipped, further out the box is skipped; exact duplicates are removed;
/// a missing or empty file is a background image. Box extents are clipped to the image silently.
/// </summary>
public static class LabelFile
{
    public const float ClipTolerance = 0.01f;

    public sealed record Result(YoloBox[] Boxes, List<LabelIssue> Issues, bool Missing, bool Empty)
    {
        public bool Excluded => Issues.Any(i => i.ExcludesImage);
    }

    public static Result Read(string labelPath, int nc, bool singleCls = false)
    {
        if (!File.Exists(labelPath)) return new Result([], [], true, false);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(labelPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Result([], [new LabelIssue(labelPath, 0, LabelIssueKind.NotANumber, $"cannot read label file ({e.Message}); treated as background")], false, true);
        }
        return Parse(lines, labelPath, nc, singleCls);
    }

    public static Result Parse(IReadOnlyList<string> lines, string file, int nc, bool singleCls = false)
    {
        var issues = new List<LabelIssue>();
        var boxes = new List<YoloBox>();
        var seen = new Dictionary<YoloBox, int>();
        bool any = false;
        for (int li = 0; li < lines.Count; li++)
        {
            int line = li + 1;
            string text = lines[li].Trim();
            if (text.Length == 0) continue;
            any = true;
            string[] cols = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            bool polygon = cols.Length >= 7 && cols.Length % 2 == 1;
            if (cols.Length != 5 && !polygon)
            {
                issues.Add(new(file, line, LabelIssueKind.WrongColumnCount, $"expected 5 columns (class cx cy w h), found {cols.Length}; line skipped"));
                continue;
            }
            var values = new float[cols.Length];
            bool numeric = true;
            for (int c = 0; c < cols.Length; c++)
                if (!float.TryParse(cols[c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[c]) || !float.IsFinite(values[c]))
                {
                    numeric = false;
                    break;
                }
            if (!numeric)
            {
                issues.Add(new(file, line, LabelIssueKind.NotANumber, $"'{text}' is not numeric; line skipped"));
                continue;
            }
            float clsValue = values[0];
            if (clsValue != MathF.Floor(clsValue) || clsValue < 0 || clsValue >= nc)
            {
                issues.Add(new(file, line, LabelIssueKind.ClassOutOfRange,
                    $"class {cols[0]} is outside 0..{nc - 1} (nc={nc}); image left out"));
                continue;
            }
            int cls = singleCls ? 0 : (int)clsValue;
            // Range check on the raw coordinates.
            float worst = 0;
            for (int c = 1; c < values.Length; c++) worst = MathF.Max(worst, MathF.Max(-values[c], values[c] - 1));
            if (worst > ClipTolerance)
            {
                issues.Add(new(file, line, LabelIssueKind.OutOfBounds,
                    $"coordinates outside [0, 1] by {worst.ToString("0.###", CultureInfo.InvariantCulture)} (more than {ClipTolerance.ToString(CultureInfo.InvariantCulture)}); box skipped"));
                continue;
            }
            if (worst > 0)
            {
                issues.Add(new(file, line, LabelIssueKind.Clipped,
                    $"coordinates outside [0, 1] by {worst.ToString("0.####", CultureInfo.InvariantCulture)}; clipped"));
                for (int c = 1; c < values.Length; c++) values[c] = Math.Clamp(values[c], 0f, 1f);
            }
            float x1, y1, x2, y2;
            if (polygon)
            {
                x1 = y1 = float.MaxValue; x2 = y2 = float.MinValue;
                for (int c = 1; c < values.Length; c += 2)
                {
                    x1 = MathF.Min(x1, values[c]); x2 = MathF.Max(x2, values[c]);
                    y1 = MathF.Min(y1, values[c + 1]); y2 = MathF.Max(y2, values[c + 1]);
                }
            }
            else
            {
                x1 = values[1] - values[3] / 2; x2 = values[1] + values[3] / 2;
                y1 = values[2] - values[4] / 2; y2 = values[2] + values[4] / 2;
            }
            x1 = Math.Clamp(x1, 0f, 1f); x2 = Math.Clamp(x2, 0f, 1f);
            y1 = Math.Clamp(y1, 0f, 1f); y2 = Math.Clamp(y2, 0f, 1f);
            if (!(x2 > x1) || !(y2 > y1))
            {
                issues.Add(new(file, line, LabelIssueKind.ZeroSize, "box has zero width or height; box skipped"));
                continue;
            }
            var box = polygon || worst > 0 || x1 != values[1] - values[3] / 2 || x2 != values[1] + values[3] / 2 || y1 != values[2] - values[4] / 2 || y2 != values[2] + values[4] / 2
                ? new YoloBox(cls, (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1)
                : new YoloBox(cls, values[1], values[2], values[3], values[4]);
            if (seen.TryGetValue(box, out int first))
            {
                issues.Add(new(file, line, LabelIssueKind.Duplicate, $"duplicate of line {first}; removed"));
                continue;
            }
            seen[box] = line;
            boxes.Add(box);
        }
        bool excluded = issues.Any(i => i.ExcludesImage);
        return new Result(excluded ? [] : boxes.ToArray(), issues, false, !any);
    }
}

using System.Globalization;

namespace VisionCuda.Training.Runs;

/// <summary>
/// results.csv with the classify columns Ultralytics users plot. Rows are appended and flushed each epoch, so a
/// killed run keeps every finished epoch; on resume the file is truncated back to the resumed epoch.
/// </summary>
public sealed class ResultsCsv
{
    public static readonly string[] ClassifyColumns =
    {
        "epoch", "train/loss", "metrics/accuracy_top1", "metrics/accuracy_top5", "val/loss", "lr/pg0", "lr/pg1", "lr/pg2",
    };

    private readonly string _path;
    private readonly string[] _columns;

    public ResultsCsv(string path, string[] columns)
    {
        _path = path;
        _columns = columns;
    }

    public string Path => _path;

    /// <summary>Starts the file, or keeps the rows of epochs below <paramref name="keepEpochsBelow"/> when resuming.</summary>
    public void Start(int keepEpochsBelow = 0)
    {
        var header = string.Join(",", _columns);
        var kept = new List<string> { header };
        if (keepEpochsBelow > 0 && File.Exists(_path))
        {
            foreach (var line in File.ReadLines(_path).Skip(1))
            {
                var first = line.Split(',')[0];
                if (int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) && e <= keepEpochsBelow) kept.Add(line);
            }
        }
        File.WriteAllLines(_path, kept);
    }

    public void Append(IReadOnlyDictionary<string, double> row)
    {
        var cells = _columns.Select(c => row.TryGetValue(c, out var v)
            ? (c == "epoch" ? ((int)v).ToString(CultureInfo.InvariantCulture) : v.ToString("G6", CultureInfo.InvariantCulture))
            : "");
        File.AppendAllText(_path, string.Join(",", cells) + "\n");
    }

    public static List<Dictionary<string, double>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var rows = new List<Dictionary<string, double>>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var row = new Dictionary<string, double>();
            for (int i = 0; i < header.Length && i < cells.Length; i++)
                if (double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) row[header[i]] = v;
            rows.Add(row);
        }
        return rows;
    }
}

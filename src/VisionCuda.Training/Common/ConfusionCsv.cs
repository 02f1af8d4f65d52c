using System.Globalization;
using System.Text;

namespace VisionCuda.Training.Common;

/// <summary>
/// Writes a confusion matrix the way Ultralytics lays it out (rows = predicted class, columns = true class; detection
/// adds a background row and column) as two CSV files in a run folder: confusion_matrix.csv with the counts and
/// confusion_matrix_normalized.csv with each column divided by its sum (the share of each true class's instances that
/// went to each prediction; Ultralytics' normalize=True).
/// </summary>
public static class ConfusionCsv
{
    public const string RawFile = "confusion_matrix.csv", NormalizedFile = "confusion_matrix_normalized.csv";

    public static void Write(string directory, long[,] predictedByTrue, IReadOnlyList<string> names, bool background)
    {
        var labels = background ? names.Append("background").ToList() : names.ToList();
        int n = predictedByTrue.GetLength(0);
        if (n != labels.Count || predictedByTrue.GetLength(1) != n)
            throw new ArgumentException($"confusion matrix is {n}x{predictedByTrue.GetLength(1)} for {labels.Count} labels");
        var columnSums = new long[n];
        for (int p = 0; p < n; p++)
            for (int t = 0; t < n; t++) columnSums[t] += predictedByTrue[p, t];
        File.WriteAllText(Path.Combine(directory, RawFile), Table(labels, (p, t) => predictedByTrue[p, t].ToString(CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(directory, NormalizedFile), Table(labels, (p, t) =>
            (columnSums[t] == 0 ? 0.0 : predictedByTrue[p, t] / (double)columnSums[t]).ToString("G6", CultureInfo.InvariantCulture)));
    }

    private static string Table(IReadOnlyList<string> labels, Func<int, int, string> cell)
    {
        var sb = new StringBuilder("predicted\\true");
        foreach (var l in labels) sb.Append(',').Append(Quote(l));
        sb.Append('\n');
        for (int p = 0; p < labels.Count; p++)
        {
            sb.Append(Quote(labels[p]));
            for (int t = 0; t < labels.Count; t++) sb.Append(',').Append(cell(p, t));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string s) => s.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>Reads a confusion_matrix.csv back: the labels and the counts (for tests and tools).</summary>
    public static (string[] Labels, double[,] Values) Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var labels = lines[0].Split(',').Skip(1).ToArray();
        var values = new double[labels.Length, labels.Length];
        for (int p = 0; p < labels.Length; p++)
        {
            var cells = lines[p + 1].Split(',');
            for (int t = 0; t < labels.Length; t++) values[p, t] = double.Parse(cells[cells.Length - labels.Length + t], CultureInfo.InvariantCulture);
        }
        return (labels, values);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Detection;

/// <summary>What <see cref="CocoConverter.Convert"/> did.</summary>
public sealed record CocoConversionResult(int Images, int Boxes, int SkippedCrowd, int SkippedInvalid, IReadOnlyList<string> Names,
    IReadOnlyList<int> CategoryIds, string NamesPath);

/// <summary>
/// COCO instances json to YOLO txt labels: one <c>&lt;file stem&gt;.txt</c> per image (empty for an image without
/// boxes, i.e. a background), category ids mapped to 0..nc-1 in ascending id order, bbox [x, y, w, h] (top-left, pixels)
/// turned into a normalised centre and size (clipped to the image), crowd annotations (iscrowd = 1) and boxes of
/// zero size skipped. Also writes <c>names.yaml</c> (nc and names, ready to paste into a dataset.yaml).
/// </summary>
public static class CocoConverter
{
    public static CocoConversionResult Convert(string jsonPath, string outDir)
    {
        if (!File.Exists(jsonPath)) throw new DatasetException(jsonPath, $"COCO file '{jsonPath}' does not exist");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        }
        catch (JsonException e)
        {
            throw new DatasetException(jsonPath, $"{jsonPath}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            JsonElement Array(string key) =>
                root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array
                    ? v : throw new DatasetException(jsonPath, $"{jsonPath}: no '{key}' array (is this a COCO instances file?)");

            var categories = Array("categories").EnumerateArray()
                .Select(c => (Id: c.GetProperty("id").GetInt32(), Name: c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : ""))
                .OrderBy(c => c.Id).ToList();
            var idToClass = new Dictionary<int, int>();
            for (int i = 0; i < categories.Count; i++)
                if (!idToClass.TryAdd(categories[i].Id, i)) throw new DatasetException(jsonPath, $"{jsonPath}: category id {categories[i].Id} appears twice");

            var images = new Dictionary<long, (string File, double W, double H)>();
            foreach (var im in Array("images").EnumerateArray())
                images[im.GetProperty("id").GetInt64()] = (im.GetProperty("file_name").GetString() ?? "", im.GetProperty("width").GetDouble(), im.GetProperty("height").GetDouble());

            var lines = images.Keys.ToDictionary(k => k, _ => new StringBuilder());
            int boxes = 0, crowd = 0, invalid = 0;
            foreach (var a in Array("annotations").EnumerateArray())
            {
                if (a.TryGetProperty("iscrowd", out var ic) && ic.ValueKind == JsonValueKind.Number && ic.GetInt32() != 0) { crowd++; continue; }
                long imageId = a.GetProperty("image_id").GetInt64();
                int cat = a.GetProperty("category_id").GetInt32();
                if (!images.TryGetValue(imageId, out var im) || !idToClass.TryGetValue(cat, out int cls) || !a.TryGetProperty("bbox", out var bb) || bb.GetArrayLength() != 4)
                {
                    invalid++;
                    continue;
                }
                double x = bb[0].GetDouble(), y = bb[1].GetDouble(), w = bb[2].GetDouble(), h = bb[3].GetDouble();
                double x1 = Math.Clamp(x, 0, im.W), y1 = Math.Clamp(y, 0, im.H), x2 = Math.Clamp(x + w, 0, im.W), y2 = Math.Clamp(y + h, 0, im.H);
                if (x2 <= x1 || y2 <= y1 || im.W <= 0 || im.H <= 0) { invalid++; continue; }
                lines[imageId].Append(CultureInfo.InvariantCulture,
                    $"{cls} {(x1 + x2) / 2 / im.W:F6} {(y1 + y2) / 2 / im.H:F6} {(x2 - x1) / im.W:F6} {(y2 - y1) / im.H:F6}\n");
                boxes++;
            }

            Directory.CreateDirectory(outDir);
            foreach (var (id, im) in images)
                File.WriteAllText(Path.Combine(outDir, Path.GetFileNameWithoutExtension(im.File) + ".txt"), lines[id].ToString());
            var yaml = new StringBuilder();
            yaml.Append(CultureInfo.InvariantCulture, $"# from {Path.GetFileName(jsonPath)}: COCO category ids {string.Join(",", categories.Select(c => c.Id))} -> 0..{categories.Count - 1}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"nc: {categories.Count}\nnames:\n");
            for (int i = 0; i < categories.Count; i++) yaml.Append(CultureInfo.InvariantCulture, $"  {i}: {Quote(categories[i].Name)}\n");
            string namesPath = Path.Combine(outDir, "names.yaml");
            File.WriteAllText(namesPath, yaml.ToString());
            return new CocoConversionResult(images.Count, boxes, crowd, invalid, categories.Select(c => c.Name).ToArray(),
                categories.Select(c => c.Id).ToArray(), namesPath);
        }
    }

    private static string Quote(string name) =>
        name.Length > 0 && name.All(ch => char.IsLetterOrDigit(ch) || ch is '_' or '-' or ' ') && !char.IsWhiteSpace(name[0]) && !char.IsWhiteSpace(name[^1])
            ? name : "'" + name.Replace("'", "''") + "'";
}

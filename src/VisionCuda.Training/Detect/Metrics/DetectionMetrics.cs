using VisionCuda.Training.Detect.Nms;

namespace VisionCuda.Training.Detect.Metrics;

/// <summary>Settings of <see cref="DetectionMetrics"/>.</summary>
public sealed record DetectionMetricsOptions
{
    /// <summary>COCO maxDets: the highest-scoring predictions kept per image and class for mAP (100).</summary>
    public int MaxDets { get; init; } = 100;

    /// <summary>Confidence a prediction must exceed to enter the confusion matrix (Ultralytics: 0.25).</summary>
    public float ConfusionConf { get; init; } = 0.25f;

    /// <summary>IoU a pair must exceed to match in the confusion matrix (Ultralytics: 0.45).</summary>
    public float ConfusionIou { get; init; } = 0.45f;
}

/// <summary>What <see cref="DetectionMetrics.Compute"/> returns. Per-class arrays have nc entries, NaN for
/// classes without ground truth.</summary>
public sealed class DetectionMetricsResult
{
    /// <summary>COCO mAP at IoU 0.50 (pycocotools stats[1]).</summary>
    public double MAP50 { get; init; }

    /// <summary>COCO mAP at IoU 0.50:0.05:0.95 (pycocotools stats[0]).</summary>
    public double MAP5095 { get; init; }

    /// <summary>Mean precision over classes with ground truth, at the max-F1 confidence (IoU 0.5).</summary>
    public double Precision { get; init; }

    /// <summary>Mean recall over classes with ground truth, at the max-F1 confidence (IoU 0.5).</summary>
    public double Recall { get; init; }

    /// <summary>The confidence (on the 1000-point grid 0..1) where the smoothed mean F1 peaks.</summary>
    public double MaxF1Confidence { get; init; }

    /// <summary>0.1 * mAP50 + 0.9 * mAP50-95 (the best-checkpoint criterion).</summary>
    public double Fitness => 0.1 * MAP50 + 0.9 * MAP5095;

    /// <summary>AP at IoU 0.5 per class (NaN without ground truth).</summary>
    public double[] PerClassAP50 { get; init; } = Array.Empty<double>();

    /// <summary>AP at IoU 0.50:0.95 per class (NaN without ground truth).</summary>
    public double[] PerClassAP5095 { get; init; } = Array.Empty<double>();

    /// <summary>Precision per class at the max-F1 confidence (NaN without ground truth).</summary>
    public double[] PerClassPrecision { get; init; } = Array.Empty<double>();

    /// <summary>Recall per class at the max-F1 confidence (NaN without ground truth).</summary>
    public double[] PerClassRecall { get; init; } = Array.Empty<double>();

    /// <summary>Ground-truth boxes per class.</summary>
    public int[] GroundTruthCount { get; init; } = Array.Empty<int>();

    /// <summary>Predictions per class (all that were added).</summary>
    public int[] PredictionCount { get; init; } = Array.Empty<int>();

    /// <summary>Images added.</summary>
    public int Images { get; init; }

    /// <summary>The confusion matrix (a copy; rows = predicted, columns = true, index nc = background).</summary>
    public ConfusionMatrix Confusion { get; init; } = null!;
}

/// <summary>
/// Detection metrics accumulator: mAP the way pycocotools' COCOeval computes it for boxes (area "all",
/// maxDets 100; checked against pycocotools within 1e-3), P and R at the max-F1 confidence in Ultralytics'
/// ap_per_class style, per-class AP and a confusion matrix.
/// <para>Per image and class, predictions are ranked by score (stable) and matched greedily to the unmatched
/// ground truth of highest IoU &gt;= t (IoU in double, no +1; on equal IoU the later gt), for the ten t of
/// numpy's linspace(0.5, 0.95, 10). Per class over all images (images in Add order), the first MaxDets of each
/// image are ranked by score (stable), precision is made monotone and sampled at recall linspace(0, 1, 101)
/// with searchsorted left; mAP is the mean over classes that have ground truth.</para>
/// </summary>
public sealed class DetectionMetrics
{
    private static readonly double[] IouThresholds = Linspace(0.5, 0.95, 10);
    private static readonly double[] RecallThresholds = Linspace(0.0, 1.0, 101);
    private const int T = 10;

    private readonly DetectionMetricsOptions _options;
    private readonly List<Entry>[] _entries;   // per class: every prediction, with its matches
    private readonly int[] _gtCount;
    private readonly int[] _predCount;
    private readonly ConfusionMatrix _confusion;
    private int _images;

    // One ranked prediction of one (image, class): score, image, rank inside the (image, class) list,
    // bit t set when matched at IouThresholds[t].
    private readonly record struct Entry(float Score, int Image, int Rank, ushort Matched);

    /// <summary>An empty accumulator for nc classes.</summary>
    public DetectionMetrics(int nc, DetectionMetricsOptions? options = null)
    {
        if (nc <= 0) throw new ArgumentOutOfRangeException(nameof(nc), "nc must be > 0");
        Nc = nc;
        _options = options ?? new DetectionMetricsOptions();
        if (_options.MaxDets <= 0) throw new ArgumentException("MaxDets must be > 0");
        _entries = Enumerable.Range(0, nc).Select(_ => new List<Entry>()).ToArray();
        _gtCount = new int[nc];
        _predCount = new int[nc];
        _confusion = new ConfusionMatrix(nc, _options.ConfusionConf, _options.ConfusionIou);
    }

    /// <summary>Number of classes.</summary>
    public int Nc { get; }

    /// <summary>Images added so far.</summary>
    public int ImageCount => _images;

    /// <summary>The ten IoU thresholds, exactly as pycocotools' Params.iouThrs (numpy linspace(.5, .95, 10)).</summary>
    public static IReadOnlyList<double> CocoIouThresholds => IouThresholds;

    /// <summary>The 101 recall thresholds, exactly as pycocotools' Params.recThrs.</summary>
    public static IReadOnlyList<double> CocoRecallThresholds => RecallThresholds;

    /// <summary>
    /// Adds one image: its predictions (x1, y1, x2, y2, score, class) and ground truth (class, x1, y1, x2, y2), both in
    /// the same (original image) pixels.
    /// </summary>
    public void Add(ReadOnlySpan<Detection> predictions, ReadOnlySpan<GroundTruthBox> groundTruth)
    {
        foreach (var d in predictions)
            if ((uint)d.Class >= (uint)Nc) throw new ArgumentException($"prediction class {d.Class} outside 0..{Nc - 1}");
        foreach (var g in groundTruth)
            if ((uint)g.Class >= (uint)Nc) throw new ArgumentException($"ground-truth class {g.Class} outside 0..{Nc - 1}");
        int image = _images++;
        _confusion.Process(predictions, groundTruth);
        for (int c = 0; c < Nc; c++)
        {
            var dts = new List<Detection>();
            foreach (var d in predictions) if (d.Class == c) dts.Add(d);
            var gts = new List<GroundTruthBox>();
            foreach (var g in groundTruth) if (g.Class == c) gts.Add(g);
            _gtCount[c] += gts.Count;
            _predCount[c] += dts.Count;
            if (dts.Count == 0) continue;
            // rank by score descending, stable (np.argsort(-scores, kind='mergesort'))
            var ranked = dts.Select((d, i) => (d, i)).OrderByDescending(p => p.d.Score).Select(p => p.d).ToArray();
            var matched = Match(ranked, gts);
            for (int r = 0; r < ranked.Length; r++)
                _entries[c].Add(new Entry(ranked[r].Score, image, r, matched[r]));
        }
    }

    /// <summary>Adds one image from flat rows: predictions n*6 (x1, y1, x2, y2, score, class), ground truth m*5 (class, x1, y1, x2, y2).</summary>
    public void Add(ReadOnlySpan<float> predictionRows, ReadOnlySpan<float> groundTruthRows)
    {
        if (predictionRows.Length % 6 != 0) throw new ArgumentException("prediction rows must be n*6 (x1, y1, x2, y2, score, class)");
        if (groundTruthRows.Length % 5 != 0) throw new ArgumentException("ground-truth rows must be m*5 (class, x1, y1, x2, y2)");
        var dets = new Detection[predictionRows.Length / 6];
        for (int i = 0; i < dets.Length; i++)
        {
            var r = predictionRows.Slice(6 * i, 6);
            dets[i] = new Detection(r[0], r[1], r[2], r[3], r[4], ClassOf(r[5]));
        }
        var gts = new GroundTruthBox[groundTruthRows.Length / 5];
        for (int i = 0; i < gts.Length; i++)
        {
            var r = groundTruthRows.Slice(5 * i, 5);
            gts[i] = new GroundTruthBox(ClassOf(r[0]), r[1], r[2], r[3], r[4]);
        }
        Add(dets, gts);
    }

    /// <summary>Forgets every image added.</summary>
    public void Reset()
    {
        foreach (var e in _entries) e.Clear();
        Array.Clear(_gtCount);
        Array.Clear(_predCount);
        _confusion.Reset();
        _images = 0;
    }

    /// <summary>The metrics over every image added so far.</summary>
    public DetectionMetricsResult Compute()
    {
        var ap50 = new double[Nc];
        var ap = new double[Nc];
        var pCls = new double[Nc];
        var rCls = new double[Nc];
        var withGt = new List<int>();
        var pCurves = new List<double[]>();
        var rCurves = new List<double[]>();
        for (int c = 0; c < Nc; c++)
        {
            if (_gtCount[c] == 0)
            {
                ap50[c] = ap[c] = pCls[c] = rCls[c] = double.NaN;
                continue;
            }
            withGt.Add(c);
            // all predictions of the class ranked by score (stable over image, then rank in image)
            var all = _entries[c].OrderByDescending(e => e.Score).ToList();
            var coco = all.Where(e => e.Rank < _options.MaxDets).ToList();
            double sum = 0, sum50 = 0;
            for (int t = 0; t < T; t++)
            {
                double a = CocoAp(coco, t, _gtCount[c]);
                sum += a;
                if (t == 0) sum50 = a;
            }
            ap50[c] = sum50;
            ap[c] = sum / T;
            var (pc, rc) = PrCurves(all, _gtCount[c]);
            pCurves.Add(pc);
            rCurves.Add(rc);
        }
        double map50 = withGt.Count > 0 ? withGt.Average(c => ap50[c]) : 0;
        double map = withGt.Count > 0 ? withGt.Average(c => ap[c]) : 0;
        // Ultralytics: F1 of each class's curves, mean over classes, box-smoothed, argmax -> P and R there
        double mp = 0, mr = 0, bestConf = 0;
        if (withGt.Count > 0)
        {
            var f1 = new double[Grid];
            for (int k = 0; k < withGt.Count; k++)
                for (int i = 0; i < Grid; i++)
                {
                    double p = pCurves[k][i], r = rCurves[k][i];
                    f1[i] += 2 * p * r / (p + r + 1e-16) / withGt.Count;
                }
            int best = ArgMax(Smooth(f1, 0.1));
            bestConf = GridX(best);
            for (int k = 0; k < withGt.Count; k++)
            {
                pCls[withGt[k]] = pCurves[k][best];
                rCls[withGt[k]] = rCurves[k][best];
            }
            mp = withGt.Average(c => pCls[c]);
            mr = withGt.Average(c => rCls[c]);
        }
        var confusion = new ConfusionMatrix(Nc, _confusion.Conf, _confusion.Iou);
        Array.Copy(_confusion.Matrix, confusion.Matrix, _confusion.Matrix.Length);
        return new DetectionMetricsResult
        {
            MAP50 = map50,
            MAP5095 = map,
            Precision = mp,
            Recall = mr,
            MaxF1Confidence = bestConf,
            PerClassAP50 = ap50,
            PerClassAP5095 = ap,
            PerClassPrecision = pCls,
            PerClassRecall = rCls,
            GroundTruthCount = (int[])_gtCount.Clone(),
            PredictionCount = (int[])_predCount.Clone(),
            Images = _images,
            Confusion = confusion,
        };
    }

    // COCOeval.evaluateImg matching for one (image, class): dts ranked by score, gts in order, no crowd/ignore.
    private static ushort[] Match(Detection[] dts, List<GroundTruthBox> gts)
    {
        var matched = new ushort[dts.Length];
        if (gts.Count == 0) return matched;
        var ious = new double[dts.Length, gts.Count];
        for (int d = 0; d < dts.Length; d++)
            for (int g = 0; g < gts.Count; g++)
                ious[d, g] = CocoIou(dts[d], gts[g]);
        var gtTaken = new bool[gts.Count];
        for (int t = 0; t < T; t++)
        {
            Array.Clear(gtTaken);
            for (int d = 0; d < dts.Length; d++)
            {
                double best = Math.Min(IouThresholds[t], 1 - 1e-10);
                int m = -1;
                for (int g = 0; g < gts.Count; g++)
                {
                    if (gtTaken[g]) continue;
                    if (ious[d, g] < best) continue;
                    best = ious[d, g];
                    m = g;
                }
                if (m < 0) continue;
                gtTaken[m] = true;
                matched[d] |= (ushort)(1 << t);
            }
        }
        return matched;
    }

    // pycocotools bbIou on xywh boxes built from the xyxy corners (w = x2 - x1 in double).
    internal static double CocoIou(Detection d, GroundTruthBox g)
    {
        double dx = d.X1, dy = d.Y1, dw = (double)d.X2 - d.X1, dh = (double)d.Y2 - d.Y1;
        double gx = g.X1, gy = g.Y1, gw = (double)g.X2 - g.X1, gh = (double)g.Y2 - g.Y1;
        double da = dw * dh, ga = gw * gh;
        double w = Math.Min(dw + dx, gw + gx) - Math.Max(dx, gx);
        if (w <= 0) return 0;
        double h = Math.Min(dh + dy, gh + gy) - Math.Max(dy, gy);
        if (h <= 0) return 0;
        double i = w * h;
        double u = da + ga - i;
        return i / u;
    }

    // COCOeval.accumulate for one class and threshold: mean of the 101-point interpolated precision.
    private static double CocoAp(List<Entry> ranked, int t, int npig)
    {
        int nd = ranked.Count;
        var rc = new double[nd];
        var pr = new double[nd];
        double tp = 0, fp = 0;
        double eps = Math.BitIncrement(1.0) - 1.0;   // np.spacing(1)
        for (int i = 0; i < nd; i++)
        {
            if ((ranked[i].Matched & (1 << t)) != 0) tp++;
            else fp++;
            rc[i] = tp / npig;
            pr[i] = tp / (fp + tp + eps);
        }
        for (int i = nd - 1; i > 0; i--)
            if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
        double sum = 0;
        int pi = 0;
        for (int ri = 0; ri < RecallThresholds.Length; ri++)
        {
            // searchsorted(rc, recThrs, side='left'): first index with rc >= threshold (rc is non-decreasing)
            while (pi < nd && rc[pi] < RecallThresholds[ri]) pi++;
            if (pi >= nd) break;
            sum += pr[pi];
        }
        return sum / RecallThresholds.Length;
    }

    private const int Grid = 1000;

    // np.linspace(0, 1, 1000)[i]
    private static double GridX(int i) => i == Grid - 1 ? 1.0 : i * (1.0 / (Grid - 1));

    // Ultralytics ap_per_class curves at IoU 0.5: recall / precision against confidence on the 1000-point grid,
    // np.interp(-x, -conf, values, left=0 for recall, 1 for precision).
    private static (double[] P, double[] R) PrCurves(List<Entry> ranked, int nl)
    {
        var p = new double[Grid];
        var r = new double[Grid];
        int n = ranked.Count;
        if (n == 0) return (p, r);
        var negConf = new double[n];
        var rec = new double[n];
        var prec = new double[n];
        double tpc = 0, fpc = 0;
        for (int i = 0; i < n; i++)
        {
            if ((ranked[i].Matched & 1) != 0) tpc++;
            else fpc++;
            negConf[i] = -(double)ranked[i].Score;
            rec[i] = tpc / (nl + 1e-16);
            prec[i] = tpc / (tpc + fpc);
        }
        for (int i = 0; i < Grid; i++)
        {
            double q = -GridX(i);
            r[i] = Interp(q, negConf, rec, 0.0);
            p[i] = Interp(q, negConf, prec, 1.0);
        }
        return (p, r);
    }

    // numpy.interp for increasing xp (duplicates allowed): left below xp[0], fp[^1] above xp[^1].
    internal static double Interp(double x, double[] xp, double[] fp, double left)
    {
        int n = xp.Length;
        if (x < xp[0]) return left;
        if (x >= xp[n - 1]) return fp[n - 1];
        // last j with xp[j] <= x (so xp[j] <= x < xp[j + 1])
        int lo = 0, hi = n - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >> 1;
            if (xp[mid] <= x) lo = mid;
            else hi = mid;
        }
        int j = lo;
        if (xp[j] == x) return fp[j];
        double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        return slope * (x - xp[j]) + fp[j];
    }

    // Ultralytics smooth(y, f): box filter of nf = round(len * f * 2) // 2 + 1 points, edges padded with the end values.
    internal static double[] Smooth(double[] y, double f)
    {
        int nf = (int)Math.Round(y.Length * f * 2, MidpointRounding.ToEven) / 2 + 1;
        int half = nf / 2;
        var padded = new double[y.Length + 2 * half];
        for (int i = 0; i < padded.Length; i++)
            padded[i] = i < half ? y[0] : i >= half + y.Length ? y[^1] : y[i - half];
        var result = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            double s = 0;
            for (int k = 0; k < nf; k++) s += padded[i + k];
            result[i] = s / nf;
        }
        return result;
    }

    private static int ArgMax(double[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    // numpy.linspace(start, stop, num): fl(fl(i * step) + start), the last one exactly stop.
    private static double[] Linspace(double start, double stop, int num)
    {
        double step = (stop - start) / (num - 1);
        var y = new double[num];
        for (int i = 0; i < num; i++) y[i] = i * step + start;
        y[num - 1] = stop;
        return y;
    }

    private static int ClassOf(float v)
    {
        int c = (int)MathF.Round(v);
        if (MathF.Abs(v - c) > 1e-3f) throw new ArgumentException($"class value {v} is not an integer");
        return c;
    }
}

using OpenCvSharp;
using VisionCuda.Vision.Data;

namespace VisionCuda.Vision.Detection;

/// <summary>Where a letterboxed image sits in its canvas: network pixel = source pixel * Ratio + Pad.</summary>
public readonly record struct LetterboxInfo(float RatioX, float RatioY, int PadLeft, int PadTop, int NewWidth, int NewHeight);

/// <summary>
/// Detection augmentation ops on 8-bit RGB HWC Mats with boxes in pixel corners, following Ultralytics'
/// semantics (LetterBox, RandomPerspective with box_candidates, Mosaic 4, MixUp, RandomFlip; RandomHSV is
/// <see cref="HsvAugment"/>). This is the Cpu oracle. Random draws come from the caller's
/// <see cref="RandomStream"/>, always the same number of draws per op whatever their outcome.
/// </summary>
public static class DetectAugment
{
    public const byte PadValue = 114;

    /// <summary>Ultralytics' load_image: scales so the longer side becomes <paramref name="imgsz"/> (sides are
    /// ceil'd, capped at imgsz); bilinear when augmenting or enlarging, area when shrinking for validation.</summary>
    public static Mat ResizeLongSide(Mat image, int imgsz, bool augment)
    {
        int h0 = image.Rows, w0 = image.Cols;
        double r = (double)imgsz / Math.Max(h0, w0);
        if (r == 1) return image.Clone();
        int w = Math.Max(1, Math.Min((int)Math.Ceiling(w0 * r), imgsz)), h = Math.Max(1, Math.Min((int)Math.Ceiling(h0 * r), imgsz));
        var dst = new Mat();
        Cv2.Resize(image, dst, new Size(w, h), 0, 0, augment || r > 1 ? InterpolationFlags.Linear : InterpolationFlags.Area);
        return dst;
    }

    /// <summary>Ultralytics' LetterBox (auto=False): scale to fit (never up unless <paramref name="scaleup"/>),
    /// round the new size half to even, pad with 114 (centred: top = round(dh - 0.1), bottom = round(dh + 0.1)).
    /// Boxes (pixels of <paramref name="image"/>) are mapped in place.</summary>
    public static Mat Letterbox(Mat image, int newHeight, int newWidth, List<PixelBox>? boxes, out LetterboxInfo info,
        bool scaleup = true, bool center = true)
    {
        int h = image.Rows, w = image.Cols;
        double r = Math.Min((double)newHeight / h, (double)newWidth / w);
        if (!scaleup) r = Math.Min(r, 1.0);
        int nw = (int)Math.Round(w * r, MidpointRounding.ToEven), nh = (int)Math.Round(h * r, MidpointRounding.ToEven);
        double dw = newWidth - nw, dh = newHeight - nh;
        if (center) { dw /= 2; dh /= 2; }
        int top = center ? (int)Math.Round(dh - 0.1, MidpointRounding.ToEven) : 0, bottom = (int)Math.Round(dh + 0.1, MidpointRounding.ToEven);
        int left = center ? (int)Math.Round(dw - 0.1, MidpointRounding.ToEven) : 0, right = (int)Math.Round(dw + 0.1, MidpointRounding.ToEven);
        using var resized = nw != w || nh != h ? new Mat() : null;
        if (resized != null) Cv2.Resize(image, resized, new Size(nw, nh), 0, 0, InterpolationFlags.Linear);
        var dst = new Mat();
        Cv2.CopyMakeBorder(resized ?? image, dst, top, bottom, left, right, BorderTypes.Constant, Scalar.All(PadValue));
        info = new LetterboxInfo((float)r, (float)r, left, top, nw, nh);
        if (boxes != null)
            for (int i = 0; i < boxes.Count; i++)
            {
                var b = boxes[i];
                boxes[i] = new PixelBox(b.Cls, (float)(b.X1 * r + left), (float)(b.Y1 * r + top), (float)(b.X2 * r + left), (float)(b.Y2 * r + top));
            }
        return dst;
    }

    /// <summary>Mirror left-right in place (image and boxes).</summary>
    public static void FlipLR(Mat image, List<PixelBox> boxes)
    {
        Cv2.Flip(image, image, FlipMode.Y);
        FlipBoxesLR(boxes, image.Cols);
    }

    /// <summary>Mirror up-down in place (image and boxes).</summary>
    public static void FlipUD(Mat image, List<PixelBox> boxes)
    {
        Cv2.Flip(image, image, FlipMode.X);
        FlipBoxesUD(boxes, image.Rows);
    }

    /// <summary>The box half of <see cref="FlipLR"/> for an image <paramref name="width"/> wide.</summary>
    public static void FlipBoxesLR(List<PixelBox> boxes, float width)
    {
        for (int i = 0; i < boxes.Count; i++) { var b = boxes[i]; boxes[i] = b with { X1 = width - b.X2, X2 = width - b.X1 }; }
    }

    /// <summary>The box half of <see cref="FlipUD"/> for an image <paramref name="height"/> tall.</summary>
    public static void FlipBoxesUD(List<PixelBox> boxes, float height)
    {
        for (int i = 0; i < boxes.Count; i++) { var b = boxes[i]; boxes[i] = b with { Y1 = height - b.Y2, Y2 = height - b.Y1 }; }
    }

    /// <summary>
    /// Ultralytics' RandomPerspective matrix M = T * S * R * P * C for an input of <paramref name="width"/> x
    /// <paramref name="height"/> and an output of outWidth x outHeight. Seven draws, in this order: perspective x, y;
    /// angle; scale; shear x, y; translation x, y (the last two are eight with the scale: nine draws in all).
    /// </summary>
    public static double[] PerspectiveMatrix(int width, int height, int outWidth, int outHeight, DetectAugmentOptions o,
        ref RandomStream rng, out double scale)
    {
        double px = rng.Uniform(-o.Perspective, o.Perspective), py = rng.Uniform(-o.Perspective, o.Perspective);
        double a = rng.Uniform(-o.Degrees, o.Degrees);
        double s = rng.Uniform(1 - o.Scale, 1 + o.Scale);
        double shx = rng.Uniform(-o.Shear, o.Shear), shy = rng.Uniform(-o.Shear, o.Shear);
        double tx = rng.Uniform(0.5 - o.Translate, 0.5 + o.Translate), ty = rng.Uniform(0.5 - o.Translate, 0.5 + o.Translate);
        scale = s;
        return PerspectiveMatrix(width, height, outWidth, outHeight, px, py, a, s, shx, shy, tx, ty);
    }

    /// <summary>The same matrix from explicit parameters (angle and shear in degrees, translation as a fraction of
    /// the output size, 0.5 = centred).</summary>
    public static double[] PerspectiveMatrix(int width, int height, int outWidth, int outHeight,
        double perspectiveX, double perspectiveY, double degrees, double scale, double shearX, double shearY, double translateX, double translateY)
    {
        double[] c = [1, 0, -width / 2.0, 0, 1, -height / 2.0, 0, 0, 1];
        double[] p = [1, 0, 0, 0, 1, 0, perspectiveX, perspectiveY, 1];
        double rad = degrees * Math.PI / 180, al = scale * Math.Cos(rad), be = scale * Math.Sin(rad);
        double[] r = [al, be, 0, -be, al, 0, 0, 0, 1];
        double[] sh = [1, Math.Tan(shearX * Math.PI / 180), 0, Math.Tan(shearY * Math.PI / 180), 1, 0, 0, 0, 1];
        double[] t = [1, 0, translateX * outWidth, 0, 1, translateY * outHeight, 0, 0, 1];
        return Warp.Multiply(t, Warp.Multiply(sh, Warp.Multiply(r, Warp.Multiply(p, c))));
    }

    /// <summary>Ultralytics' RandomPerspective: output size = input + 2 * border (border -S/2 after a mosaic crops
    /// the 2S canvas to S). Warps with our own <see cref="Warp"/> (border 114), maps the boxes through their four
    /// corners, clips them and drops degenerate ones (<see cref="BoxCandidate"/>).</summary>
    public static Mat RandomPerspective(Mat image, List<PixelBox> boxes, DetectAugmentOptions o, int borderX, int borderY, ref RandomStream rng)
    {
        int outW = image.Cols + 2 * borderX, outH = image.Rows + 2 * borderY;
        var m = PerspectiveMatrix(image.Cols, image.Rows, outW, outH, o, ref rng, out double s);
        return ApplyPerspective(image, boxes, m, s, outW, outH, o.Perspective != 0);
    }

    /// <summary>Warps image and boxes by <paramref name="m"/> (3x3). <paramref name="scale"/> is the s of the
    /// matrix, used by the area test of <see cref="BoxCandidate"/>.</summary>
    public static Mat ApplyPerspective(Mat image, List<PixelBox> boxes, double[] m, double scale, int outW, int outH, bool perspective)
    {
        var dst = WarpImage(image, m, outW, outH, perspective);
        TransformBoxes(boxes, m, scale, outW, outH, perspective);
        return dst;
    }

    /// <summary>The image half of <see cref="ApplyPerspective"/>: a copy for the identity at the same size (which is
    /// also what the warp gives), else <see cref="Warp"/>'s affine or perspective warp with border 114.</summary>
    public static Mat WarpImage(Mat image, double[] m, int outW, int outH, bool perspective)
    {
        bool identity = m[0] == 1 && m[1] == 0 && m[2] == 0 && m[3] == 0 && m[4] == 1 && m[5] == 0 && m[6] == 0 && m[7] == 0 && m[8] == 1;
        if (outW == image.Cols && outH == image.Rows && identity) return image.Clone();
        return perspective ? Warp.WarpPerspective(image, m, outW, outH) : Warp.WarpAffine(image, m, outW, outH);
    }

    /// <summary>Maps boxes through their corners, clips them to the output and keeps the candidates.</summary>
    public static void TransformBoxes(List<PixelBox> boxes, double[] m, double scale, int outW, int outH, bool perspective)
    {
        int k = 0;
        Span<double> xs = stackalloc double[4], ys = stackalloc double[4];
        for (int i = 0; i < boxes.Count; i++)
        {
            var b = boxes[i];
            xs[0] = b.X1; ys[0] = b.Y1; xs[1] = b.X2; ys[1] = b.Y2; xs[2] = b.X1; ys[2] = b.Y2; xs[3] = b.X2; ys[3] = b.Y1;
            double x1 = double.MaxValue, y1 = double.MaxValue, x2 = double.MinValue, y2 = double.MinValue;
            for (int c = 0; c < 4; c++)
            {
                double x = m[0] * xs[c] + m[1] * ys[c] + m[2], y = m[3] * xs[c] + m[4] * ys[c] + m[5];
                if (perspective)
                {
                    double w = m[6] * xs[c] + m[7] * ys[c] + m[8];
                    x /= w; y /= w;
                }
                x1 = Math.Min(x1, x); x2 = Math.Max(x2, x); y1 = Math.Min(y1, y); y2 = Math.Max(y2, y);
            }
            var after = new PixelBox(b.Cls, (float)x1, (float)y1, (float)x2, (float)y2).Clip(outW, outH);
            if (BoxCandidate(b.Width * (float)scale, b.Height * (float)scale, after.Width, after.Height))
                boxes[k++] = after;
        }
        boxes.RemoveRange(k, boxes.Count - k);
    }

    /// <summary>Ultralytics' box_candidates (wh_thr 2, ar_thr 100, area_thr 0.1, eps 1e-16): the box after
    /// augmentation is wider and taller than 2 px, keeps more than 10% of its (scaled) area and has an aspect ratio
    /// below 100.</summary>
    public static bool BoxCandidate(float w1, float h1, float w2, float h2, float whThr = 2, float arThr = 100, float areaThr = 0.1f)
    {
        const double eps = 1e-16;
        double ar = Math.Max(w2 / (h2 + eps), h2 / (w2 + eps));
        return w2 > whThr && h2 > whThr && w2 * (double)h2 / (w1 * (double)h1 + eps) > areaThr && ar < arThr;
    }

    /// <summary>
    /// Ultralytics' 4-image mosaic: a 2S x 2S canvas of 114 with the four images (each already resized so its
    /// longer side is S) around the centre (xc, yc), top-left, top-right, bottom-left, bottom-right. Boxes (pixels of
    /// each image) are shifted, clipped to the canvas, and zero-area ones removed.
    /// </summary>
    public static unsafe Mat Mosaic4(IReadOnlyList<Mat> images, IReadOnlyList<List<PixelBox>> boxes, int s, int xc, int yc, List<PixelBox> output)
    {
        if (images.Count != 4 || boxes.Count != 4) throw new ArgumentException("a mosaic takes 4 images");
        var canvas = new Mat(2 * s, 2 * s, MatType.CV_8UC3, Scalar.All(PadValue));
        for (int i = 0; i < 4; i++)
        {
            var img = images[i];
            int h = img.Rows, w = img.Cols;
            int x1a, y1a, x2a, y2a, x1b, y1b, x2b, y2b;
            switch (i)
            {
                case 0:
                    (x1a, y1a, x2a, y2a) = (Math.Max(xc - w, 0), Math.Max(yc - h, 0), xc, yc);
                    (x1b, y1b, x2b, y2b) = (w - (x2a - x1a), h - (y2a - y1a), w, h);
                    break;
                case 1:
                    (x1a, y1a, x2a, y2a) = (xc, Math.Max(yc - h, 0), Math.Min(xc + w, 2 * s), yc);
                    (x1b, y1b, x2b, y2b) = (0, h - (y2a - y1a), Math.Min(w, x2a - x1a), h);
                    break;
                case 2:
                    (x1a, y1a, x2a, y2a) = (Math.Max(xc - w, 0), yc, xc, Math.Min(2 * s, yc + h));
                    (x1b, y1b, x2b, y2b) = (w - (x2a - x1a), 0, w, Math.Min(y2a - y1a, h));
                    break;
                default:
                    (x1a, y1a, x2a, y2a) = (xc, yc, Math.Min(xc + w, 2 * s), Math.Min(2 * s, yc + h));
                    (x1b, y1b, x2b, y2b) = (0, 0, Math.Min(w, x2a - x1a), Math.Min(y2a - y1a, h));
                    break;
            }
            int cw = Math.Min(x2a - x1a, x2b - x1b), ch = Math.Min(y2a - y1a, y2b - y1b);
            if (cw > 0 && ch > 0)
            {
                using var src = new Mat(img, new Rect(x1b, y1b, cw, ch));
                using var dst = new Mat(canvas, new Rect(x1a, y1a, cw, ch));
                src.CopyTo(dst);
            }
            float padw = x1a - x1b, padh = y1a - y1b;
            foreach (var b in boxes[i])
            {
                var c = new PixelBox(b.Cls, b.X1 + padw, b.Y1 + padh, b.X2 + padw, b.Y2 + padh).Clip(2 * s, 2 * s);
                if (c.Width > 0 && c.Height > 0) output.Add(c);
            }
        }
        return canvas;
    }

    /// <summary>MixUp in place: a = trunc(a * r + b * (1 - r)) with r from Beta(32, 32) (Ultralytics); returns r.</summary>
    public static unsafe double Mixup(Mat a, Mat b, ref RandomStream rng)
    {
        double r = rng.Beta(32, 32);
        Blend(a, b, r);
        return r;
    }

    public static unsafe void Blend(Mat a, Mat b, double r)
    {
        if (a.Size() != b.Size() || a.Type() != b.Type()) throw new ArgumentException("mixup images must have the same size and type");
        int n = a.Rows * a.Cols * a.Channels();
        if (!a.IsContinuous() || !b.IsContinuous()) throw new ArgumentException("mixup needs continuous images");
        byte* pa = a.DataPointer, pb = b.DataPointer;
        float rf = (float)r, rg = (float)(1 - r);
        for (int i = 0; i < n; i++) pa[i] = (byte)(pa[i] * rf + pb[i] * rg);
    }
}

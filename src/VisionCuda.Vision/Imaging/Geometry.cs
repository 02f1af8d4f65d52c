using OpenCvSharp;

namespace VisionCuda.Vision.Imaging;

/// <summary>
/// Deterministic geometric helpers shared by the train and val transforms. All return new Mats (caller disposes)
/// and use bilinear interpolation, as torchvision's classify transforms do.
/// </summary>
public static class Geometry
{
    /// <summary>Resizes so the shorter side becomes <paramref name="size"/>, keeping the aspect ratio
    /// (torchvision Resize(int)).</summary>
    public static Mat ResizeShorter(Mat image, int size)
    {
        int h = image.Rows, w = image.Cols;
        int nh, nw;
        if (h <= w) { nh = size; nw = Math.Max(1, (int)((long)size * w / h)); }
        else { nw = size; nh = Math.Max(1, (int)((long)size * h / w)); }
        return Resize(image, nw, nh);
    }

    /// <summary>Centre crop to size x size (torchvision CenterCrop: the top-left is rounded from the centre
    /// offset); pads with zeros when the image is smaller.</summary>
    public static Mat CenterCrop(Mat image, int size)
    {
        int h = image.Rows, w = image.Cols;
        if (h < size || w < size)
        {
            int padTop = Math.Max(0, (size - h) / 2), padLeft = Math.Max(0, (size - w) / 2);
            using var padded = new Mat();
            Cv2.CopyMakeBorder(image, padded, padTop, Math.Max(0, size - h - padTop), padLeft, Math.Max(0, size - w - padLeft),
                BorderTypes.Constant, Scalar.All(0));
            return CenterCrop(padded, size);
        }
        int top = (int)Math.Round((h - size) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((w - size) / 2.0, MidpointRounding.ToEven);
        return new Mat(image, new Rect(left, top, size, size)).Clone();
    }

    /// <summary>Crops <paramref name="box"/> and resizes it to width x height.</summary>
    public static Mat CropResize(Mat image, Rect box, int width, int height)
    {
        using var roi = new Mat(image, box);
        return Resize(roi, width, height);
    }

    public static Mat Resize(Mat image, int width, int height)
    {
        var dst = new Mat();
        if (image.Cols == width && image.Rows == height) image.CopyTo(dst);
        else Cv2.Resize(image, dst, new Size(width, height), 0, 0, InterpolationFlags.Linear);
        return dst;
    }

    /// <summary>Rotates about the centre by <paramref name="degrees"/> (counter-clockwise), same size, zero fill.</summary>
    public static Mat Rotate(Mat image, double degrees)
    {
        var center = new Point2f((image.Cols - 1) * 0.5f, (image.Rows - 1) * 0.5f);
        using var m = Cv2.GetRotationMatrix2D(center, degrees, 1.0);
        var dst = new Mat();
        Cv2.WarpAffine(image, dst, m, image.Size(), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        return dst;
    }
}

namespace VisionCuda.Vision.Detection;

/// <summary>One YOLO label: class and the box centre/size normalised to the image (0..1).</summary>
public readonly record struct YoloBox(int Cls, float Cx, float Cy, float W, float H)
{
    public PixelBox ToPixels(float width, float height) =>
        new(Cls, (Cx - W / 2) * width, (Cy - H / 2) * height, (Cx + W / 2) * width, (Cy + H / 2) * height);
}

/// <summary>A box in pixel corners (x1, y1, x2, y2) with its class: the form augmentation works in.</summary>
public record struct PixelBox(int Cls, float X1, float Y1, float X2, float Y2)
{
    public readonly float Width => X2 - X1;
    public readonly float Height => Y2 - Y1;

    public readonly YoloBox ToYolo(float width, float height) =>
        new(Cls, (X1 + X2) / 2 / width, (Y1 + Y2) / 2 / height, (X2 - X1) / width, (Y2 - Y1) / height);

    public readonly PixelBox Clip(float width, float height) =>
        new(Cls, Math.Clamp(X1, 0, width), Math.Clamp(Y1, 0, height), Math.Clamp(X2, 0, width), Math.Clamp(Y2, 0, height));
}

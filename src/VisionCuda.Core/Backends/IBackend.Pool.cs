namespace VisionCuda.Backends;

/// <summary>Max and average pooling, forward and backward. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>Max pooling; <paramref name="indices"/> (Int32) gets the flat h*W+w index of each max inside its plane.</summary>
    void MaxPool2dForward(in Pool2dGeometry g, Storage x, Storage y, Storage indices);

    void MaxPool2dBackward(in Pool2dGeometry g, Storage dy, Storage indices, Storage dx);

    void AvgPool2dForward(in Pool2dGeometry g, Storage x, Storage y);

    void AvgPool2dBackward(in Pool2dGeometry g, Storage dy, Storage dx);
}

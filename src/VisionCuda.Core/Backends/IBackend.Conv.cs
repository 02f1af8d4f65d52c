namespace VisionCuda.Backends;

/// <summary>2-D convolution forward and its two backwards. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>y [N,K,OH,OW] = conv(x [N,C,H,W], w [K,C/g,R,S]) (+ bias [K] when given).</summary>
    void Conv2dForward(in Conv2dGeometry g, Storage x, Storage w, Storage? bias, Storage y);

    /// <summary>dx [N,C,H,W] from dy [N,K,OH,OW] and w. Overwrites dx.</summary>
    void Conv2dBackwardData(in Conv2dGeometry g, Storage dy, Storage w, Storage dx);

    /// <summary>dw [K,C/g,R,S] (and dbias [K] when given) from x and dy. Overwrites dw and dbias.</summary>
    void Conv2dBackwardWeight(in Conv2dGeometry g, Storage x, Storage dy, Storage dw, Storage? dbias);
}

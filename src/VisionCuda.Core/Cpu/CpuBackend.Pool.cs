using VisionCuda.Cpu.Diagnostics;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// Pooling, parallel over the N*C planes: every plane (forward output or backward input gradient) is written by
/// one work item, and backward scatter-adds run in a fixed order inside a plane, so results are deterministic.
/// Window bounds are computed once per output row and column (<see cref="PoolWindows"/>).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void MaxPool2dForward(in Pool2dGeometry g, Storage x, Storage y, Storage indices)
    {
        using var profiled = Time("maxpool.fwd");
        var win = PoolWindows.Create(g);
        float* px = P(x), py = P(y);
        int* pi = PI(indices);
        long inPlane = (long)g.H * g.W, outPlane = (long)win.OutH * win.OutW;
        int w = g.W;
        CpuParallel.For(Threads, (long)g.N * g.C, CpuParallel.GrainFor(outPlane * g.KernelH * g.KernelW), (s, e) =>
        {
            for (long p = s; p < e; p++)
            {
                float* xp = px + p * inPlane;
                float* yp = py + p * outPlane;
                int* ip = pi + p * outPlane;
                for (int oh = 0; oh < win.OutH; oh++)
                {
                    int h0 = win.H0[oh], h1 = win.H1[oh];
                    for (int ow = 0; ow < win.OutW; ow++)
                    {
                        int w0 = win.W0[ow], w1 = win.W1[ow];
                        var (best, bi) = PoolWindows.MaxInWindow(xp, w, h0, h1, w0, w1);
                        yp[oh * win.OutW + ow] = best;
                        ip[oh * win.OutW + ow] = bi;
                    }
                }
            }
        });
    }

    public void MaxPool2dBackward(in Pool2dGeometry g, Storage dy, Storage indices, Storage dx)
    {
        using var profiled = Time("maxpool.bwd");
        float* pdy = P(dy), pdx = P(dx);
        int* pi = PI(indices);
        long inPlane = (long)g.H * g.W, outPlane = (long)g.OutH * g.OutW;
        CpuParallel.For(Threads, (long)g.N * g.C, CpuParallel.GrainFor(inPlane + outPlane), (s, e) =>
        {
            for (long p = s; p < e; p++)
            {
                float* d = pdx + p * inPlane;
                new Span<float>(d, (int)inPlane).Clear();
                float* gp = pdy + p * outPlane;
                int* ip = pi + p * outPlane;
                for (long k = 0; k < outPlane; k++) d[ip[k]] += gp[k];
            }
        });
    }

    public void AvgPool2dForward(in Pool2dGeometry g, Storage x, Storage y)
    {
        using var profiled = Time("avgpool.fwd");
        var win = PoolWindows.Create(g);
        float* px = P(x), py = P(y);
        long inPlane = (long)g.H * g.W, outPlane = (long)win.OutH * win.OutW;
        int w = g.W;
        CpuParallel.For(Threads, (long)g.N * g.C, CpuParallel.GrainFor(outPlane * g.KernelH * g.KernelW), (s, e) =>
        {
            for (long p = s; p < e; p++)
            {
                float* xp = px + p * inPlane;
                float* yp = py + p * outPlane;
                for (int oh = 0; oh < win.OutH; oh++)
                {
                    int h0 = win.H0[oh], h1 = win.H1[oh];
                    for (int ow = 0; ow < win.OutW; ow++)
                    {
                        int w0 = win.W0[ow], w1 = win.W1[ow];
                        int div = win.Divisor(oh, ow);
                        if (div == 0)
                        {
                            yp[oh * win.OutW + ow] = 0f;
                            continue;
                        }
                        float sum = 0f;
                        for (int ih = h0; ih < h1; ih++)
                        {
                            float* row = xp + ih * w;
                            for (int iw = w0; iw < w1; iw++) sum += row[iw];
                        }
                        yp[oh * win.OutW + ow] = sum / div;
                    }
                }
            }
        });
    }

    public void AvgPool2dBackward(in Pool2dGeometry g, Storage dy, Storage dx)
    {
        using var profiled = Time("avgpool.bwd");
        var win = PoolWindows.Create(g);
        float* pdy = P(dy), pdx = P(dx);
        long inPlane = (long)g.H * g.W, outPlane = (long)win.OutH * win.OutW;
        int w = g.W;
        CpuParallel.For(Threads, (long)g.N * g.C, CpuParallel.GrainFor(inPlane + outPlane * g.KernelH * g.KernelW), (s, e) =>
        {
            for (long p = s; p < e; p++)
            {
                float* d = pdx + p * inPlane;
                new Span<float>(d, (int)inPlane).Clear();
                float* gp = pdy + p * outPlane;
                for (int oh = 0; oh < win.OutH; oh++)
                {
                    int h0 = win.H0[oh], h1 = win.H1[oh];
                    for (int ow = 0; ow < win.OutW; ow++)
                    {
                        int w0 = win.W0[ow], w1 = win.W1[ow];
                        int div = win.Divisor(oh, ow);
                        if (div == 0) continue;
                        float v = gp[oh * win.OutW + ow] / div;
                        for (int ih = h0; ih < h1; ih++)
                        {
                            float* row = d + ih * w;
                            for (int iw = w0; iw < w1; iw++) row[iw] += v;
                        }
                    }
                }
            }
        });
    }
}

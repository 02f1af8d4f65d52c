using VisionCuda.Cpu.Diagnostics;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// Nearest and bilinear resize of [planes, H, W], parallel over planes. Source taps are tabulated once per output
/// row and column (<see cref="ResizeTaps"/>, PyTorch's index formulas). Backwards scatter-add inside a plane in a
/// fixed order, one work item per plane, so they are deterministic.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void Upsample(InterpolationMode mode, bool alignCorners, Storage x, Storage y, long planes, int h, int w, int outH, int outW)
    {
        using var profiled = Time("upsample");
        float* px = P(x), py = P(y);
        long inPlane = (long)h * w, outPlane = (long)outH * outW;
        long grain = CpuParallel.GrainFor(outPlane * (mode == InterpolationMode.Bilinear ? 4 : 1));
        if (mode == InterpolationMode.Nearest)
        {
            var th = ResizeTaps.Nearest(h, outH);
            var tw = ResizeTaps.Nearest(w, outW);
            CpuParallel.For(Threads, planes, grain, (s, e) =>
            {
                for (long p = s; p < e; p++)
                {
                    float* xp = px + p * inPlane;
                    float* yp = py + p * outPlane;
                    for (int i = 0; i < outH; i++)
                    {
                        float* src = xp + th[i] * w;
                        float* dst = yp + i * outW;
                        for (int j = 0; j < outW; j++) dst[j] = src[tw[j]];
                    }
                }
            });
            return;
        }
        var bh = ResizeTaps.Bilinear(h, outH, alignCorners);
        var bw = ResizeTaps.Bilinear(w, outW, alignCorners);
        CpuParallel.For(Threads, planes, grain, (s, e) =>
        {
            for (long p = s; p < e; p++)
            {
                float* xp = px + p * inPlane;
                float* yp = py + p * outPlane;
                for (int i = 0; i < outH; i++)
                {
                    float* r0 = xp + bh.I0[i] * w;
                    float* r1 = xp + bh.I1[i] * w;
                    float lh0 = bh.L0[i], lh1 = bh.L1[i];
                    float* dst = yp + i * outW;
                    for (int j = 0; j < outW; j++)
                    {
                        int w0 = bw.I0[j], w1 = bw.I1[j];
                        float lw0 = bw.L0[j], lw1 = bw.L1[j];
                        dst[j] = lh0 * (lw0 * r0[w0] + lw1 * r0[w1]) + lh1 * (lw0 * r1[w0] + lw1 * r1[w1]);
                    }
                }
            }
        });
    }

    public void UpsampleBackward(InterpolationMode mode, bool alignCorners, Storage dy, Storage dx, long planes, int h, int w, int outH, int outW)
    {
        using var profiled = Time("upsample.bwd");
        float* pdy = P(dy), pdx = P(dx);
        long inPlane = (long)h * w, outPlane = (long)outH * outW;
        long grain = CpuParallel.GrainFor(inPlane + outPlane * (mode == InterpolationMode.Bilinear ? 4 : 1));
        if (mode == InterpolationMode.Nearest)
        {
            var th = ResizeTaps.Nearest(h, outH);
            var tw = ResizeTaps.Nearest(w, outW);
            CpuParallel.For(Threads, planes, grain, (s, e) =>
            {
                for (long p = s; p < e; p++)
                {
                    float* d = pdx + p * inPlane;
                    new Span<float>(d, (int)inPlane).Clear();
                    float* gp = pdy + p * outPlane;
                    for (int i = 0; i < outH; i++)
                    {
                        float* dst = d + th[i] * w;
                        float* src = gp + i * outW;
                        for (int j = 0; j < outW; j++) dst[tw[j]] += src[j];
                    }
                }
            });
            return;
        }
        var bh = ResizeTaps.Bilinear(h, outH, alignCorners);
        var bw = ResizeTaps.Bilinear(w, outW, alignCorners);
        CpuParallel.For(Threads, planes, grain, (s, e) =>
        {
            for (long p = s; p < e; p++)
            {
                float* d = pdx + p * inPlane;
                new Span<float>(d, (int)inPlane).Clear();
                float* gp = pdy + p * outPlane;
                for (int i = 0; i < outH; i++)
                {
                    float* r0 = d + bh.I0[i] * w;
                    float* r1 = d + bh.I1[i] * w;
                    float lh0 = bh.L0[i], lh1 = bh.L1[i];
                    float* src = gp + i * outW;
                    for (int j = 0; j < outW; j++)
                    {
                        int w0 = bw.I0[j], w1 = bw.I1[j];
                        float lw0 = bw.L0[j], lw1 = bw.L1[j], g = src[j];
                        r0[w0] += lh0 * lw0 * g;
                        r0[w1] += lh0 * lw1 * g;
                        r1[w0] += lh1 * lw0 * g;
                        r1[w1] += lh1 * lw1 * g;
                    }
                }
            }
        });
    }
}

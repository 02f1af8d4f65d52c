using VisionCuda.Cpu.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using VisionCuda.Backends;
using VisionCuda.Cpu.Kernels;

namespace VisionCuda.Cpu;

/// <summary>
/// Batch-norm over [N, C, HW]. Statistics are reduced per channel by one work item, plane by plane in order, with
/// float blocks and double accumulation (two passes: mean, then sum of squared deviations), so they are accurate
/// and bitwise repeatable. The normalisation is y = x*scale + shift per (n, c) plane, the same alpha/beta form
/// PyTorch's CPU kernel uses.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void BatchNormTrain(Storage x, Storage gamma, Storage beta, Storage y, Storage saveMean, Storage saveInvStd,
                               Storage runningMean, Storage runningVar, int n, int c, long hw, float momentum, float eps)
    {
        using var profiled = Time("bn.fwd");
        float* px = P(x), py = P(y), pg = P(gamma), pb = P(beta);
        float* sm = P(saveMean), si = P(saveInvStd), rm = P(runningMean), rv = P(runningVar);
        long count = n * hw;
        var scale = new float[c];
        var shift = new float[c];
        CpuParallel.For(Threads, c, CpuParallel.GrainFor(2 * count), (s, e) =>
        {
            for (long ch = s; ch < e; ch++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += SumKernel.Sum(px + (i * c + ch) * hw, hw);
                double mean = sum / count;
                double sq = 0;
                for (int i = 0; i < n; i++) sq += SumKernel.SumSquaredDiff(px + (i * c + ch) * hw, hw, (float)mean);
                double var = sq / count;
                double invStd = 1.0 / Math.Sqrt(var + eps);
                double unbiased = count > 1 ? sq / (count - 1) : var;
                sm[ch] = (float)mean;
                si[ch] = (float)invStd;
                rm[ch] = (float)((1.0 - momentum) * rm[ch] + momentum * mean);
                rv[ch] = (float)((1.0 - momentum) * rv[ch] + momentum * unbiased);
                float a = (float)invStd * pg[ch];
                scale[ch] = a;
                shift[ch] = pb[ch] - (float)mean * a;
            }
        });
        ScaleShiftPlanes(px, py, scale, shift, n, c, hw);
    }

    public void BatchNormEval(Storage x, Storage gamma, Storage beta, Storage y, Storage runningMean, Storage runningVar,
                              int n, int c, long hw, float eps)
    {
        using var profiled = Time("bn.eval");
        float* px = P(x), py = P(y), pg = P(gamma), pb = P(beta), rm = P(runningMean), rv = P(runningVar);
        var scale = new float[c];
        var shift = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            float a = (float)(1.0 / Math.Sqrt(rv[ch] + (double)eps)) * pg[ch];
            scale[ch] = a;
            shift[ch] = pb[ch] - rm[ch] * a;
        }
        ScaleShiftPlanes(px, py, scale, shift, n, c, hw);
    }

    /// <summary>y[n, c, :] = x[n, c, :] * scale[c] + shift[c], parallel over planes.</summary>
    private void ScaleShiftPlanes(float* x, float* y, float[] scale, float[] shift, int n, int c, long hw)
    {
        int len = checked((int)hw);
        CpuParallel.For(Threads, (long)n * c, CpuParallel.GrainFor(hw), (s, e) =>
        {
            for (long p = s; p < e; p++)
            {
                // One pass, x*scale + shift rounded once (FMA) per element; the tail goes through the same vector code.
                int ch = (int)(p % c);
                VectorMap.Run(new ScaleShiftMap(scale[ch], shift[ch]), x + p * hw, y + p * hw, len);
            }
        });
    }

    public void BatchNormBackward(Storage x, Storage dy, Storage gamma, Storage saveMean, Storage saveInvStd,
                                  Storage dx, Storage dgamma, Storage dbeta, int n, int c, long hw)
    {
        using var profiled = Time("bn.bwd");
        float* px = P(x), pdy = P(dy), pg = P(gamma), sm = P(saveMean), si = P(saveInvStd);
        float* pdx = P(dx), pdg = P(dgamma), pdb = P(dbeta);
        long count = n * hw;
        var meanDy = new float[c];
        var k = new float[c];
        CpuParallel.For(Threads, c, CpuParallel.GrainFor(2 * count), (s, e) =>
        {
            for (long ch = s; ch < e; ch++)
            {
                double sumDy = 0, dot = 0;
                for (int i = 0; i < n; i++)
                {
                    long off = (i * c + ch) * hw;
                    var (a, b) = SumKernel.SumDyAndDyXc(pdy + off, px + off, hw, sm[ch]);
                    sumDy += a;
                    dot += b;
                }
                double invStd = si[ch];
                pdb[ch] = (float)sumDy;
                pdg[ch] = (float)(dot * invStd);
                meanDy[ch] = (float)(sumDy / count);
                k[ch] = (float)(dot * invStd * invStd / count);
            }
        });
        // dx = (dy - mean(dy) - (x - mean) * k) * invStd * gamma, k = sum(dy*(x-mean)) * invStd^2 / M (PyTorch's form).
        int len = checked((int)hw);
        CpuParallel.For(Threads, (long)n * c, CpuParallel.GrainFor(hw), (s, e) =>
        {
            for (long p = s; p < e; p++)
            {
                int ch = (int)(p % c);
                float* xr = px + p * hw, gr = pdy + p * hw, dr = pdx + p * hw;
                var vm = Vector256.Create(sm[ch]);
                var vk = Vector256.Create(k[ch]);
                var vmd = Vector256.Create(meanDy[ch]);
                float w = si[ch] * pg[ch];
                var vw = Vector256.Create(w);
                int i = 0;
                for (; i + 8 <= len; i += 8)
                {
                    var t = (Vector256.Load(xr + i) - vm) * vk;
                    ((Vector256.Load(gr + i) - vmd - t) * vw).Store(dr + i);
                }
                for (; i < len; i++) dr[i] = (gr[i] - meanDy[ch] - (xr[i] - sm[ch]) * k[ch]) * w;
            }
        });
    }
}

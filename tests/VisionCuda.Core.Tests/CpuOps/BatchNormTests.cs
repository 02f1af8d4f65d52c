namespace VisionCuda.Core.Tests.CpuOps;

public class BatchNormTests
{
    [Theory]
    [InlineData(3, 5, 7 * 9)]
    [InlineData(2, 3, 1)]
    [InlineData(1, 2, 40_001)]
    public void Train_eval_backward_match_double_loops(int n, int c, int hw)
    {
        int total = n * c * hw;
        var x = H.Rand(total, 40, -2f, 5f);
        var gamma = H.Rand(c, 41, 0.5f, 1.5f);
        var beta = H.Rand(c, 42);
        var rm0 = H.Rand(c, 43);
        var rv0 = H.Rand(c, 44, 0.5f, 2f);
        var dy = H.Rand(total, 45);
        const float momentum = 0.1f, eps = 1e-5f;
        int m = n * hw;

        var mean = new double[c];
        var var = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double s = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < hw; k++) s += x[(i * c + ch) * hw + k];
            mean[ch] = s / m;
            double q = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < hw; k++) q += Math.Pow(x[(i * c + ch) * hw + k] - mean[ch], 2);
            var[ch] = q / m;
        }
        int At(int i, int ch, int k) => (i * c + ch) * hw + k;
        var expY = new double[total];
        var expDx = new double[total];
        var expDg = new double[c];
        var expDb = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double inv = 1 / Math.Sqrt(var[ch] + eps);
            double sdy = 0, sdyx = 0;
            for (int i = 0; i < n; i++)
            for (int k = 0; k < hw; k++)
            {
                double xh = (x[At(i, ch, k)] - mean[ch]) * inv;
                expY[At(i, ch, k)] = xh * gamma[ch] + beta[ch];
                sdy += dy[At(i, ch, k)];
                sdyx += dy[At(i, ch, k)] * xh;
            }
            expDb[ch] = sdy;
            expDg[ch] = sdyx;
            for (int i = 0; i < n; i++)
            for (int k = 0; k < hw; k++)
            {
                double xh = (x[At(i, ch, k)] - mean[ch]) * inv;
                expDx[At(i, ch, k)] = gamma[ch] * inv / m * (m * dy[At(i, ch, k)] - sdy - xh * sdyx);
            }
        }

        var sx = H.Up(x);
        var sg = H.Up(gamma);
        var sb = H.Up(beta);
        var y = H.Empty(total);
        var saveMean = H.Empty(c);
        var saveInv = H.Empty(c);
        var rm = H.Up(rm0);
        var rv = H.Up(rv0);
        H.Cpu.BatchNormTrain(sx, sg, sb, y, saveMean, saveInv, rm, rv, n, c, hw, momentum, eps);
        H.Close(expY, H.Down(y, total), H.RedRel, H.RedAbs, "y");
        H.Close(mean, H.Down(saveMean, c), H.RedRel, H.RedAbs, "saveMean");
        H.Close(var.Select(v => 1 / Math.Sqrt(v + eps)).ToArray(), H.Down(saveInv, c), H.RedRel, H.RedAbs, "saveInvStd");
        double unb = m > 1 ? (double)m / (m - 1) : 1;
        H.Close(rm0.Select((r, ch) => (1 - momentum) * r + momentum * mean[ch]).ToArray(), H.Down(rm, c), H.RedRel, H.RedAbs, "runningMean");
        H.Close(rv0.Select((r, ch) => (1 - momentum) * r + momentum * var[ch] * unb).ToArray(), H.Down(rv, c), H.RedRel, H.RedAbs, "runningVar");

        var dx = H.Empty(total);
        var dg = H.Empty(c);
        var db = H.Empty(c);
        H.Cpu.BatchNormBackward(sx, H.Up(dy), sg, saveMean, saveInv, dx, dg, db, n, c, hw);
        H.Close(expDb, H.Down(db, c), H.RedRel, H.RedAbs * Math.Sqrt(m), "dbeta");
        H.Close(expDg, H.Down(dg, c), H.RedRel, H.RedAbs * Math.Sqrt(m), "dgamma");
        // dx subtracts two means from dy: absolute error scales with |dy|, so the floor is 1e-5 * max|dy|-ish.
        H.Close(expDx, H.Down(dx, total), H.RedRel, 1e-4, "dx");

        // Eval with the stored running stats.
        var rmNow = H.Down(rm, c);
        var rvNow = H.Down(rv, c);
        var ye = H.Empty(total);
        H.Cpu.BatchNormEval(sx, sg, sb, ye, rm, rv, n, c, hw, eps);
        var expE = new double[total];
        for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
        for (int k = 0; k < hw; k++)
            expE[At(i, ch, k)] = (x[At(i, ch, k)] - rmNow[ch]) / Math.Sqrt(rvNow[ch] + eps) * gamma[ch] + beta[ch];
        H.Close(expE, H.Down(ye, total), H.RedRel, H.RedAbs, "eval");
    }
}

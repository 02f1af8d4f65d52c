using VisionCuda.Random;
using VisionCuda.Training.Detect.Nms;

namespace VisionCuda.Training.Tests.Detect.Nms;

/// <summary>
/// Ultralytics post-processing with the suppression on a device (cuda-emu, ilgpu:cpu) gives exactly the host's
/// detections on a detector-like prediction tensor: objects seen by many neighbouring anchors with jittered boxes,
/// background anchors with low scores, several classes, ties among quantised scores.
/// </summary>
public class NonMaxSuppressionBackendTests
{
    // [batch, 4 + nc, anchors]: a 320 px image's 2100 anchors; 12 objects per image, each covered by ~40 anchors.
    private static float[] Predictions(int batch, int nc, int anchors, ulong seed)
    {
        var u = new float[batch * anchors * 8];
        Philox.FillUniform(u, Philox.Key(seed), 0, 0f, 1f);
        var p = new float[batch * (4 + nc) * anchors];
        int k = 0;
        for (int b = 0; b < batch; b++)
        {
            int o = b * (4 + nc) * anchors;
            for (int a = 0; a < anchors; a++)
            {
                int obj = a % 50 < 40 ? (a / 50) % 12 : -1;   // 40 of every 50 anchors look at an object
                float cx, cy, w, h;
                if (obj >= 0)
                {
                    cx = 30 + 25 * obj + 6 * u[k];
                    cy = 40 + 20 * (obj % 5) + 6 * u[k + 1];
                    w = 40 + 8 * u[k + 2];
                    h = 30 + 8 * u[k + 3];
                }
                else
                {
                    cx = 320 * u[k]; cy = 320 * u[k + 1]; w = 5 + 60 * u[k + 2]; h = 5 + 60 * u[k + 3];
                }
                p[o + a] = cx; p[o + anchors + a] = cy; p[o + 2 * anchors + a] = w; p[o + 3 * anchors + a] = h;
                for (int c = 0; c < nc; c++)
                {
                    float s = obj >= 0 && c == obj % nc ? 0.3f + 0.7f * u[k + 4] : 0.02f * u[k + 5 + (c % 3)];
                    p[o + (4 + c) * anchors + a] = MathF.Round(s, 3);   // quantised: many equal scores
                }
                k += 8;
            }
        }
        return p;
    }

    public static IEnumerable<object[]> Settings() => new[]
    {
        new object[] { 0.25f, 0.7f, 300, 30000, false, false },   // predict
        new object[] { 0.001f, 0.7f, 300, 30000, false, true },   // val: multi-label, low conf
        new object[] { 0.25f, 0.45f, 300, 30000, true, false },   // agnostic
        new object[] { 0.001f, 0.6f, 20, 700, false, true },      // maxNms and maxDet both cut
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void CudaEmuEqualsHost(float conf, float iou, int maxDet, int maxNms, bool agnostic, bool multiLabel)
    {
        const int batch = 2, nc = 3, anchors = 2100;
        var p = Predictions(batch, nc, anchors, 77);
        var host = NonMaxSuppression.Apply(p, batch, nc, anchors, conf, iou, maxDet, maxNms, agnostic, multiLabel);
        var emu = NmsBackendGoldenTests.Backend("cuda-emu");
        var device = NonMaxSuppression.Apply(p, batch, nc, anchors, conf, iou, maxDet, maxNms, agnostic, multiLabel, emu);
        Assert.True(host[0].Length > 10 && host[1].Length > 10, "the set must keep many detections");
        Assert.True(host[0].Length < anchors / 4, "the set must suppress most candidates");
        for (int b = 0; b < batch; b++) Assert.Equal(host[b], device[b]);
        // the tensor overload runs the suppression on the tensor's own backend
        using var t = Tensor.FromArray(p, new[] { batch, 4 + nc, anchors }, emu);
        var fromTensor = NonMaxSuppression.Apply(t, conf, iou, maxDet, maxNms, agnostic, multiLabel);
        for (int b = 0; b < batch; b++) Assert.Equal(host[b], fromTensor[b]);
    }

    [Fact]
    public void IlgpuCpuEqualsHostOnASmallTensor()
    {
        const int batch = 1, nc = 3, anchors = 300;
        var p = Predictions(batch, nc, anchors, 78);
        var host = NonMaxSuppression.Apply(p, batch, nc, anchors, 0.25f, 0.7f);
        var device = NonMaxSuppression.Apply(p, batch, nc, anchors, 0.25f, 0.7f, backend: NmsBackendGoldenTests.Backend("ilgpu:cpu"));
        Assert.NotEmpty(host[0]);
        Assert.Equal(host[0], device[0]);
    }
}

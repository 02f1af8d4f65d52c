using VisionCuda.TestSupport;
using VisionCuda.Training.Detect.Loss;

namespace VisionCuda.Training.Tests.Detect.Loss;

// The whole loss on small random cases against the PyTorch re-implementation: assignments (foreground mask and gt
// index exactly, target boxes and scores within rel 1e-4), the three components, the total and its gradient with
// respect to every level output.
public sealed class DetectionLossGoldenTests
{
    [Theory]
    [InlineData("loss_square")]
    [InlineData("loss_rect_weighted")]
    public void MatchesGolden(string name)
    {
        var g = DetectGolden.Load(name);
        int nc = g.Param("nc").GetInt32();
        var strides = g.Param("strides").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var hw = g.Param("img_hw").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[]? cw = g.Param("cls_weights").ValueKind == System.Text.Json.JsonValueKind.Null
            ? null : g.Param("cls_weights").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var levels = Enumerable.Range(0, strides.Length).Select(i => g.ToTensor($"level{i}", requiresGrad: true)).ToArray();
        var targets = DetectionTargets.FromRows(g.Floats("targets"));
        var loss = new DetectionLoss(nc, strides, 16, new DetectionLossOptions { ClassWeights = cw });

        var result = loss.Compute(levels, targets, hw[0], hw[1]);

        // Assignments.
        int b = levels[0].Shape[0], a = loss.LastAssignments[0].Foreground.Length;
        var fg = g.Ints("fg");
        var gtIdx = g.Ints("gt_idx");
        var tBoxes = g.Floats("target_boxes");
        var tScores = g.Floats("target_scores");
        var expBoxes = new List<float>();
        var actBoxes = new List<float>();
        var actScores = new float[b * a * nc];
        for (int img = 0; img < b; img++)
        {
            var asg = loss.LastAssignments[img];
            for (int k = 0; k < a; k++)
            {
                int i = img * a + k;
                Assert.True(fg[i] == (asg.Foreground[k] ? 1 : 0), $"{name}: foreground of image {img} anchor {k}: expected {fg[i]}");
                if (fg[i] == 0) continue;
                Assert.True(gtIdx[i] == asg.GtIndex[k], $"{name}: gt of image {img} anchor {k}: expected {gtIdx[i]}, got {asg.GtIndex[k]}");
                expBoxes.AddRange(tBoxes.AsSpan(4 * i, 4).ToArray());
                actBoxes.AddRange(asg.Boxes.AsSpan(4 * k, 4).ToArray());
                actScores[i * nc + asg.Label[k]] = asg.Score[k];
            }
        }
        Assert.True(fg.Sum() > 0, "the golden should have foreground anchors");
        Close.AssertAllClose(expBoxes.ToArray(), actBoxes.ToArray(), 1e-5, 1e-5, $"{name}: target boxes");
        Close.AssertAllClose(tScores, actScores, 1e-4, 1e-6, $"{name}: target scores");
        Close.AssertAllClose(g.Floats("target_scores_sum"), new[] { loss.LastTargetScoresSum }, 1e-4, 1e-6, $"{name}: target_scores_sum");

        // Components and total.
        Close.AssertAllClose(g.Floats("parts"), new[] { result.Box, result.Cls, result.Dfl }, 1e-4, 1e-5, $"{name}: box, cls, dfl");
        Close.AssertAllClose(g.Floats("total"), new[] { result.Total.Item() }, 1e-4, 1e-5, $"{name}: total");
        Assert.Equal(fg.Sum(), result.Foreground);

        // Gradient of the total with respect to the raw level outputs.
        result.Total.Backward();
        for (int i = 0; i < levels.Length; i++)
            Close.AssertAllClose(g.Floats($"grad_level{i}"), levels[i].Grad!.ToArray(), levels[i].Shape, 1e-4, 1e-6, $"{name}: d total / d level{i}");
    }
}

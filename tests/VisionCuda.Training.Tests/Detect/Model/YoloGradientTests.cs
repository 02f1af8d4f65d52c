using VisionCuda.Models.Yolo;

namespace VisionCuda.Training.Tests.Detect.Model;

// The model's backward pass end to end: for a smooth objective L = sum of squares of the level outputs, a small step
// along -grad(p) for a parameter tensor p changes L by about -eps * |grad|^2 (first order), in training mode.
public sealed class YoloGradientTests
{
    [Fact]
    public void ParameterGradientsMatchDirectionalDerivatives()
    {
        using var model = YoloModel.FromYaml("yolov8n.yaml", nc: 3);
        var x = Tensor.Uniform(new[] { 2, 3, 64, 64 }, 0f, 1f, 5);
        Tensor Objective()
        {
            Tensor s = Tensor.Scalar(0f);
            foreach (var l in model.ForwardLevels(x)) s = s + F.Sum(l * l);
            return s;
        }
        var loss = Objective();
        float l0 = loss.Item();
        loss.Backward();
        var names = new[] { "model.0.conv.weight", "model.4.m.1.cv1.bn.weight", "model.9.cv2.conv.weight", "model.22.cv3.1.2.bias" };
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var name in names)
        {
            var p = parameters[name];
            var saved = p.ToArray();
            double gg = p.Grad!.ToArray().Sum(v => (double)v * v);
            Assert.True(gg > 0, $"{name}: zero gradient");
            float eps = (float)(1e-4 * Math.Abs(l0) / gg);
            using (VisionCuda.Autograd.GradMode.NoGrad())
            {
                p.CopyFrom(p - p.Grad! * eps);
                double actual = Objective().Item() - l0, predicted = -eps * gg;
                p.CopyFrom(Tensor.FromArray(saved, p.Shape));
                // First-order prediction; 10% covers the second-order term and float32 rounding of L.
                Assert.True(Math.Abs(actual - predicted) < 0.1 * Math.Abs(predicted), $"{name}: predicted {predicted}, actual {actual}");
            }
        }
    }
}

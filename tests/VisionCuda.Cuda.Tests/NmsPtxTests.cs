using System.Text;

namespace VisionCuda.Cuda.Tests;

/// <summary>
/// The NMS IoU must be bitwise the Cpu backend's, so its PTX may hold no fused multiply-add: clang contracts a*b+c by
/// default and even rewrites the __nvvm_*_rn_f builtins into plain ops it then fuses (kernels/common/platform_clang.cuh).
/// </summary>
public class NmsPtxTests
{
    [Fact]
    public void NmsPtxHasNoFmaAndRoundsEveryIouOpToNearest()
    {
        Assert.True(PtxResources.Built, "kernels were not built");
        foreach (var target in new[] { "sm_75", "sm_80" })
        {
            string ptx = Encoding.UTF8.GetString(PtxResources.Read("nms", target));
            Assert.DoesNotContain("fma", ptx);
            Assert.Contains("div.rn.f32", ptx);
            Assert.Contains("mul.rn.f32", ptx);
            Assert.Contains("add.rn.f32", ptx);
            foreach (var plain in new[] { "add.f32", "sub.f32", "mul.f32", "div.f32", "div.approx" })
                Assert.DoesNotContain(plain, ptx);
        }
    }
}

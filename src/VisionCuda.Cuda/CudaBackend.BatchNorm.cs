using VisionCuda.Backends;

namespace VisionCuda.Cuda;

public sealed partial class CudaBackend
{
    public void BatchNormTrain(Storage x, Storage gamma, Storage beta, Storage y,
                               Storage saveMean, Storage saveInvStd,
                               Storage runningMean, Storage runningVar,
                               int n, int c, long hw, float momentum, float eps)
    {
        long total = (long)n * c * hw;
        LaunchRows(K.vc_bn_stats_f32, c, P(x), P(saveMean), P(saveInvStd), P(runningMean), P(runningVar), n, c, hw, momentum, eps);
        Launch1D(K.vc_bn_apply_f32, total, P(x), P(y), P(saveMean), P(saveInvStd), P(gamma), P(beta), total, c, hw);
    }

    public void BatchNormEval(Storage x, Storage gamma, Storage beta, Storage y,
                              Storage runningMean, Storage runningVar,
                              int n, int c, long hw, float eps)
    {
        long total = (long)n * c * hw;
        Launch1D(K.vc_bn_eval_f32, total, P(x), P(y), P(runningMean), P(runningVar), P(gamma), P(beta), total, c, hw, eps);
    }

    public void BatchNormBackward(Storage x, Storage dy, Storage gamma, Storage saveMean, Storage saveInvStd,
                                  Storage dx, Storage dgamma, Storage dbeta, int n, int c, long hw)
    {
        long total = (long)n * c * hw;
        LaunchRows(K.vc_bn_backward_reduce_f32, c, P(x), P(dy), P(saveMean), P(saveInvStd), P(dgamma), P(dbeta), n, c, hw);
        Launch1D(K.vc_bn_backward_dx_f32, total, P(x), P(dy), P(saveMean), P(saveInvStd), P(gamma), P(dgamma), P(dbeta), P(dx),
            total, c, hw, (float)((long)n * hw));
    }
}

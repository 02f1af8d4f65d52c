namespace VisionCuda.Backends;

/// <summary>Batch normalisation: training, evaluation and backward. Conventions: see IBackend.cs.</summary>
public partial interface IBackend
{
    /// <summary>
    /// Batch-norm over [N, C, HW] in training mode: normalises with the batch statistics, stores mean and
    /// 1/sqrt(var+eps) (biased var) for the backward, and updates running stats with the unbiased variance:
    /// running = (1-momentum)*running + momentum*batch.
    /// </summary>
    void BatchNormTrain(Storage x, Storage gamma, Storage beta, Storage y,
                        Storage saveMean, Storage saveInvStd,
                        Storage runningMean, Storage runningVar,
                        int n, int c, long hw, float momentum, float eps);

    void BatchNormEval(Storage x, Storage gamma, Storage beta, Storage y,
                       Storage runningMean, Storage runningVar,
                       int n, int c, long hw, float eps);

    /// <summary>Backward of training-mode batch-norm. Overwrites dx, dgamma and dbeta.</summary>
    void BatchNormBackward(Storage x, Storage dy, Storage gamma, Storage saveMean, Storage saveInvStd,
                           Storage dx, Storage dgamma, Storage dbeta, int n, int c, long hw);
}

// selftest_atomics.cu -- atomics for native/tests/test_atomics.cpp. One thread per input element (grid-stride free:
// the host launches ceil(n / blockDim) blocks). Every thread adds its value to *fsum and 1 to *isum, raises *fmax to
// its value, and takes a turn at a CAS "ticket": the thread whose CAS moves *ticket from k to k+1 counts a win,
// retrying until it succeeds, so *ticket ends at n. Results are order-independent except fsum's rounding, which the
// host checks with a tolerance (inputs are small integers, so the sum is in fact exact).
#include "common.cuh"

VC_KERNEL selftest_atomics(const float* in, int n, float* fsum, int* isum, float* fmax, int* ticket)
{
    int g = blockIdx.x * blockDim.x + threadIdx.x;
    if (g >= n) return;
    float v = in[g];
    vc_atomic_add_f32(fsum, v);
    vc_atomic_add_i32(isum, 1);
    vc_atomic_max_f32(fmax, v);
    int seen = *ticket;
    for (;;)
    {
        int old = vc_atomic_cas_i32(ticket, seen, seen + 1);
        if (old == seen) break;
        seen = old;
    }
}
VC_REGISTER(selftest_atomics);

// test_math_soft.cpp -- kernels/common/math_soft.cuh (the device math used by clang builds without libdevice) run on
// the host and compared with double-precision libm. The primitive ex2.approx is modelled as exp2 perturbed by up to
// 2 ulp in a pseudo-random direction, so the bounds below hold for the hardware instruction's documented error.
// This tests the algorithms; the GPU check in the issue covers the instructions themselves.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "harness.hpp"

namespace
{
int vc_float_as_int(float f) { int i; std::memcpy(&i, &f, sizeof i); return i; }
float vc_int_as_float(int i) { float f; std::memcpy(&f, &i, sizeof f); return f; }
float vc_prim_fma(float a, float b, float c) { return std::fma(a, b, c); }
float vc_prim_rint(float x) { return std::rint(x); }
float vc_prim_sqrt(float x) { return std::sqrt(x); }
float vc_prim_floor(float x) { return std::floor(x); }
float vc_prim_fabs(float x) { return std::fabs(x); }
float vc_prim_exp2_approx(float x)
{
    float r = std::exp2(x);
    unsigned h = static_cast<unsigned>(vc_float_as_int(x)) * 2654435761u;
    int ulps = static_cast<int>(h >> 30) - 1; // -1, 0, 1, 2 ulp
    for (; ulps > 0; ulps--) r = std::nextafter(r, INFINITY);
    for (; ulps < 0; ulps++) r = std::nextafter(r, 0.0f);
    return r;
}
} // namespace

#define VC_DEVICE static inline
#include "common/math_soft.cuh"

namespace
{
// Distance in ulps between a float result and the exact (double) value, in the float grid around the exact value.
double ulp_error(float got, double exact)
{
    if (std::isnan(exact)) return std::isnan(got) ? 0 : 1e9;
    if (std::isinf(exact)) return got == static_cast<float>(exact) ? 0 : 1e9;
    float e = static_cast<float>(exact);
    if (std::isinf(e)) return std::isinf(got) && (got > 0) == (exact > 0) ? 0 : 1e9; // rounds to overflow
    double ulp = std::nextafter(std::fabs(e), INFINITY) - std::fabs(e);
    if (std::fabs(e) < 1.1754944e-38f) ulp = std::ldexp(1.0, -149);
    return std::fabs(got - exact) / ulp;
}

template <typename F, typename R>
double max_error(const char* name, F f, R exact, double lo, double hi, int count, double bound)
{
    double worst = 0, at = 0;
    for (int i = 0; i <= count; i++)
    {
        float x = static_cast<float>(lo + (hi - lo) * i / count);
        double err = ulp_error(f(x), exact(static_cast<double>(x)));
        if (err > worst) { worst = err; at = x; }
    }
    std::printf("%-8s [%g, %g]: max %.2f ulp at %.9g (bound %.1f)\n", name, lo, hi, worst, at, bound);
    CHECK(worst <= bound);
    return worst;
}
} // namespace

int main()
{
    const int N = 200000;
    max_error("expf", vc_soft_expf, [](double x) { return std::exp(x); }, -104, 89, N, 4);
    max_error("expf", vc_soft_expf, [](double x) { return std::exp(x); }, -1, 1, N, 4);
    max_error("exp2f", vc_soft_exp2f, [](double x) { return std::exp2(x); }, -150, 128, N, 4);
    max_error("logf", vc_soft_logf, [](double x) { return std::log(x); }, 1e-30, 1e30, N, 3);
    max_error("logf", vc_soft_logf, [](double x) { return std::log(x); }, 0.5, 2, N, 3);
    max_error("logf", vc_soft_logf, [](double x) { return std::log(x); }, 1e-44, 1e-37, N, 3); // subnormals
    max_error("log1pf", vc_soft_log1pf, [](double x) { return std::log1p(x); }, -0.999, 10, N, 4);
    max_error("log1pf", vc_soft_log1pf, [](double x) { return std::log1p(x); }, -1e-6, 1e-6, N, 4);
    max_error("tanhf", vc_soft_tanhf, [](double x) { return std::tanh(x); }, -12, 12, N, 8);
    max_error("atanf", vc_soft_atanf, [](double x) { return std::atan(x); }, -30, 30, N, 3);
    max_error("atanf", vc_soft_atanf, [](double x) { return std::atan(x); }, -1e6, 1e6, N, 3);
    max_error("atanf", vc_soft_atanf, [](double x) { return std::atan(x); }, -1e-3, 1e-3, N, 3);
    max_error("tanhf", vc_soft_tanhf, [](double x) { return std::tanh(x); }, -0.01, 0.01, N, 5);
    max_error("powf^3.7", [](float x) { return vc_soft_powf(x, 3.7f); }, [](double x) { return std::pow(x, 3.7); },
              1e-3, 100, N, 4 + 1.1 * 3.7 * std::log(100.0));
    max_error("powf^-.5", [](float x) { return vc_soft_powf(x, -0.5f); }, [](double x) { return std::pow(x, -0.5); },
              1e-6, 1e6, N, 4 + 1.1 * 0.5 * std::log(1e6));
    max_error("powf^2", [](float x) { return vc_soft_powf(x, 2.0f); }, [](double x) { return x * x; }, -100, 100, N, 0.5);

    // Special values
    CHECK(std::isnan(vc_soft_logf(-1.0f)));
    CHECK(vc_soft_logf(0.0f) == -INFINITY);
    CHECK(vc_soft_logf(INFINITY) == INFINITY);
    CHECK(vc_soft_expf(-INFINITY) == 0.0f);
    CHECK(vc_soft_expf(INFINITY) == INFINITY);
    CHECK(std::isnan(vc_soft_expf(NAN)));
    CHECK(vc_soft_tanhf(INFINITY) == 1.0f && vc_soft_tanhf(-INFINITY) == -1.0f);
    CHECK(std::isnan(vc_soft_tanhf(NAN)));
    CHECK(vc_soft_log1pf(-1.0f) == -INFINITY);
    CHECK(std::isnan(vc_soft_log1pf(-2.0f)));
    CHECK(vc_soft_log1pf(1e-30f) == 1e-30f);
    CHECK(vc_soft_powf(-2.0f, 3.0f) == -8.0f);
    CHECK(vc_soft_powf(-2.0f, 2.0f) == 4.0f);
    CHECK(vc_soft_powf(-1.5f, -3.0f) == static_cast<float>(1.0 / -3.375));
    CHECK(vc_soft_powf(3.0f, 5.0f) == 243.0f);
    CHECK(std::isnan(vc_soft_powf(-2.0f, 0.5f)));
    CHECK(vc_soft_powf(0.0f, -1.0f) == INFINITY);
    CHECK(vc_soft_powf(0.0f, 2.5f) == 0.0f);
    CHECK(vc_soft_powf(NAN, 0.0f) == 1.0f);
    CHECK(vc_soft_powf(0.5f, INFINITY) == 0.0f);
    CHECK(vc_soft_powf(2.0f, -INFINITY) == 0.0f);
    CHECK(vc_soft_atanf(INFINITY) == 1.5707963267948966f && vc_soft_atanf(-INFINITY) == -1.5707963267948966f);
    CHECK(vc_soft_atanf(0.0f) == 0.0f && std::isnan(vc_soft_atanf(NAN)));
    return vc_test_finish("test_math_soft");
}

// math_soft.cuh -- float math for device builds that have no libdevice (clang -nocudainc -nocudalib).
//
// Built only from primitives the including platform header supplies:
//   vc_prim_fma, vc_prim_exp2_approx (PTX ex2.approx.f32, ~2 ulp), vc_prim_rint, vc_prim_sqrt, vc_prim_floor,
//   vc_prim_fabs, vc_float_as_int, vc_int_as_float,  and the VC_DEVICE qualifier.
// native/tests/test_math_soft.cpp includes this file on the host with libm primitives (ex2 perturbed by up to
// 2 ulp to model the hardware) and checks every function against double precision, so the algorithms are tested
// even though no GPU is around.
//
// Accuracy (measured by the test, with a 2-ulp ex2): expf/exp2f <= 4 ulp, logf <= 1 ulp, log1pf <= 4 ulp,
// tanhf <= 8 ulp, atanf <= 3 ulp, powf <= (4 + 1.1 |y ln x|) ulp (the float log's rounding scaled by y; ~2e-6 relative at
// |y ln x| = 17, inside the 1e-5 elementwise tolerance), exact for integer |y| <= 8 when representable. Stability:
//   - expf reduces x*log2(e) with an fma and a second constant word, so large |x| does not lose digits;
//   - logf is the classic range reduction to [sqrt(2)/2, sqrt(2)) plus an s = f/(2+f) polynomial (accurate near 1,
//     where lg2.approx has only absolute accuracy);
//   - log1pf and expm1 use Kahan's correction (u = 1+x; log(u) * x/(u-1)), exact for tiny x;
//   - tanhf = -expm1(-2|x|) / (2 + expm1(-2|x|)) never cancels and saturates to +-1 beyond |x| = 9.
#pragma once

// 2^n for integer n in [-126, 127], built from the exponent bits.
VC_DEVICE float vc_soft_pow2i(int n) { return vc_int_as_float((n + 127) << 23); }

// r * 2^n for n in [-150, 128], in two steps so that subnormal and overflowing results come out right.
VC_DEVICE float vc_soft_scale(float r, int n)
{
    int n1 = n / 2;
    return r * vc_soft_pow2i(n1) * vc_soft_pow2i(n - n1);
}

VC_DEVICE float vc_soft_copysign(float magnitude, float sign)
{
    return vc_int_as_float((vc_float_as_int(magnitude) & 0x7fffffff) | (vc_float_as_int(sign) & (int)0x80000000));
}

VC_DEVICE float vc_soft_exp2f(float x)
{
    if (x != x) return x;
    if (x >= 128.0f) return __builtin_huge_valf();
    if (x < -150.0f) return 0.0f;
    float n = vc_prim_rint(x);
    float f = x - n; // exact: |f| <= 0.5
    return vc_soft_scale(vc_prim_exp2_approx(f), (int)n);
}

VC_DEVICE float vc_soft_expf(float x)
{
    const float L2E_HI = 1.44269502162933349609375f; // log2(e) rounded to float
    const float L2E_LO = 1.925963033500011e-08f;     // log2(e) - L2E_HI
    if (x != x) return x;
    if (x > 88.72283935546875f) return __builtin_huge_valf();
    if (x < -103.97208f) return 0.0f;
    float n = vc_prim_rint(x * L2E_HI);
    float f = vc_prim_fma(x, L2E_HI, -n); // x*L2E_HI - n with one rounding
    f = vc_prim_fma(x, L2E_LO, f);
    return vc_soft_scale(vc_prim_exp2_approx(f), (int)n);
}

VC_DEVICE float vc_soft_logf(float x)
{
    const float LN2_HI = 6.9313812256e-01f, LN2_LO = 9.0580006145e-06f;
    const float LG1 = 0.66666662693f, LG2 = 0.40000972152f, LG3 = 0.28498786688f, LG4 = 0.24279078841f;
    if (x != x) return x;
    if (x < 0.0f) return __builtin_nanf("");
    if (x == 0.0f) return -__builtin_huge_valf();
    if (x == __builtin_huge_valf()) return x;
    int ix = vc_float_as_int(x);
    int k = 0;
    if (ix < 0x00800000) // subnormal: scale into the normal range first
    {
        x *= 33554432.0f; // 2^25
        ix = vc_float_as_int(x);
        k = -25;
    }
    // Split x = 2^k * m with m in [sqrt(2)/2, sqrt(2)), so that f = m - 1 is small on both sides of 1.
    ix += 0x3f800000 - 0x3f3504f3;
    k += (ix >> 23) - 0x7f;
    ix = (ix & 0x007fffff) + 0x3f3504f3;
    float f = vc_int_as_float(ix) - 1.0f;
    float s = f / (2.0f + f);
    float z = s * s, w = z * z;
    float r = z * (LG1 + w * LG3) + w * (LG2 + w * LG4);
    float hfsq = 0.5f * f * f;
    float dk = (float)k;
    return s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

VC_DEVICE float vc_soft_log1pf(float x)
{
    if (x != x) return x;
    if (x > 1e30f) return vc_soft_logf(x); // 1 + x == x; also keeps u - 1 finite
    float u = 1.0f + x;
    if (u == 1.0f) return x;               // |x| below half an ulp of 1: log1p(x) == x to float precision
    if (u <= 0.0f) return u == 0.0f ? -__builtin_huge_valf() : __builtin_nanf("");
    // Kahan: u is 1+x rounded; log(u) * x / (u-1) cancels the rounding error of 1+x to first order.
    return vc_soft_logf(u) * (x / (u - 1.0f));
}

VC_DEVICE float vc_soft_expm1f(float x)
{
    if (x != x) return x;
    if (x > 80.0f) return vc_soft_expf(x);
    if (x < -20.0f) return -1.0f;
    float u = vc_soft_expf(x);
    if (u == 1.0f) return x;
    float um1 = u - 1.0f;
    if (um1 == -1.0f) return -1.0f;
    return um1 * (x / vc_soft_logf(u)); // Kahan's correction, the mirror of log1p
}

VC_DEVICE float vc_soft_tanhf(float x)
{
    float a = vc_prim_fabs(x);
    if (a != a) return x;
    if (a > 9.01f) return vc_soft_copysign(1.0f, x); // 1 - tanh(9) < 2^-25
    if (a < 2.44140625e-4f) return x;                 // 2^-12: x - x^3/3 rounds to x
    float em = vc_soft_expm1f(-2.0f * a);             // in (-1, 0): no cancellation below
    return vc_soft_copysign(-em / (2.0f + em), x);
}

VC_DEVICE float vc_soft_powf(float x, float y)
{
    if (y == 0.0f || x == 1.0f) return 1.0f;
    if (x != x || y != y) return __builtin_nanf("");
    if (y == 0.5f && x > 0.0f) return vc_prim_sqrt(x);  // x > 0: pow(-0, .5) is +0 but sqrt(-0) is -0
    float ax = vc_prim_fabs(x), ay = vc_prim_fabs(y);
    const float inf = __builtin_huge_valf();
    bool yInt = ay >= 16777216.0f || vc_prim_floor(y) == y;
    if (yInt && ay <= 8.0f)
    {
        // Small integer exponent: binary powering, at most 4 roundings, exact whenever the result is representable.
        int e = (int)ay;
        float base = x, r = 1.0f;
        while (e != 0)
        {
            if (e & 1) r *= base;
            base *= base;
            e >>= 1;
        }
        return y < 0.0f ? 1.0f / r : r;
    }
    bool yOdd = yInt && ay < 16777216.0f && ((long long)ay & 1) != 0;
    if (x < 0.0f && !yInt) return __builtin_nanf("");
    float r;
    if (ay == inf)
        r = ax == 1.0f ? 1.0f : ((ax < 1.0f) == (y > 0.0f) ? 0.0f : inf);
    else if (ax == 0.0f)
        r = y < 0.0f ? inf : 0.0f;
    else if (ax == inf)
        r = y < 0.0f ? 0.0f : inf;
    else
    {
        float l = vc_soft_logf(ax);
        float p = y * l;
        float pe = vc_prim_fma(y, l, -p); // rounding error of y*l, folded back in to first order
        r = vc_soft_expf(p);
        if (r != inf && r != 0.0f) r = vc_prim_fma(r, pe, r);
    }
    return (x < 0.0f || (x == 0.0f && vc_float_as_int(x) < 0)) && yOdd ? -r : r;
}

// atanf: Cephes' single-precision atan. Reduce |x| to |z| <= tan(pi/8) with atan x = pi/2 + atan(-1/x) above
// tan(3pi/8) and pi/4 + atan((x-1)/(x+1)) above tan(pi/8), then z + z^3 P(z^2) (degree-3 minimax P). Odd: the sign is
// copied back at the end, so atan(-0) = -0 and atan(+-inf) = +-pi/2.
VC_DEVICE float vc_soft_atanf(float x)
{
    if (x != x) return x;
    float ax = vc_prim_fabs(x), y0 = 0.0f, z = ax;
    if (ax > 2.414213562373095f) { y0 = 1.5707963267948966f; z = -1.0f / ax; }
    else if (ax > 0.4142135623730950f) { y0 = 0.7853981633974483f; z = (ax - 1.0f) / (ax + 1.0f); }
    float z2 = z * z;
    float p = vc_prim_fma(8.05374449538e-2f, z2, -1.38776856032e-1f);
    p = vc_prim_fma(p, z2, 1.99777106478e-1f);
    p = vc_prim_fma(p, z2, -3.33329491539e-1f);
    p = vc_prim_fma(p * z2, z, z);
    return vc_soft_copysign(y0 + p, x);
}

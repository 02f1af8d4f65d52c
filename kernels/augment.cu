// augment.cu -- detection batch augmentation on the device (IDetectionOps.AugmentBatch): builds the float batch
// out[n][3][H][W] = RGB / 255 from 8-bit HWC RGB source images and one parameter row per image.
//
// Inputs (packed by VisionCuda.Backends.AugmentPacking):
//   src    bytes; every source image is 3*w*h bytes at its byte offset.
//   table  32 doubles per image: inverse matrix A [0..8] (affine uses 0..5), inverse B [9..17], offset/w/h/mode of
//          source A [18..21] and of the mixup source B [22..25] (mode -1: no mixup; 0 affine, 1 perspective,
//          2 border only = a singular perspective matrix), the mixup weights (float)r and (float)(1-r) [26, 27],
//          flags [28] (1 HSV, 2 flip up-down, 4 flip left-right).
//   luts   768 bytes per image: Ultralytics' hue, saturation and value look-up tables (built on the host).
//
// Per output pixel (one thread each, grid-stride over n*H*W; the three channels in registers):
//   pre-flip position (W-1-x / H-1-y when flipped)
//   -> OpenCV's sample position in 1/32 pixel (warpAffine: cvRound((i0*x)*1024) + cvRound((i1*y+i2)*1024) + 16, >> 5;
//      warpPerspective: w = 32 / (i6*x + (i7*y+i8)), cvRound(clamp((i0*x + (i1*y+i2)) * w)))
//   -> 15-bit fixed-point bilinear with border 114 for taps outside the source
//   -> mixup: trunc(a*r + b*(1-r)) in float
//   -> HSV: OpenCV's integer RGB->HSV (divisor tables computed inline: round-half-even integer quotients), the LUTs,
//      OpenCV's float HSV->RGB with round-half-even
//   -> float * (1/255).
// Exactness: the result is bitwise the Cpu backend's (src/VisionCuda.Core/Cpu/Detection/AugmentPixel.cs, itself checked
// against the OpenCV-exact oracle in VisionCuda.Vision). The integer parts are exact by construction; every float and
// double product/sum goes through the aug_* helpers below, which are explicitly round-to-nearest and never fused
// (clang and nvcc contract a*b+c into an FMA by default, which would move sample positions and HSV values by an ulp).
// On the host emulator the build is x86-64 baseline (SSE2, no FMA instructions), so plain operators cannot be fused.
// Assumes: sources are in bounds (checked on the host); coordinates stay far from int overflow (|position| < 2^26 px).
#include "common.cuh"

#if defined(VC_HOST_EMULATION)
VC_DEVICE double aug_dmul(double a, double b) { return a * b; }
VC_DEVICE double aug_dadd(double a, double b) { return a + b; }
VC_DEVICE double aug_ddiv(double a, double b) { return a / b; }
VC_DEVICE double aug_drint(double x) { return std::rint(x); }
VC_DEVICE float aug_fmul(float a, float b) { return a * b; }
VC_DEVICE float aug_fadd(float a, float b) { return a + b; }
VC_DEVICE float aug_frint(float x) { return std::rint(x); }
VC_DEVICE float aug_ffloor(float x) { return std::floor(x); }
#elif defined(__CUDACC__) && !defined(__clang__)
VC_DEVICE double aug_dmul(double a, double b) { return __dmul_rn(a, b); }
VC_DEVICE double aug_dadd(double a, double b) { return __dadd_rn(a, b); }
VC_DEVICE double aug_ddiv(double a, double b) { return __ddiv_rn(a, b); }
VC_DEVICE double aug_drint(double x) { return rint(x); }
VC_DEVICE float aug_fmul(float a, float b) { return __fmul_rn(a, b); }
VC_DEVICE float aug_fadd(float a, float b) { return __fadd_rn(a, b); }
VC_DEVICE float aug_frint(float x) { return rintf(x); }
VC_DEVICE float aug_ffloor(float x) { return floorf(x); }
#else
// clang treats the __nvvm_*_rn builtins as plain fmul/fadd and its NVPTX backend fuses those whenever contraction is
// on (the CUDA default, not switchable per function); PTX mul.rn / add.rn written out are never fused by ptxas.
VC_DEVICE double aug_dmul(double a, double b) { double r; asm("mul.rn.f64 %0, %1, %2;" : "=d"(r) : "d"(a), "d"(b)); return r; }
VC_DEVICE double aug_dadd(double a, double b) { double r; asm("add.rn.f64 %0, %1, %2;" : "=d"(r) : "d"(a), "d"(b)); return r; }
VC_DEVICE double aug_ddiv(double a, double b) { return a / b; }       // div.rn.f64
VC_DEVICE double aug_drint(double x) { return __builtin_rint(x); }   // cvt.rni.f64.f64: ties to even
VC_DEVICE float aug_fmul(float a, float b) { float r; asm("mul.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r; }
VC_DEVICE float aug_fadd(float a, float b) { float r; asm("add.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r; }
VC_DEVICE float aug_frint(float x) { return __builtin_rintf(x); }    // cvt.rni.f32.f32
VC_DEVICE float aug_ffloor(float x) { return __builtin_floorf(x); }  // cvt.rmi.f32.f32
#endif

#define AUG_STRIDE 32
#define AUG_BORDER 114

// cvRound: nearest, ties to even, saturated to int.
VC_DEVICE int aug_round(double v)
{
    double r = aug_drint(v);
    return r >= 2147483647.0 ? 2147483647 : r <= -2147483648.0 ? (-2147483647 - 1) : (int)r;
}

// Source position of pixel (x, y) in 1/32 pixel, as OpenCV's warpAffine (mode 0) / warpPerspective (mode 1).
VC_DEVICE void aug_position(int mode, const double* m, int x, int y, int* X, int* Y)
{
    double dx = (double)x, dy = (double)y;
    if (mode == 0)
    {
        int adelta = aug_round(aug_dmul(aug_dmul(m[0], dx), 1024.0));
        int bdelta = aug_round(aug_dmul(aug_dmul(m[3], dx), 1024.0));
        int x0 = aug_round(aug_dmul(aug_dadd(aug_dmul(m[1], dy), m[2]), 1024.0)) + 16;
        int y0 = aug_round(aug_dmul(aug_dadd(aug_dmul(m[4], dy), m[5]), 1024.0)) + 16;
        *X = (x0 + adelta) >> 5;
        *Y = (y0 + bdelta) >> 5;
        return;
    }
    double bx = aug_dadd(aug_dmul(m[1], dy), m[2]), by = aug_dadd(aug_dmul(m[4], dy), m[5]);
    double bw = aug_dadd(aug_dmul(m[7], dy), m[8]);
    double w = aug_dadd(bw, aug_dmul(m[6], dx));
    w = w != 0.0 ? aug_ddiv(32.0, w) : 0.0;
    double fx = aug_dmul(aug_dadd(bx, aug_dmul(m[0], dx)), w);
    double fy = aug_dmul(aug_dadd(by, aug_dmul(m[3], dx)), w);
    fx = fx > 2147483647.0 ? 2147483647.0 : fx < -2147483648.0 ? -2147483648.0 : fx;
    fy = fy > 2147483647.0 ? 2147483647.0 : fy < -2147483648.0 ? -2147483648.0 : fy;
    *X = aug_round(fx);
    *Y = aug_round(fy);
}

// Warped bilinear sample of source (table slots base..base+3 after the matrix) at output pixel (x, y) into rgb.
VC_DEVICE void aug_sample(const unsigned char* src, const double* m, const double* geo, int x, int y, int* rgb)
{
    int mode = (int)geo[3];
    rgb[0] = rgb[1] = rgb[2] = AUG_BORDER;
    if (mode == 2) return;
    int X, Y;
    aug_position(mode, m, x, y, &X, &Y);
    int sw = (int)geo[1], sh = (int)geo[2];
    int sx = X >> 5, sy = Y >> 5;
    if (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0) return;
    int ax = X & 31, ay = Y & 31;
    int w00 = (32 - ax) * (32 - ay) * 32, w01 = ax * (32 - ay) * 32, w10 = (32 - ax) * ay * 32, w11 = ax * ay * 32;
    bool y0in = (unsigned)sy < (unsigned)sh, y1in = (unsigned)(sy + 1) < (unsigned)sh;
    bool x0in = (unsigned)sx < (unsigned)sw, x1in = (unsigned)(sx + 1) < (unsigned)sw;
    const unsigned char* img = src + (long long)geo[0];
    // Taps are addressed only when inside, so the row pointers may point outside the image.
    long long r0 = ((long long)sy * sw + sx) * 3, r1 = r0 + (long long)sw * 3;
    for (int c = 0; c < 3; c++)
    {
        int v00 = y0in && x0in ? img[r0 + c] : AUG_BORDER;
        int v01 = y0in && x1in ? img[r0 + 3 + c] : AUG_BORDER;
        int v10 = y1in && x0in ? img[r1 + c] : AUG_BORDER;
        int v11 = y1in && x1in ? img[r1 + 3 + c] : AUG_BORDER;
        int v = (v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11 + (1 << 14)) >> 15;
        rgb[c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
}

// round-half-even(n / d) for n, d >= 0; 0 for d == 0 (OpenCV's sdiv/hdiv table entries).
VC_DEVICE int aug_div_round(int n, int d)
{
    if (d == 0) return 0;
    int q = n / d, rem = n - q * d;
    if (2 * rem > d || (2 * rem == d && (q & 1) != 0)) q++;
    return q;
}

VC_DEVICE int aug_to_byte(float x)
{
    int i = (int)aug_frint(x);
    return i < 0 ? 0 : i > 255 ? 255 : i;
}

// OpenCV's 8-bit RGB->HSV (integer), the LUTs, and its float HSV->RGB, in place on rgb.
VC_DEVICE void aug_hsv(const unsigned char* lut, int* rgb)
{
    int r = rgb[0], g = rgb[1], b = rgb[2];
    int v = b > g ? b : g; v = v > r ? v : r;
    int vmin = b < g ? b : g; vmin = vmin < r ? vmin : r;
    int diff = v - vmin;
    int vr = v == r ? -1 : 0, vg = v == g ? -1 : 0;
    int s = (diff * aug_div_round(255 << 12, v) + (1 << 11)) >> 12;
    int hh = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
    hh = (hh * aug_div_round(180 << 12, 6 * diff) + (1 << 11)) >> 12;
    hh += hh < 0 ? 180 : 0;

    float hf = (float)lut[hh], sf = aug_fmul((float)lut[256 + s], 1.0f / 255.0f), vf = aug_fmul((float)lut[512 + v], 1.0f / 255.0f);
    float rf, gf, bf;
    if (sf == 0.0f)
    {
        rf = gf = bf = vf;
    }
    else
    {
        hf = aug_fmul(hf, 6.0f / 180.0f);
        while (hf < 0.0f) hf = aug_fadd(hf, 6.0f);
        while (hf >= 6.0f) hf = aug_fadd(hf, -6.0f);
        int sector = (int)aug_ffloor(hf);
        hf = aug_fadd(hf, -(float)sector);
        if ((unsigned)sector >= 6u) { sector = 0; hf = 0.0f; }
        float t0 = vf;
        float t1 = aug_fmul(vf, aug_fadd(1.0f, -sf));
        float t2 = aug_fmul(vf, aug_fadd(1.0f, -aug_fmul(sf, hf)));
        float t3 = aug_fmul(vf, aug_fadd(1.0f, -aug_fmul(sf, aug_fadd(1.0f, -hf))));
        switch (sector)
        {
        case 0: bf = t1; gf = t3; rf = t0; break;
        case 1: bf = t1; gf = t0; rf = t2; break;
        case 2: bf = t3; gf = t0; rf = t1; break;
        case 3: bf = t0; gf = t2; rf = t1; break;
        case 4: bf = t0; gf = t1; rf = t3; break;
        default: bf = t2; gf = t1; rf = t0; break;
        }
    }
    rgb[0] = aug_to_byte(aug_fmul(rf, 255.0f));
    rgb[1] = aug_to_byte(aug_fmul(gf, 255.0f));
    rgb[2] = aug_to_byte(aug_fmul(bf, 255.0f));
}

VC_KERNEL vc_augment_batch_u8(const unsigned char* src, const double* table, const unsigned char* luts, float* out,
                              int n, int H, int W)
{
    long long plane = (long long)H * W, total = plane * n;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x)
    {
        int x = (int)(i % W);
        int y = (int)((i / W) % H);
        int img = (int)(i / plane);
        const double* t = table + (long long)img * AUG_STRIDE;
        int flags = (int)t[28];
        int px = (flags & 4) ? W - 1 - x : x, py = (flags & 2) ? H - 1 - y : y;
        int a[3], b[3];
        aug_sample(src, t, t + 18, px, py, a);
        if ((int)t[25] >= 0)
        {
            aug_sample(src, t + 9, t + 22, px, py, b);
            float r = (float)t[26], q = (float)t[27];
            for (int c = 0; c < 3; c++)
                a[c] = (int)aug_fadd(aug_fmul((float)a[c], r), aug_fmul((float)b[c], q));
        }
        if (flags & 1) aug_hsv(luts + (long long)img * 768, a);
        float* o = out + (long long)img * 3 * plane + (long long)y * W + x;
        o[0] = aug_fmul((float)a[0], 1.0f / 255.0f);
        o[plane] = aug_fmul((float)a[1], 1.0f / 255.0f);
        o[2 * plane] = aug_fmul((float)a[2], 1.0f / 255.0f);
    }
}
VC_REGISTER(vc_augment_batch_u8);

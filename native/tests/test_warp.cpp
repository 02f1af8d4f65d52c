// test_warp.cpp -- shfl_down / shfl_xor / shfl / ballot / lane id per warp of 32, and the deadlock report for a
// shuffle that only half a warp reaches.
#include <cstring>

#include "harness.hpp"

int main()
{
    Emu emu({"selftest_warp_ops", "selftest_divergent_shfl"});
    const unsigned block = 128, blocks = 2, n = block * blocks, warps = n / 32;
    std::vector<float> host(n);
    for (unsigned i = 0; i < n; i++) host[i] = (i % 3 == 0) ? -static_cast<float>(i % 7) : static_cast<float>(i % 11);
    DeviceBuffer<float> in(host), sums(warps), allsum(n), bcast(n);
    DeviceBuffer<unsigned> ballots(warps), lanes(n);
    CHECK_CU(emu.launch("selftest_warp_ops", {blocks}, {block}, 0, in.ptr(), sums.ptr(), allsum.ptr(), ballots.ptr(),
                        lanes.ptr(), bcast.ptr()));
    auto s = sums.download();
    auto a = allsum.download();
    auto b = ballots.download();
    auto l = lanes.download();
    auto c = bcast.download();
    for (unsigned w = 0; w < warps; w++)
    {
        float expected = 0;
        unsigned ballot = 0;
        for (unsigned lane = 0; lane < 32; lane++)
        {
            expected += host[w * 32 + lane];
            if (host[w * 32 + lane] > 0) ballot |= 1u << lane;
        }
        CHECK_EQ(s[w], expected); // small integers: exact in any order
        CHECK_EQ(b[w], ballot);
        for (unsigned lane = 0; lane < 32; lane++)
        {
            CHECK_EQ(a[w * 32 + lane], expected);
            CHECK_EQ(l[w * 32 + lane], lane);
            CHECK_EQ(c[w * 32 + lane], host[w * 32 + 7]);
        }
    }

    DeviceBuffer<float> out(32);
    CUresult r = emu.launch("selftest_divergent_shfl", {1}, {32}, 0, out.ptr());
    CHECK_EQ(r, static_cast<CUresult>(CUDA_ERROR_LAUNCH_FAILED));
    CHECK(std::strstr(vcEmuGetLastErrorMessage(), "deadlock") != nullptr);
    CHECK(std::strstr(vcEmuGetLastErrorMessage(), "selftest_divergent_shfl") != nullptr);
    return vc_test_finish("test_warp");
}

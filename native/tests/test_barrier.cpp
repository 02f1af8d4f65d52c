// test_barrier.cpp -- vc_sync() is a real barrier, and shared memory starts every block as NaN.
#include <cmath>

#include "harness.hpp"

int main()
{
    Emu emu({"selftest_reverse", "selftest_barrier_count", "selftest_shared_probe"});

    // Reverse through dynamic shared memory: every thread reads a slot another thread wrote before the barrier.
    for (unsigned block : {32u, 100u, 256u, 1024u})
    {
        const int blocks = 3, n = static_cast<int>(block) * blocks;
        std::vector<float> host(n);
        for (int i = 0; i < n; i++) host[i] = static_cast<float>(i);
        DeviceBuffer<float> in(host), out(n);
        CHECK_CU(emu.launch("selftest_reverse", {blocks}, {block}, block * 4, out.ptr(), in.ptr(), n));
        auto r = out.download();
        for (int i = 0; i < n; i++)
        {
            int b = i / static_cast<int>(block), t = i % static_cast<int>(block);
            CHECK_EQ(r[i], host[b * static_cast<int>(block) + (static_cast<int>(block) - 1 - t)]);
        }
    }

    // Three barrier-separated rounds: each read sees exactly blockDim arrivals.
    {
        const unsigned block = 96, blocks = 4;
        DeviceBuffer<int> out(block * blocks);
        CHECK_CU(emu.launch("selftest_barrier_count", {blocks}, {block}, 0, out.ptr()));
        for (int v : out.download()) CHECK_EQ(v, 3 * static_cast<int>(block));
    }

    // Shared memory is NaN at each block start (static and dynamic), also after a previous block wrote it.
    {
        const unsigned block = 256, blocks = 3;
        DeviceBuffer<float> seenStatic(block * blocks), seenDynamic(block * blocks);
        CHECK_CU(emu.launch("selftest_shared_probe", {blocks}, {block}, block * 4, seenStatic.ptr(), seenDynamic.ptr()));
        for (float v : seenStatic.download()) CHECK(std::isnan(v));
        for (float v : seenDynamic.download()) CHECK(std::isnan(v));
        // A second launch must not see the first launch's writes either.
        CHECK_CU(emu.launch("selftest_shared_probe", {1}, {block}, block * 4, seenStatic.ptr(), seenDynamic.ptr()));
        auto s = seenStatic.download();
        for (unsigned i = 0; i < block; i++) CHECK(std::isnan(s[i]));
    }
    return vc_test_finish("test_barrier");
}

// test_atomics.cpp -- atomic add (f32, i32), max (f32, CAS loop) and CAS from many threads and blocks.
#include "harness.hpp"

int main()
{
    Emu emu({"selftest_atomics"});
    const int n = 1000; // not a multiple of the block size: the tail block has idle threads
    std::vector<float> host(n);
    float expectedSum = 0, expectedMax = -1e30f;
    for (int i = 0; i < n; i++)
    {
        host[i] = static_cast<float>((i * 37) % 101) - 50.0f;
        expectedSum += host[i];
        expectedMax = host[i] > expectedMax ? host[i] : expectedMax;
    }
    DeviceBuffer<float> in(host), fsum(std::vector<float>{0.0f}), fmax(std::vector<float>{-1e30f});
    DeviceBuffer<int> isum(std::vector<int>{0}), ticket(std::vector<int>{0});
    CHECK_CU(emu.launch("selftest_atomics", {(n + 255) / 256}, {256}, 0, in.ptr(), n, fsum.ptr(), isum.ptr(),
                        fmax.ptr(), ticket.ptr()));
    CHECK_EQ(fsum.download()[0], expectedSum); // integers below 2^24: exact in any order
    CHECK_EQ(isum.download()[0], n);
    CHECK_EQ(fmax.download()[0], expectedMax);
    CHECK_EQ(ticket.download()[0], n);
    return vc_test_finish("test_atomics");
}

// test_launch_limits.cpp -- the emulator refuses what a GPU refuses, and catches out-of-bounds stores:
// threads per block, block/grid dimensions, shared memory (dynamic alone, and static + dynamic at run time),
// pointer arguments that are not device memory, stores past an allocation, stores past dynamic shared memory.
#include <cstring>

#include "harness.hpp"

namespace
{
bool message_has(const char* text) { return std::strstr(vcEmuGetLastErrorMessage(), text) != nullptr; }
} // namespace

int main()
{
    Emu emu({"selftest_reverse", "selftest_big_shared", "selftest_store_at", "selftest_dynamic_overrun"});
    DeviceBuffer<float> buf(2048);
    const int n = 2048;

    CHECK_EQ(emu.launch("selftest_reverse", {1}, {1025}, 0, buf.ptr(), buf.ptr(), n), CUDA_ERROR_INVALID_VALUE);
    CHECK(message_has("1024 threads"));
    CHECK(message_has("selftest_reverse")); // every launch error names the kernel and configuration
    CHECK_EQ(emu.launch("selftest_reverse", {1}, {64, 32, 1}, 0, buf.ptr(), buf.ptr(), n), CUDA_ERROR_INVALID_VALUE);
    CHECK_EQ(emu.launch("selftest_reverse", {1}, {1, 1, 65}, 0, buf.ptr(), buf.ptr(), n), CUDA_ERROR_INVALID_VALUE);
    CHECK_EQ(emu.launch("selftest_reverse", {0}, {32}, 0, buf.ptr(), buf.ptr(), n), CUDA_ERROR_INVALID_VALUE);
    CHECK_EQ(emu.launch("selftest_reverse", {1, 65536}, {32}, 0, buf.ptr(), buf.ptr(), n), CUDA_ERROR_INVALID_VALUE);
    CHECK_EQ(emu.launch("selftest_reverse", {1}, {32}, 48 * 1024 + 4, buf.ptr(), buf.ptr(), n), CUDA_ERROR_INVALID_VALUE);
    CHECK_CU(emu.launch("selftest_reverse", {1}, {1024}, 4096, buf.ptr(), buf.ptr(), n)); // the maximum is fine

    // 40 KiB static shared: fine alone, too much with 16 KiB dynamic on top.
    CHECK_CU(emu.launch("selftest_big_shared", {2}, {256}, 0, buf.ptr()));
    CHECK_EQ(emu.launch("selftest_big_shared", {2}, {256}, 16 * 1024, buf.ptr()), CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES);
    CHECK(message_has("shared memory"));

    // Pointer arguments must be device memory.
    std::vector<float> host(16);
    CHECK_EQ(emu.launch("selftest_reverse", {1}, {16}, 64, host.data(), buf.ptr(), 16), CUDA_ERROR_ILLEGAL_ADDRESS);
    CHECK(message_has("parameter 0"));

    // Store just past the end of an allocation: caught by the guard zone.
    DeviceBuffer<float> small(10);
    CHECK_CU(emu.launch("selftest_store_at", {1}, {32}, 0, small.ptr(), 9ll));
    CHECK_EQ(emu.launch("selftest_store_at", {1}, {32}, 0, small.ptr(), 10ll), CUDA_ERROR_ILLEGAL_ADDRESS);
    CHECK(message_has("past the end"));

    // Store past the dynamic shared memory the launch asked for.
    CHECK_CU(emu.launch("selftest_dynamic_overrun", {1}, {32}, 33 * 4, buf.ptr(), 32));
    CHECK_EQ(emu.launch("selftest_dynamic_overrun", {1}, {32}, 32 * 4, buf.ptr(), 32), CUDA_ERROR_ILLEGAL_ADDRESS);
    CHECK(message_has("dynamic shared"));
    return vc_test_finish("test_launch_limits");
}

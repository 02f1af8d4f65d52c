// test_missing_sync.cpp -- the planted-bug test the issue asks for. kernels/selftest/selftest_transpose.cu (correct) and
// kernels/broken/missing_sync.cu (the same kernel with its vc_sync() removed, compiled into this executable only)
// transpose the same matrices. The correct one must match exactly; the broken one must NOT, because the emulator
// NaN-fills shared memory at block start and runs the threads of a block in a shuffled order, so a thread reads tile
// entries that their owners have not written yet. ctest runs this under several VC_EMU_SEED values.
#include <cmath>

#include "harness.hpp"

namespace
{
// Number of output elements that differ from the true transpose.
int transpose_errors(Emu& emu, const char* kernel, int rows, int cols)
{
    std::vector<float> host(static_cast<std::size_t>(rows) * cols);
    for (std::size_t i = 0; i < host.size(); i++) host[i] = static_cast<float>(i % 9973) + 0.5f;
    DeviceBuffer<float> in(host), out(host.size());
    CHECK_CU(emu.launch(kernel, {static_cast<unsigned>((cols + 31) / 32), static_cast<unsigned>((rows + 31) / 32)},
                        {32, 8}, 0, out.ptr(), in.ptr(), rows, cols));
    auto r = out.download();
    int errors = 0;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            errors += !(r[static_cast<std::size_t>(j) * rows + i] == host[static_cast<std::size_t>(i) * cols + j]);
    return errors;
}
} // namespace

int main()
{
    Emu emu({"selftest_transpose", "selftest_transpose_nosync"});
    for (auto [rows, cols] : {std::pair{64, 64}, std::pair{100, 37}, std::pair{1, 33}, std::pair{257, 300}})
    {
        int good = transpose_errors(emu, "selftest_transpose", rows, cols);
        int bad = transpose_errors(emu, "selftest_transpose_nosync", rows, cols);
        std::printf("%dx%d: correct kernel %d wrong, missing-sync kernel %d wrong\n", rows, cols, good, bad);
        CHECK_EQ(good, 0);
        CHECK(bad > 0); // even 1 x 33: thread (0, ty) reads the element thread (ty, 0) loaded
    }
    return vc_test_finish("test_missing_sync");
}

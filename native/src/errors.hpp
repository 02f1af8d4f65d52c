// errors.hpp -- CUresult helpers shared by every stand-in: fail() records a per-thread message that
// vcEmuGetLastErrorMessage() returns and hands back the code, so each error path is one line:
//     return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFree: 0x%llx was not returned by cuMemAlloc", p);
#pragma once

#include "visioncuda_emu.h"

namespace vc_emu
{
// Sets this thread's last-error message (printf-style) and returns `code`.
CUresult fail(CUresult code, const char* format, ...) __attribute__((format(printf, 2, 3)));
// The same for cuBLAS statuses.
cublasStatus_t fail_blas(cublasStatus_t code, const char* format, ...) __attribute__((format(printf, 2, 3)));
// True once cuInit has succeeded.
bool initialized();
// CUDA_SUCCESS if cuInit ran and this OS thread has a current context (cuCtxSetCurrent), as the real driver
// requires for memory, module and launch calls; otherwise the error, with a message naming `api`.
CUresult require_context(const char* api);
} // namespace vc_emu

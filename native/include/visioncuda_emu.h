/* visioncuda_emu.h -- the C ABI of libvisioncuda_emu.so, the host stand-in for libcuda.so.1 and libcublas.
 *
 * The cu* and cublas* functions have the symbol names and signatures of NVIDIA's (shared/docs/cuda-binding.md), so
 * the C# binding loads this library instead of the real ones on device `cuda-emu`. The vcEmu* functions are extras
 * that only the emulator has. All functions are safe to call from several OS threads; a launch runs entirely on the
 * calling thread.
 */
#ifndef VISIONCUDA_EMU_H
#define VISIONCUDA_EMU_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VC_EMU_EXPORT __attribute__((visibility("default")))

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st* CUcontext;
typedef struct CUmod_st* CUmodule;
typedef struct CUfunc_st* CUfunction;
typedef struct CUstream_st* CUstream;
typedef struct CUevent_st* CUevent;
typedef int CUjit_option;
typedef struct cublasContext* cublasHandle_t;
typedef int cublasStatus_t;

enum
{
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    CUDA_ERROR_INVALID_PTX = 218,
    CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_NOT_SUPPORTED = 801,
    CUDA_ERROR_UNKNOWN = 999
};

enum
{
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_ALLOC_FAILED = 3,
    CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_EXECUTION_FAILED = 13,
    CUBLAS_STATUS_INTERNAL_ERROR = 14,
    CUBLAS_STATUS_NOT_SUPPORTED = 15
};

/* ---- driver API subset ---- */
VC_EMU_EXPORT CUresult cuInit(unsigned flags);
VC_EMU_EXPORT CUresult cuDriverGetVersion(int* version);
VC_EMU_EXPORT CUresult cuDeviceGetCount(int* count);
VC_EMU_EXPORT CUresult cuDeviceGet(CUdevice* device, int ordinal);
VC_EMU_EXPORT CUresult cuDeviceGetName(char* name, int len, CUdevice device);
VC_EMU_EXPORT CUresult cuDeviceGetAttribute(int* value, int attrib, CUdevice device);
VC_EMU_EXPORT CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice device);
VC_EMU_EXPORT CUresult cuMemGetInfo_v2(size_t* freeBytes, size_t* totalBytes);
VC_EMU_EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext* ctx, CUdevice device);
VC_EMU_EXPORT CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device);
VC_EMU_EXPORT CUresult cuCtxSetCurrent(CUcontext ctx);
VC_EMU_EXPORT CUresult cuCtxGetCurrent(CUcontext* ctx);
VC_EMU_EXPORT CUresult cuCtxSynchronize(void);
VC_EMU_EXPORT CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned numOptions,
                                          CUjit_option* options, void** optionValues);
VC_EMU_EXPORT CUresult cuModuleLoadData(CUmodule* module, const void* image);
VC_EMU_EXPORT CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name);
VC_EMU_EXPORT CUresult cuModuleUnload(CUmodule module);
VC_EMU_EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX,
                                      unsigned blockY, unsigned blockZ, unsigned sharedMemBytes, CUstream stream,
                                      void** kernelParams, void** extra);
VC_EMU_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes);
VC_EMU_EXPORT CUresult cuMemFree_v2(CUdeviceptr dptr);
VC_EMU_EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes);
VC_EMU_EXPORT CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes);
VC_EMU_EXPORT CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes);
VC_EMU_EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, CUstream stream);
VC_EMU_EXPORT CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, CUstream stream);
VC_EMU_EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream);
VC_EMU_EXPORT CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned value, size_t count);
VC_EMU_EXPORT CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t count, CUstream stream);
VC_EMU_EXPORT CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t count);
VC_EMU_EXPORT CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, CUstream stream);
VC_EMU_EXPORT CUresult cuMemAllocHost_v2(void** ptr, size_t bytes);
VC_EMU_EXPORT CUresult cuMemFreeHost(void* ptr);
VC_EMU_EXPORT CUresult cuStreamCreate(CUstream* stream, unsigned flags);
VC_EMU_EXPORT CUresult cuStreamSynchronize(CUstream stream);
VC_EMU_EXPORT CUresult cuStreamDestroy_v2(CUstream stream);
VC_EMU_EXPORT CUresult cuEventCreate(CUevent* event, unsigned flags);
VC_EMU_EXPORT CUresult cuEventRecord(CUevent event, CUstream stream);
VC_EMU_EXPORT CUresult cuEventSynchronize(CUevent event);
VC_EMU_EXPORT CUresult cuEventElapsedTime(float* ms, CUevent start, CUevent end);
VC_EMU_EXPORT CUresult cuEventDestroy_v2(CUevent event);
VC_EMU_EXPORT CUresult cuGetErrorName(CUresult error, const char** name);
VC_EMU_EXPORT CUresult cuGetErrorString(CUresult error, const char** text);

/* ---- cuBLAS subset (column-major, host pointer mode) ---- */
VC_EMU_EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t* handle);
VC_EMU_EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);
VC_EMU_EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, CUstream stream);
VC_EMU_EXPORT cublasStatus_t cublasSetMathMode(cublasHandle_t handle, int mode);
VC_EMU_EXPORT cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, int opA, int opB, int m, int n, int k,
                                            const float* alpha, const float* A, int lda, const float* B, int ldb,
                                            const float* beta, float* C, int ldc);
VC_EMU_EXPORT cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, int opA, int opB, int m, int n, int k,
                                                       const float* alpha, const float* A, int lda, long long strideA,
                                                       const float* B, int ldb, long long strideB, const float* beta,
                                                       float* C, int ldc, long long strideC, int batchCount);
VC_EMU_EXPORT cublasStatus_t cublasGemmEx(cublasHandle_t handle, int opA, int opB, int m, int n, int k,
                                          const void* alpha, const void* A, int Atype, int lda, const void* B,
                                          int Btype, int ldb, const void* beta, void* C, int Ctype, int ldc,
                                          int computeType, int algo);
VC_EMU_EXPORT const char* cublasGetStatusName(cublasStatus_t status);
VC_EMU_EXPORT const char* cublasGetStatusString(cublasStatus_t status);

/* ---- emulator extras ---- */
/* Message of the last failure on this OS thread (empty if none): which kernel, which check, which values. */
VC_EMU_EXPORT const char* vcEmuGetLastErrorMessage(void);
/* Seed of the thread-order permutations (default: env VC_EMU_SEED, else 0). */
VC_EMU_EXPORT void vcEmuSetSeed(unsigned long long seed);
/* Device-memory cap for cuMemAlloc in bytes (0 = none; default: env VC_EMU_MEM_LIMIT_MB), to exercise OOM paths. */
VC_EMU_EXPORT void vcEmuSetMemoryLimit(size_t bytes);
/* Bytes currently allocated with cuMemAlloc (tests use it to find leaks). */
VC_EMU_EXPORT size_t vcEmuGetAllocatedBytes(void);
/* Parameter count and sizes of a registered kernel; returns 0 if `name` is not registered, else 1.
   sizes may be NULL; at most maxSizes entries are written. */
VC_EMU_EXPORT int vcEmuGetKernelInfo(const char* name, int* paramCount, int* sizes, int maxSizes);

#ifdef __cplusplus
}
#endif

#endif

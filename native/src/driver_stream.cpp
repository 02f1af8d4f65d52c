// driver_stream.cpp -- streams and events. The emulator runs everything synchronously in call order, so streams are
// bookkeeping only (validated handles) and an event records the host time at which it was recorded, which makes
// cuEventElapsedTime measure the emulated work between two records.
#include <chrono>
#include <mutex>
#include <set>

#include "errors.hpp"

struct CUstream_st
{
    unsigned flags;
};

struct CUevent_st
{
    unsigned flags;
    bool recorded = false;
    std::chrono::steady_clock::time_point time;
};

namespace vc_emu
{
namespace
{
constexpr unsigned kEventDisableTiming = 2;

struct Registry
{
    std::mutex mutex;
    std::set<CUstream> streams;
    std::set<CUevent> events;
};

Registry& registry()
{
    static Registry instance;
    return instance;
}

bool valid_stream(Registry& r, CUstream s) { return s == nullptr || r.streams.count(s) != 0; }
} // namespace
} // namespace vc_emu

using namespace vc_emu;

extern "C" {
CUresult cuStreamCreate(CUstream* stream, unsigned flags)
{
    if (stream == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuStreamCreate: null pointer");
    if (CUresult r = require_context("cuStreamCreate")) return r;
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    *stream = new CUstream_st{flags};
    r.streams.insert(*stream);
    return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream stream)
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (!valid_stream(r, stream))
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamSynchronize: %p is not a live stream", static_cast<void*>(stream));
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream stream)
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (stream == nullptr || r.streams.erase(stream) == 0)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamDestroy: %p is not a live stream", static_cast<void*>(stream));
    delete stream;
    return CUDA_SUCCESS;
}

CUresult cuEventCreate(CUevent* event, unsigned flags)
{
    if (event == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuEventCreate: null pointer");
    if (CUresult r = require_context("cuEventCreate")) return r;
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    *event = new CUevent_st{flags, false, {}};
    r.events.insert(*event);
    return CUDA_SUCCESS;
}

CUresult cuEventRecord(CUevent event, CUstream stream)
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (r.events.count(event) == 0)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventRecord: %p is not a live event", static_cast<void*>(event));
    if (!valid_stream(r, stream))
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventRecord: %p is not a live stream", static_cast<void*>(stream));
    event->recorded = true;
    event->time = std::chrono::steady_clock::now();
    return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent event)
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (r.events.count(event) == 0)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventSynchronize: %p is not a live event", static_cast<void*>(event));
    return CUDA_SUCCESS;
}

CUresult cuEventElapsedTime(float* ms, CUevent start, CUevent end)
{
    if (ms == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, "cuEventElapsedTime: null pointer");
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (r.events.count(start) == 0 || r.events.count(end) == 0)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime: not a live event");
    if ((start->flags | end->flags) & kEventDisableTiming)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime: an event was created with CU_EVENT_DISABLE_TIMING");
    if (!start->recorded || !end->recorded)
        return fail(CUDA_ERROR_NOT_READY, "cuEventElapsedTime: an event has not been recorded");
    *ms = std::chrono::duration<float, std::milli>(end->time - start->time).count();
    return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(CUevent event)
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (event == nullptr || r.events.erase(event) == 0)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventDestroy: %p is not a live event", static_cast<void*>(event));
    delete event;
    return CUDA_SUCCESS;
}
}

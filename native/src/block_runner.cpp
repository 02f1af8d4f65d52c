// block_runner.cpp -- see block_runner.hpp for the model. This file also defines the vc_emu:: runtime entry points
// that kernels reach through common/platform_emu.cuh (sync_threads, warp_exchange, shared memory, thread indices).
#include "block_runner.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <vector>

#include "../../kernels/common/platform_emu.cuh"
#include "fiber.hpp"

namespace vc_emu
{
thread_local dim3_t tl_threadIdx, tl_blockIdx, tl_blockDim, tl_gridDim;

namespace
{
constexpr unsigned kWarpSize = 32;
constexpr std::size_t kDynamicGuardBytes = 64;
constexpr unsigned char kGuardByte = 0xA5;
constexpr unsigned kPoisonBits = 0xFFFFFFFFu; // what a lane reads from a lane that is not there (a NaN)

std::atomic<unsigned long long> globalSeed{[] {
    const char* s = std::getenv("VC_EMU_SEED");
    return s != nullptr ? std::strtoull(s, nullptr, 0) : 0ull;
}()};

// SplitMix64: small, fast, good enough to shuffle thread orders.
struct Rng
{
    unsigned long long state;
    unsigned long long next()
    {
        unsigned long long z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

unsigned long long hash_name(const std::string& s)
{
    unsigned long long h = 1469598103934665603ull; // FNV-1a
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

enum class State : unsigned char
{
    Ready,
    AtBlockBarrier,
    AtWarpOp,
    Done,
};

struct ThreadSlot
{
    Fiber fiber;
    dim3_t index;
    State state;
};

struct WarpSlot
{
    int op = 0;
    unsigned arrived = 0; // bit per lane
    unsigned values[kWarpSize];
    int args[kWarpSize];
    unsigned results[kWarpSize];
};

const char* warp_op_name(int op)
{
    switch (op)
    {
    case WarpShflDown: return "shfl_down";
    case WarpShflXor: return "shfl_xor";
    case WarpShflIdx: return "shfl";
    case WarpBallot: return "ballot";
    case WarpSync: return "syncwarp";
    default: return "?";
    }
}

class Runner
{
public:
    Runner() : pool_(stack_bytes()) {}

    CUresult run(const LaunchConfig& launch, std::string& message);

    // ---- called from inside fibers ----
    bool active() const { return launch_ != nullptr; }
    void yield(State state)
    {
        ThreadSlot& self = threads_[current_];
        self.state = state;
        switch_fiber(self.fiber, scheduler_);
    }
    [[noreturn]] void abort_launch(CUresult code, const std::string& message)
    {
        failCode_ = code;
        failMessage_ = message;
        yield(State::Done);
        std::abort(); // never resumed
    }
    unsigned current_linear() const { return current_; }
    WarpSlot& warp_of_current() { return warps_[current_ / kWarpSize]; }
    void* dynamic_shared() { return dynamicShared_.get(); }
    void touch_static_shared(void* storage, std::size_t bytes, unsigned long long* generation);
    const LaunchConfig& launch() const { return *launch_; }

private:
    static std::size_t stack_bytes()
    {
        const char* kb = std::getenv("VC_EMU_STACK_KB");
        std::size_t v = kb != nullptr ? std::strtoull(kb, nullptr, 10) : 64;
        return (v < 16 ? 16 : v) * 1024;
    }
    static void fiber_main(void* arg);
    CUresult run_block(unsigned long long linearBlock, std::string& message);
    bool complete_warps();
    std::string describe_stall() const;

    StackPool pool_;
    Fiber scheduler_;
    std::vector<ThreadSlot> threads_;
    std::vector<WarpSlot> warps_;
    std::vector<unsigned> order_;
    unsigned current_ = 0;
    const LaunchConfig* launch_ = nullptr;
    std::unique_ptr<unsigned char, decltype(&std::free)> dynamicShared_{nullptr, &std::free};
    std::size_t dynamicCapacity_ = 0;
    std::size_t staticSharedBytes_ = 0;
    unsigned long long blockGeneration_ = 0;
    Rng rng_{0};
    CUresult failCode_ = CUDA_SUCCESS;
    std::string failMessage_;
};

thread_local std::unique_ptr<Runner> tlRunner;

Runner* active_runner()
{
    Runner* r = tlRunner.get();
    return r != nullptr && r->active() ? r : nullptr;
}

void Runner::fiber_main(void* arg)
{
    auto* self = static_cast<Runner*>(arg);
    const LaunchConfig& l = *self->launch_;
    l.kernel->thunk(l.kernel->fn, l.params);
    self->yield(State::Done);
    std::abort(); // a finished fiber is never resumed
}

void Runner::touch_static_shared(void* storage, std::size_t bytes, unsigned long long* generation)
{
    if (*generation == blockGeneration_) return;
    *generation = blockGeneration_;
    std::memset(storage, 0xFF, bytes);
    staticSharedBytes_ += bytes;
    std::size_t total = staticSharedBytes_ + launch_->dynamicSharedBytes;
    if (total > kMaxSharedBytesPerBlock)
    {
        char text[256];
        std::snprintf(text, sizeof text,
                      "static shared memory (%zu bytes so far) + dynamic (%u bytes) exceeds the %u-byte limit per block",
                      staticSharedBytes_, launch_->dynamicSharedBytes, kMaxSharedBytesPerBlock);
        abort_launch(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, text);
    }
}

CUresult Runner::run(const LaunchConfig& launch, std::string& message)
{
    const unsigned threadsPerBlock = launch.block.x * launch.block.y * launch.block.z;
    if (!pool_.reserve(threadsPerBlock))
    {
        message = "could not map fiber stacks";
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    threads_.resize(threadsPerBlock);
    warps_.assign((threadsPerBlock + kWarpSize - 1) / kWarpSize, WarpSlot{});
    for (unsigned t = 0; t < threadsPerBlock; t++)
        threads_[t].index = {t % launch.block.x, (t / launch.block.x) % launch.block.y,
                             t / (launch.block.x * launch.block.y)};
    std::size_t dynamicBytes = launch.dynamicSharedBytes + kDynamicGuardBytes;
    if (dynamicBytes > dynamicCapacity_)
    {
        std::size_t rounded = (dynamicBytes + 63) / 64 * 64;
        dynamicShared_.reset(static_cast<unsigned char*>(std::aligned_alloc(64, rounded)));
        dynamicCapacity_ = rounded;
    }

    tl_blockDim = {launch.block.x, launch.block.y, launch.block.z};
    tl_gridDim = {launch.grid.x, launch.grid.y, launch.grid.z};
    const unsigned long long blocks =
        static_cast<unsigned long long>(launch.grid.x) * launch.grid.y * launch.grid.z;
    const unsigned long long seed = get_seed() ^ hash_name(launch.kernel->name);

    // Block order: an affine bijection i -> (a*i + b) mod blocks with gcd(a, blocks) = 1, chosen from the seed.
    Rng orderRng{seed};
    unsigned long long a = 1, b = 0;
    if (blocks > 1)
    {
        a = orderRng.next() % blocks | 1;
        while (std::gcd(a, blocks) != 1) a = (a + 2) % blocks;
        b = orderRng.next() % blocks;
    }

    launch_ = &launch;
    failCode_ = CUDA_SUCCESS;
    CUresult result = CUDA_SUCCESS;
    for (unsigned long long i = 0; i < blocks && result == CUDA_SUCCESS; i++)
    {
        unsigned long long linear =
            static_cast<unsigned long long>((static_cast<unsigned __int128>(a) * i + b) % blocks);
        rng_.state = seed ^ (linear * 0xD1B54A32D192ED03ull);
        result = run_block(linear, message);
    }
    launch_ = nullptr;
    return result;
}

CUresult Runner::run_block(unsigned long long linearBlock, std::string& message)
{
    const LaunchConfig& l = *launch_;
    tl_blockIdx = {static_cast<unsigned>(linearBlock % l.grid.x),
                   static_cast<unsigned>(linearBlock / l.grid.x % l.grid.y),
                   static_cast<unsigned>(linearBlock / (static_cast<unsigned long long>(l.grid.x) * l.grid.y))};
    blockGeneration_++;
    staticSharedBytes_ = 0;
    std::memset(dynamicShared_.get(), 0xFF, l.dynamicSharedBytes);
    std::memset(dynamicShared_.get() + l.dynamicSharedBytes, kGuardByte, kDynamicGuardBytes);
    for (auto& w : warps_) { w.arrived = 0; w.op = 0; }
    for (unsigned t = 0; t < threads_.size(); t++)
    {
        threads_[t].state = State::Ready;
        init_fiber(threads_[t].fiber, pool_.stack(t), pool_.stack_bytes(), &Runner::fiber_main, this);
    }

    const unsigned n = static_cast<unsigned>(threads_.size());
    for (;;)
    {
        // One sweep: every runnable thread once, in a fresh random order.
        order_.clear();
        for (unsigned t = 0; t < n; t++)
            if (threads_[t].state == State::Ready) order_.push_back(t);
        for (std::size_t i = order_.size(); i > 1; i--) std::swap(order_[i - 1], order_[rng_.below(i)]);
        for (unsigned t : order_)
        {
            current_ = t;
            tl_threadIdx = threads_[t].index;
            switch_fiber(scheduler_, threads_[t].fiber);
            if (failCode_ != CUDA_SUCCESS)
            {
                message = failMessage_ + " (block " + std::to_string(tl_blockIdx.x) + "," +
                          std::to_string(tl_blockIdx.y) + "," + std::to_string(tl_blockIdx.z) + ", thread " +
                          std::to_string(tl_threadIdx.x) + "," + std::to_string(tl_threadIdx.y) + "," +
                          std::to_string(tl_threadIdx.z) + ")";
                return failCode_;
            }
        }
        if (complete_warps()) continue;

        unsigned done = 0, atBarrier = 0;
        for (const auto& t : threads_)
        {
            done += t.state == State::Done;
            atBarrier += t.state == State::AtBlockBarrier;
        }
        if (done == n) break;
        if (done + atBarrier == n)
        {
            // Every live thread reached vc_sync (exited threads count as arrived, as on Volta and later).
            for (auto& t : threads_)
                if (t.state == State::AtBlockBarrier) t.state = State::Ready;
            continue;
        }
        message = describe_stall();
        return CUDA_ERROR_LAUNCH_FAILED;
    }

    const unsigned char* guard = dynamicShared_.get() + l.dynamicSharedBytes;
    for (std::size_t i = 0; i < kDynamicGuardBytes; i++)
        if (guard[i] != kGuardByte)
        {
            message = "a thread wrote past the end of dynamic shared memory (" + std::to_string(l.dynamicSharedBytes) +
                      " bytes requested at launch) in block " + std::to_string(tl_blockIdx.x) + "," +
                      std::to_string(tl_blockIdx.y) + "," + std::to_string(tl_blockIdx.z);
            return CUDA_ERROR_ILLEGAL_ADDRESS;
        }
    return CUDA_SUCCESS;
}

// Completes every warp whose live lanes have all arrived at the same warp op. Returns true if any did.
bool Runner::complete_warps()
{
    bool progress = false;
    const unsigned n = static_cast<unsigned>(threads_.size());
    for (unsigned w = 0; w < warps_.size(); w++)
    {
        WarpSlot& ws = warps_[w];
        if (ws.arrived == 0) continue;
        unsigned live = 0;
        for (unsigned lane = 0; lane < kWarpSize && w * kWarpSize + lane < n; lane++)
            if (threads_[w * kWarpSize + lane].state != State::Done) live |= 1u << lane;
        if ((ws.arrived & live) != live) continue; // someone is still running or parked elsewhere
        unsigned ballot = 0;
        for (unsigned lane = 0; lane < kWarpSize; lane++)
            if ((ws.arrived >> lane & 1) && (ws.values[lane] & 1)) ballot |= 1u << lane;
        for (unsigned lane = 0; lane < kWarpSize; lane++)
        {
            if (!(ws.arrived >> lane & 1)) continue;
            int src = static_cast<int>(lane);
            switch (ws.op)
            {
            case WarpShflDown:
                src = static_cast<int>(lane) + ws.args[lane];
                if (src >= static_cast<int>(kWarpSize)) src = static_cast<int>(lane); // clamp: keep own value
                break;
            case WarpShflXor: src = static_cast<int>(lane ^ static_cast<unsigned>(ws.args[lane])); break;
            case WarpShflIdx: src = ws.args[lane] & static_cast<int>(kWarpSize - 1); break;
            default: break;
            }
            if (ws.op == WarpBallot)
                ws.results[lane] = ballot;
            else if (src < 0 || src >= static_cast<int>(kWarpSize) || !(ws.arrived >> src & 1))
                ws.results[lane] = kPoisonBits; // reading a lane that does not exist or has exited
            else
                ws.results[lane] = ws.values[src];
            threads_[w * kWarpSize + lane].state = State::Ready;
        }
        ws.arrived = 0;
        ws.op = 0;
        progress = true;
    }
    return progress;
}

std::string Runner::describe_stall() const
{
    for (unsigned w = 0; w < warps_.size(); w++)
    {
        const WarpSlot& ws = warps_[w];
        if (ws.arrived == 0) continue;
        unsigned atBarrier = 0;
        for (unsigned lane = 0; lane < kWarpSize && w * kWarpSize + lane < threads_.size(); lane++)
            if (threads_[w * kWarpSize + lane].state == State::AtBlockBarrier) atBarrier |= 1u << lane;
        char text[256];
        std::snprintf(text, sizeof text,
                      "deadlock in block %u,%u,%u: warp %u lanes 0x%08x wait in vc_%s while lanes 0x%08x wait in "
                      "vc_sync (warp ops must be called by all live lanes of the warp)",
                      tl_blockIdx.x, tl_blockIdx.y, tl_blockIdx.z, w, ws.arrived, warp_op_name(ws.op), atBarrier);
        return text;
    }
    return "deadlock: no thread can make progress";
}

Runner& runner_for_this_thread()
{
    if (!tlRunner) tlRunner = std::make_unique<Runner>();
    return *tlRunner;
}
} // namespace

// ---- runtime entry points used by kernels (platform_emu.cuh) ----

void sync_threads()
{
    if (Runner* r = active_runner()) r->yield(State::AtBlockBarrier);
}

unsigned lane_id()
{
    Runner* r = active_runner();
    return r != nullptr ? r->current_linear() % kWarpSize : 0;
}

unsigned warp_exchange(WarpOp op, int arg, unsigned value)
{
    Runner* r = active_runner();
    if (r == nullptr) return value;
    WarpSlot& ws = r->warp_of_current();
    unsigned lane = r->current_linear() % kWarpSize;
    if (ws.arrived != 0 && ws.op != op)
    {
        char text[200];
        std::snprintf(text, sizeof text, "lanes of warp %u called different warp operations (vc_%s and vc_%s)",
                      r->current_linear() / kWarpSize, warp_op_name(ws.op), warp_op_name(op));
        r->abort_launch(CUDA_ERROR_LAUNCH_FAILED, text);
    }
    ws.op = op;
    ws.arrived |= 1u << lane;
    ws.values[lane] = value;
    ws.args[lane] = arg;
    r->yield(State::AtWarpOp);
    return ws.results[lane];
}

void sync_warp() { warp_exchange(WarpSync, 0, 0); }

void* dynamic_shared()
{
    Runner* r = active_runner();
    return r != nullptr ? r->dynamic_shared() : nullptr;
}

void shared_first_touch(void* storage, std::size_t bytes, unsigned long long* generation)
{
    if (Runner* r = active_runner()) r->touch_static_shared(storage, bytes, generation);
}

CUresult run_launch(const LaunchConfig& launch, std::string& message)
{
    return runner_for_this_thread().run(launch, message);
}

void set_seed(unsigned long long seed) { globalSeed.store(seed); }
unsigned long long get_seed() { return globalSeed.load(); }
} // namespace vc_emu

extern "C" void vcEmuSetSeed(unsigned long long seed) { vc_emu::set_seed(seed); }

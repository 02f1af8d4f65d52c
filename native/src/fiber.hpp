// fiber.hpp -- minimal user-level contexts for the emulator: one per emulated CUDA thread.
//
// A Fiber is a saved stack pointer. switch_fiber(from, to) saves the callee-saved registers of the running context
// on its own stack, stores its stack pointer into `from`, and resumes `to`. On x86-64 this is a dozen instructions
// of assembly (no signal-mask syscall, unlike swapcontext, which matters: a conv launch switches a million times);
// elsewhere (or with -DVC_EMU_UCONTEXT) it falls back to ucontext (makecontext/swapcontext).
//
// Stacks come from a StackPool: one mmap per pool slot with a PROT_NONE guard page below it, so a kernel that
// overflows its fiber stack faults instead of silently corrupting its neighbour's stack.
#pragma once

#include <cstddef>
#include <vector>

#if defined(__x86_64__) && !defined(VC_EMU_UCONTEXT)
#define VC_EMU_ASM_FIBERS 1
#else
#include <ucontext.h>
#endif

namespace vc_emu
{
using FiberEntry = void (*)(void* arg);

struct Fiber
{
#if defined(VC_EMU_ASM_FIBERS)
    void* sp = nullptr;
#else
    ucontext_t context{};
#endif
};

// Prepares `fiber` to run entry(arg) on [stackBase, stackBase + stackSize) at its first switch. entry must never
// return: it ends by switching away for good.
void init_fiber(Fiber& fiber, void* stackBase, std::size_t stackSize, FiberEntry entry, void* arg);

// Saves the current context into `from` and resumes `to`.
void switch_fiber(Fiber& from, Fiber& to);

class StackPool
{
public:
    explicit StackPool(std::size_t stackBytes);
    ~StackPool();
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;

    // Makes sure at least `count` stacks exist; returns false if mmap fails.
    bool reserve(std::size_t count);
    void* stack(std::size_t index) const { return stacks_[index]; }
    std::size_t stack_bytes() const { return stackBytes_; }

private:
    std::size_t stackBytes_;
    std::size_t guardBytes_;
    std::vector<void*> stacks_; // usable base of each stack (just above its guard page)
};
} // namespace vc_emu

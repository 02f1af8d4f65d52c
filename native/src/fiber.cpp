// fiber.cpp -- see fiber.hpp. The x86-64 switch follows the System V ABI: rbx, rbp, r12-r15 are callee-saved.
// The MXCSR / x87 control words are deliberately not switched (ldmxcsr/fldcw cost more than the rest of the switch):
// every context runs with the process's default rounding mode, and kernels never change it. The 8-byte slot below
// the saved registers only keeps the frame 16-byte aligned.
#include "fiber.hpp"

#include <cstdint>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

#if defined(VC_EMU_ASM_FIBERS)
extern "C" void vc_emu_fiber_switch(void** saveSp, void* loadSp);
extern "C" void vc_emu_fiber_trampoline();

asm(R"(
    .text
    .globl vc_emu_fiber_switch
    .hidden vc_emu_fiber_switch
    .type vc_emu_fiber_switch, @function
vc_emu_fiber_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size vc_emu_fiber_switch, .-vc_emu_fiber_switch

    .globl vc_emu_fiber_trampoline
    .hidden vc_emu_fiber_trampoline
    .type vc_emu_fiber_trampoline, @function
vc_emu_fiber_trampoline:
    movq %r12, %rdi
    callq *%r13
    ud2
    .size vc_emu_fiber_trampoline, .-vc_emu_fiber_trampoline
)");
#endif

namespace vc_emu
{
#if defined(VC_EMU_ASM_FIBERS)
void init_fiber(Fiber& fiber, void* stackBase, std::size_t stackSize, FiberEntry entry, void* arg)
{
    // Frame that vc_emu_fiber_switch "returns" into: [pad][r15][r14][r13=entry][r12=arg][rbx][rbp][ret].
    // After its final `ret` the trampoline runs with rsp 16-byte aligned, so its `call` enters entry() with the
    // alignment the ABI expects.
    auto top = (reinterpret_cast<std::uintptr_t>(stackBase) + stackSize) & ~std::uintptr_t{15};
    auto* frame = reinterpret_cast<std::uint64_t*>(top - 16 - 64);
    frame[0] = 0;                                          // alignment pad
    frame[1] = 0;                                          // r15
    frame[2] = 0;                                          // r14
    frame[3] = reinterpret_cast<std::uint64_t>(entry);     // r13
    frame[4] = reinterpret_cast<std::uint64_t>(arg);       // r12
    frame[5] = 0;                                          // rbx
    frame[6] = 0;                                          // rbp
    frame[7] = reinterpret_cast<std::uint64_t>(&vc_emu_fiber_trampoline);
    fiber.sp = frame;
}

void switch_fiber(Fiber& from, Fiber& to) { vc_emu_fiber_switch(&from.sp, to.sp); }
#else
namespace
{
// makecontext passes only int arguments: hand over a pointer to the (entry, arg) pair as two 32-bit halves.
void ucontext_start(unsigned hi, unsigned lo)
{
    auto** pair = reinterpret_cast<void**>((static_cast<std::uintptr_t>(hi) << 32) | lo);
    reinterpret_cast<FiberEntry>(pair[0])(pair[1]);
}
} // namespace

void init_fiber(Fiber& fiber, void* stackBase, std::size_t stackSize, FiberEntry entry, void* arg)
{
    // The pair lives at the lowest address of the fiber's own stack, far below anything the fiber will touch.
    auto** pair = static_cast<void**>(stackBase);
    pair[0] = reinterpret_cast<void*>(entry);
    pair[1] = arg;
    getcontext(&fiber.context);
    fiber.context.uc_stack.ss_sp = static_cast<char*>(stackBase) + 64;
    fiber.context.uc_stack.ss_size = stackSize - 64;
    fiber.context.uc_link = nullptr;
    auto p = reinterpret_cast<std::uintptr_t>(pair);
    makecontext(&fiber.context, reinterpret_cast<void (*)()>(&ucontext_start), 2, static_cast<unsigned>(p >> 32),
                static_cast<unsigned>(p));
}

void switch_fiber(Fiber& from, Fiber& to) { swapcontext(&from.context, &to.context); }
#endif

StackPool::StackPool(std::size_t stackBytes)
    : stackBytes_(stackBytes), guardBytes_(static_cast<std::size_t>(sysconf(_SC_PAGESIZE)))
{
}

StackPool::~StackPool()
{
    for (void* base : stacks_) munmap(static_cast<char*>(base) - guardBytes_, stackBytes_ + guardBytes_);
}

bool StackPool::reserve(std::size_t count)
{
    while (stacks_.size() < count)
    {
        // Pages are committed lazily by the kernel, so 1024 x 64 KiB of address space costs little real memory.
        void* mem = mmap(nullptr, stackBytes_ + guardBytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED) return false;
        mprotect(mem, guardBytes_, PROT_NONE);
        stacks_.push_back(static_cast<char*>(mem) + guardBytes_);
    }
    return true;
}
} // namespace vc_emu

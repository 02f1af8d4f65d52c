// ptx_scan.hpp -- the little the emulator needs from PTX text: is it PTX at all, and which .entry names it declares.
// The emulator does not execute PTX; the names select kernels compiled from the same .cu sources (registry.hpp).
#pragma once

#include <string>
#include <vector>

namespace vc_emu
{
// True if `text` looks like PTX: it has both a `.version` and a `.target` directive.
bool looks_like_ptx(const char* text);
// Names declared with `.entry` (kernels), in order of appearance.
std::vector<std::string> ptx_entries(const char* text);
} // namespace vc_emu

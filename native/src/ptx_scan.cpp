// ptx_scan.cpp -- see ptx_scan.hpp. A token scan, not a parser: `.entry` followed by an identifier
// ([A-Za-z_$%][A-Za-z0-9_$]*), skipping // and /* */ comments so commented-out kernels do not count.
#include "ptx_scan.hpp"

#include <cctype>
#include <cstring>

namespace vc_emu
{
namespace
{
bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '%'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// Calls visit(directive, position after it) for every `.word` outside comments.
template <typename Visit>
void scan_directives(const char* text, Visit visit)
{
    const char* p = text;
    while (*p != '\0')
    {
        if (p[0] == '/' && p[1] == '/')
        {
            while (*p != '\0' && *p != '\n') p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '*')
        {
            const char* end = std::strstr(p + 2, "*/");
            p = end != nullptr ? end + 2 : p + std::strlen(p);
            continue;
        }
        if (*p == '.' && (p == text || !ident_char(p[-1])))
        {
            const char* start = ++p;
            while (ident_char(*p)) p++;
            if (!visit(std::string(start, p), p)) return;
            continue;
        }
        p++;
    }
}
} // namespace

bool looks_like_ptx(const char* text)
{
    bool version = false, target = false;
    scan_directives(text, [&](const std::string& d, const char*) {
        version |= d == "version";
        target |= d == "target";
        return !(version && target);
    });
    return version && target;
}

std::vector<std::string> ptx_entries(const char* text)
{
    std::vector<std::string> names;
    scan_directives(text, [&](const std::string& d, const char* after) {
        if (d != "entry") return true;
        while (std::isspace(static_cast<unsigned char>(*after))) after++;
        if (ident_start(*after))
        {
            const char* start = after++;
            while (ident_char(*after)) after++;
            names.emplace_back(start, after);
        }
        return true;
    });
    return names;
}
} // namespace vc_emu

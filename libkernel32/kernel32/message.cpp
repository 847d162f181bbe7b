// FormatMessageA/W: system error messages (the Windows texts of the common codes) and message
// strings with inserts (%1..%99, %1!fmt!, %0 %n %% %r %t %. %! %space).
#include <cstring>
#include <string>

#include "builtin/builtin.h"
#include "k32.h"
#include "msvcrt/format.h"
#include "unicode.h"

namespace winrun::k32 {

HANDLE WINAPI LocalAlloc(UINT flags, SIZE_T size);

namespace {
constexpr DWORD FM_ALLOCATE_BUFFER = 0x100, FM_IGNORE_INSERTS = 0x200, FM_FROM_STRING = 0x400, FM_FROM_HMODULE = 0x800,
                FM_FROM_SYSTEM = 0x1000, FM_ARGUMENT_ARRAY = 0x2000, FM_MAX_WIDTH_MASK = 0xFF;
constexpr DWORD ERROR_MR_MID_NOT_FOUND = 317, ERROR_RESOURCE_TYPE_NOT_FOUND = 1813;

struct SystemMessage {
    DWORD id;
    const char* text;
};
// Windows' own texts (en-US), each ending in CR LF as the system message table has them.
const SystemMessage k_messages[] = {
    {0, "The operation completed successfully."},
    {1, "Incorrect function."},
    {2, "The system cannot find the file specified."},
    {3, "The system cannot find the path specified."},
    {4, "The system cannot open the file."},
    {5, "Access is denied."},
    {6, "The handle is invalid."},
    {8, "Not enough memory resources are available to process this command."},
    {13, "The data is invalid."},
    {14, "Not enough memory resources are available to complete this operation."},
    {15, "The system cannot find the drive specified."},
    {17, "The system cannot move the file to a different disk drive."},
    {18, "There are no more files."},
    {19, "The media is write protected."},
    {21, "The device is not ready."},
    {32, "The process cannot access the file because it is being used by another process."},
    {33, "The process cannot access the file because another process has locked a portion of the file."},
    {38, "Reached the end of the file."},
    {50, "The request is not supported."},
    {80, "The file exists."},
    {87, "The parameter is incorrect."},
    {109, "The pipe has been ended."},
    {112, "There is not enough space on the disk."},
    {120, "This function is not supported on this system."},
    {122, "The data area passed to a system call is too small."},
    {123, "The filename, directory name, or volume label syntax is incorrect."},
    {126, "The specified module could not be found."},
    {127, "The specified procedure could not be found."},
    {145, "The directory is not empty."},
    {183, "Cannot create a file when that file already exists."},
    {203, "The system could not find the environment option that was entered."},
    {206, "The filename or extension is too long."},
    {234, "More data is available."},
    {259, "No more data is available."},
    {267, "The directory name is invalid."},
    {998, "Invalid access to memory location."},
    {1113, "No mapping for the Unicode character exists in the target multi-byte code page."},
};

const char* system_message(DWORD id) {
    for (const auto& m : k_messages)
        if (m.id == id) return m.text;
    return nullptr;
}

// Expands a message. `args` are 8-byte argument slots; %k reads slot k-1.
template <bool Wide>
bool expand(std::u16string_view src, DWORD flags, const uint64_t* args, std::u16string& out) {
    bool max_width = (flags & FM_MAX_WIDTH_MASK) == FM_MAX_WIDTH_MASK;
    for (size_t i = 0; i < src.size(); i++) {
        char16_t c = src[i];
        if (c == u'\r' || c == u'\n') {
            // With FORMAT_MESSAGE_MAX_WIDTH_MASK the text's own line breaks are dropped.
            if (c == u'\r' && i + 1 < src.size() && src[i + 1] == u'\n') i++;
            if (!max_width) out += u"\r\n";
            continue;
        }
        if (c != u'%' || i + 1 >= src.size()) {
            out.push_back(c);
            continue;
        }
        char16_t n = src[++i];
        if (n >= u'1' && n <= u'9') {
            size_t start = i - 1;
            unsigned idx = unsigned(n - u'0');
            if (i + 1 < src.size() && src[i + 1] >= u'0' && src[i + 1] <= u'9') idx = idx * 10 + unsigned(src[++i] - u'0');
            std::u16string spec = u"s";
            if (i + 1 < src.size() && src[i + 1] == u'!') {
                size_t end = src.find(u'!', i + 2);
                if (end == std::u16string_view::npos) return false;
                spec = std::u16string(src.substr(i + 2, end - i - 2));
                i = end;
            }
            if ((flags & FM_IGNORE_INSERTS) || !args) {
                out += src.substr(start, i - start + 1);
                continue;
            }
            // Format one insert with the printf engine, width/precision '*' reading further slots.
            crt::WinArgs wa{args + idx - 1};
            if constexpr (Wide) {
                std::u16string f(1, u'%'), r;
                f += spec;
                crt::format_wprintf(r, f.c_str(), wa);
                out += r;
            } else {
                std::string f(1, '%'), r;
                f += utf16_to_utf8(spec);
                crt::format_printf(r, f.c_str(), wa);
                out += ansi_to_wide(r.c_str(), r.size());
            }
            continue;
        }
        switch (n) {
        case u'0': return true;  // end of message, no trailing newline
        case u'n': out += u"\r\n"; break;
        case u'r': out += u'\r'; break;
        case u't': out += u'\t'; break;
        case u'b': out += u' '; break;
        default: out.push_back(n); break;  // %% %. %! %space and anything else: the character
        }
    }
    return true;
}

template <bool Wide>
DWORD format_message(DWORD flags, const void* source, DWORD id, std::u16string& out, void* args) {
    std::u16string text;
    if (flags & FM_FROM_STRING) {
        if (!source) return fail(ERROR_INVALID_PARAMETER);
        if constexpr (Wide) text = wview(static_cast<const char16_t*>(source));
        else text = ansi_to_wide(static_cast<const char*>(source));
    } else if (flags & FM_FROM_SYSTEM) {
        const char* m = system_message(id);
        if (!m) {
            if (flags & FM_FROM_HMODULE) return fail(ERROR_RESOURCE_TYPE_NOT_FOUND);  // module message tables: later
            return fail(ERROR_MR_MID_NOT_FOUND);
        }
        text = ascii_to_utf16(m);
        text += u"\r\n";
    } else {
        return fail(ERROR_RESOURCE_TYPE_NOT_FOUND);  // message tables in modules: not yet
    }
    const uint64_t* slots = nullptr;
    if (args) slots = (flags & FM_ARGUMENT_ARRAY) ? static_cast<const uint64_t*>(args)
                                                   : *static_cast<const uint64_t* const*>(args);  // va_list*
    if (!expand<Wide>(text, flags, slots, out)) return fail(ERROR_INVALID_PARAMETER);
    return TRUE;
}
}  // namespace

DWORD WINAPI FormatMessageW(DWORD flags, LPCVOID source, DWORD id, DWORD, LPWSTR buf, DWORD size, void* args) {
    std::u16string out;
    if (!format_message<true>(flags, source, id, out, args)) return 0;
    if (flags & FM_ALLOCATE_BUFFER) {
        auto* p = static_cast<char16_t*>(LocalAlloc(0, (std::max<size_t>(out.size() + 1, size)) * 2));
        if (!p) return fail(ERROR_NOT_ENOUGH_MEMORY);
        std::memcpy(p, out.c_str(), (out.size() + 1) * 2);
        *reinterpret_cast<char16_t**>(buf) = p;
        return DWORD(out.size());
    }
    if (!buf || out.size() + 1 > size) return fail(ERROR_INSUFFICIENT_BUFFER);
    std::memcpy(buf, out.c_str(), (out.size() + 1) * 2);
    return DWORD(out.size());
}

DWORD WINAPI FormatMessageA(DWORD flags, LPCVOID source, DWORD id, DWORD, LPSTR buf, DWORD size, void* args) {
    std::u16string w;
    if (!format_message<false>(flags, source, id, w, args)) return 0;
    std::string out = wide_to_ansi(w);
    if (flags & FM_ALLOCATE_BUFFER) {
        auto* p = static_cast<char*>(LocalAlloc(0, std::max<size_t>(out.size() + 1, size)));
        if (!p) return fail(ERROR_NOT_ENOUGH_MEMORY);
        std::memcpy(p, out.c_str(), out.size() + 1);
        *reinterpret_cast<char**>(buf) = p;
        return DWORD(out.size());
    }
    if (!buf || out.size() + 1 > size) return fail(ERROR_INSUFFICIENT_BUFFER);
    std::memcpy(buf, out.c_str(), out.size() + 1);
    return DWORD(out.size());
}

WR_EXPORT_PART(kernel32_message, WR_EXPORT(FormatMessageA), WR_EXPORT(FormatMessageW));

}  // namespace winrun::k32

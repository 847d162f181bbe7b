// shell32.dll: the functions console programs use: SHGetKnownFolderPath for the standard folders
// and CommandLineToArgvW. Everything else binds to the loud unimplemented-function stub.
#include <cstring>
#include <vector>

#include "builtin/builtin.h"
#include "kernel32/k32.h"
#include "unicode.h"

namespace winrun::k32 {
DWORD WINAPI GetEnvironmentVariableW(LPCWSTR name, LPWSTR buf, DWORD size);
DWORD WINAPI GetModuleFileNameW(HMODULE module, LPWSTR buf, DWORD size);
HANDLE WINAPI LocalAlloc(UINT flags, SIZE_T size);
BOOL WINAPI CreateDirectoryW(LPCWSTR name, void* sa);
}  // namespace winrun::k32

namespace winrun::shell32 {

using namespace winrun::win;
using k32::set_last_error;

namespace {
struct GUID {
    uint32_t Data1;
    uint16_t Data2, Data3;
    uint8_t Data4[8];
    bool operator==(const GUID& o) const { return std::memcmp(this, &o, sizeof o) == 0; }
};
constexpr LONG S_OK = 0, E_INVALIDARG = LONG(0x80070057), E_OUTOFMEMORY = LONG(0x8007000E),
               E_FAIL = LONG(0x80004005);
constexpr DWORD KF_FLAG_CREATE = 0x8000;

// Known folders (KnownFolders.h) and where they are in the prefix: an environment variable every
// winrun process has (see environ.cpp) plus a sub-path.
struct KnownFolder {
    GUID id;
    const char16_t* variable;
    const char16_t* sub;
};
const KnownFolder k_folders[] = {
    {{0x5E6C858F, 0x0E22, 0x4760, {0x9A, 0xFE, 0xEA, 0x33, 0x17, 0xB6, 0x71, 0x73}}, u"USERPROFILE", u""},           // Profile
    {{0x3EB685DB, 0x65F9, 0x4CF6, {0xA0, 0x3A, 0xE3, 0xEF, 0x65, 0x72, 0x9F, 0x3D}}, u"APPDATA", u""},               // RoamingAppData
    {{0xF1B32785, 0x6FBA, 0x4FCF, {0x9D, 0x55, 0x7B, 0x8E, 0x7F, 0x15, 0x70, 0x91}}, u"LOCALAPPDATA", u""},          // LocalAppData
    {{0x62AB5D82, 0xFDC1, 0x4DC3, {0xA9, 0xDD, 0x07, 0x0D, 0x1D, 0x49, 0x5D, 0x97}}, u"ProgramData", u""},           // ProgramData
    {{0xF38BF404, 0x1D43, 0x42F2, {0x93, 0x05, 0x67, 0xDE, 0x0B, 0x28, 0xFC, 0x23}}, u"SystemRoot", u""},            // Windows
    {{0x1AC14E77, 0x02E7, 0x4E5D, {0xB7, 0x44, 0x2E, 0xB1, 0xAE, 0x51, 0x98, 0xB7}}, u"SystemRoot", u"\\system32"},  // System
    {{0x905E63B6, 0xC1BF, 0x494E, {0xB2, 0x9C, 0x65, 0xB7, 0x32, 0xD3, 0xD2, 0x1A}}, u"ProgramFiles", u""},          // ProgramFiles
    {{0xFDD39AD0, 0x238F, 0x46AF, {0xAD, 0xB4, 0x6C, 0x85, 0x48, 0x03, 0x69, 0xC7}}, u"USERPROFILE", u"\\Documents"}, // Documents
    {{0xB4BFCC3A, 0xDB2C, 0x424C, {0xB0, 0x29, 0x7F, 0xE9, 0x9A, 0x87, 0xC6, 0x41}}, u"USERPROFILE", u"\\Desktop"},   // Desktop
};
}  // namespace
}  // namespace winrun::shell32

namespace winrun::combase {
void* WINAPI CoTaskMemAlloc(win::SIZE_T n);
}

namespace winrun::shell32 {

// The path in a CoTaskMemAlloc block (the caller frees it with CoTaskMemFree); *path is NULL on
// failure. A folder ID Windows does not know here gives E_INVALIDARG, as for a folder not present.
LONG WINAPI SHGetKnownFolderPath(const GUID* id, DWORD flags, HANDLE token, LPWSTR* path) {
    (void)token;
    if (!path) return E_INVALIDARG;
    *path = nullptr;
    if (!id) return E_INVALIDARG;
    for (const KnownFolder& kf : k_folders) {
        if (!(kf.id == *id)) continue;
        char16_t buf[1024];
        DWORD n = k32::GetEnvironmentVariableW(kf.variable, buf, 1024);
        if (!n || n >= 1024) return E_FAIL;
        std::u16string p(buf, n);
        p += kf.sub;
        if (flags & KF_FLAG_CREATE) k32::CreateDirectoryW(p.c_str(), nullptr);
        auto* out = static_cast<char16_t*>(combase::CoTaskMemAlloc((p.size() + 1) * 2));
        if (!out) return E_OUTOFMEMORY;
        std::memcpy(out, p.c_str(), (p.size() + 1) * 2);
        *path = out;
        return S_OK;
    }
    return E_INVALIDARG;
}

// Splits a command line into a LocalAlloc block: the pointer array (NULL-terminated) followed by
// the strings; the caller frees it with LocalFree. argv[0] runs to the next whitespace, or between
// quotes when the line starts with one, with no escapes; the other arguments follow the C runtime's
// rules for quotes and backslashes. An empty line gives the program's path as the only argument.
LPWSTR* WINAPI CommandLineToArgvW(LPCWSTR cmd, int* argc) {
    if (!argc) {
        set_last_error(k32::ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    std::vector<std::u16string> args;
    if (!cmd || !*cmd) {
        char16_t buf[1024];
        DWORD n = k32::GetModuleFileNameW(nullptr, buf, 1024);
        args.emplace_back(buf, n < 1024 ? n : 0);
    } else {
        const char16_t* p = cmd;
        std::u16string cur;
        if (*p == u'"') {
            p++;
            while (*p && *p != u'"') cur.push_back(*p++);
            if (*p == u'"') p++;
        } else {
            while (*p > u' ') cur.push_back(*p++);
        }
        args.push_back(cur);
        for (;;) {
            while (*p == u' ' || *p == u'\t') p++;
            if (!*p) break;
            cur.clear();
            bool inquote = false;
            for (;;) {
                unsigned slashes = 0;
                while (*p == u'\\') {
                    p++;
                    slashes++;
                }
                bool copy = true;
                if (*p == u'"') {
                    if (slashes % 2 == 0) {
                        if (inquote && p[1] == u'"') p++;  // "" inside quotes: a literal quote
                        else copy = false;
                        inquote = !inquote;
                    }
                    slashes /= 2;
                }
                cur.append(slashes, u'\\');
                if (!*p || (!inquote && (*p == u' ' || *p == u'\t'))) break;
                if (copy) cur.push_back(*p);
                p++;
            }
            args.push_back(cur);
        }
    }
    size_t bytes = (args.size() + 1) * sizeof(LPWSTR);
    for (auto& a : args) bytes += (a.size() + 1) * 2;
    auto* block = static_cast<LPWSTR*>(k32::LocalAlloc(0 /* LMEM_FIXED */, bytes));
    if (!block) return nullptr;
    auto* strings = reinterpret_cast<char16_t*>(block + args.size() + 1);
    for (size_t i = 0; i < args.size(); i++) {
        block[i] = strings;
        std::memcpy(strings, args[i].c_str(), (args[i].size() + 1) * 2);
        strings += args[i].size() + 1;
    }
    block[args.size()] = nullptr;
    *argc = int(args.size());
    return block;
}

WR_EXPORT_PART(shell32_folders, WR_EXPORT(SHGetKnownFolderPath), WR_EXPORT(CommandLineToArgvW));

}  // namespace winrun::shell32

namespace winrun::builtin {
static const ExportPart* const k_shell32_parts[] = {&winrun::shell32::shell32_folders};
extern const DllDef shell32_dll{"SHELL32.dll", k_shell32_parts, 1, nullptr};
}  // namespace winrun::builtin

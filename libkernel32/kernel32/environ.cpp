// The process environment, kept as Windows keeps it: UTF-16 "NAME=value" strings, names compared
// case-insensitively. Built from the Linux environment at start; PATH becomes a Windows path list
// and the variables every Windows process has (SystemRoot, windir, TEMP, ...) are added when absent.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "environ.h"
#include "builtin/builtin.h"
#include "k32.h"
#include "kernel32/path_map.h"
#include "unicode.h"

extern char** environ;

namespace winrun::k32 {

std::u16string computer_netbios_name();  // computer.cpp

namespace {
std::mutex g_mutex;
std::vector<std::u16string> g_env;  // "NAME=value"

bool name_equals(std::u16string_view entry, std::u16string_view name) {
    // Entries may start with '=' (hidden "=C:" entries); the name runs to the next '='.
    size_t eq = entry.find(u'=', 1);
    if (eq == std::u16string_view::npos || eq != name.size()) return false;
    for (size_t i = 0; i < eq; i++) {
        char16_t a = entry[i], b = name[i];
        if (a >= u'a' && a <= u'z') a -= 32;
        if (b >= u'a' && b <= u'z') b -= 32;
        if (a != b) return false;
    }
    return true;
}

std::vector<std::u16string>::iterator find_var(std::u16string_view name) {
    return std::find_if(g_env.begin(), g_env.end(), [&](const std::u16string& e) { return name_equals(e, name); });
}

// Windows sorts the block by name, case-insensitively.
void sort_env() {
    std::sort(g_env.begin(), g_env.end(), [](const std::u16string& a, const std::u16string& b) {
        size_t n = std::min(a.size(), b.size());
        for (size_t i = 0; i < n; i++) {
            char16_t x = a[i], y = b[i];
            if (x >= u'a' && x <= u'z') x -= 32;
            if (y >= u'a' && y <= u'z') y -= 32;
            if (x != y) return x < y;
        }
        return a.size() < b.size();
    });
}
}  // namespace

void init_environment() {
    std::lock_guard lock(g_mutex);
    for (char** e = environ; e && *e; e++) {
        std::string_view kv(*e);
        if (kv.rfind("PATH=", 0) == 0) {
            std::u16string p = u"PATH=C:\\windows\\system32;C:\\windows";
            std::string_view rest = kv.substr(5);
            while (!rest.empty()) {
                size_t c = rest.find(':');
                std::string_view d = rest.substr(0, c);
                if (!d.empty() && d[0] == '/') {
                    p += u';';
                    p += paths::to_windows(d);
                }
                if (c == std::string_view::npos) break;
                rest.remove_prefix(c + 1);
            }
            g_env.push_back(std::move(p));
        } else {
            g_env.push_back(utf8_to_utf16(kv));
        }
    }
    // The per-user variables point into the prefix's drive_c as an en-US Windows 10 lays it out
    // (paths::ensure_prefix creates these directories on first use of C:, with the same user name).
    const std::u16string name = utf8_to_utf16(paths::windows_user_name());
    const std::u16string profile = u"C:\\users\\" + name;
    const std::pair<std::u16string_view, std::u16string> defaults[] = {
        {u"SystemRoot", u"C:\\windows"},
        {u"windir", u"C:\\windows"},
        {u"SystemDrive", u"C:"},
        {u"ComSpec", u"C:\\windows\\system32\\cmd.exe"},
        {u"PATHEXT", u".COM;.EXE;.BAT;.CMD"},
        {u"OS", u"Windows_NT"},
        {u"PROCESSOR_ARCHITECTURE", u"AMD64"},
        {u"NUMBER_OF_PROCESSORS", ascii_to_utf16(std::to_string(online_processor_count()))},
        {u"USERNAME", name},
        {u"USERPROFILE", profile},
        {u"HOMEDRIVE", u"C:"},
        {u"HOMEPATH", u"\\users\\" + name},
        {u"APPDATA", profile + u"\\AppData\\Roaming"},
        {u"LOCALAPPDATA", profile + u"\\AppData\\Local"},
        {u"TEMP", profile + u"\\AppData\\Local\\Temp"},
        {u"TMP", profile + u"\\AppData\\Local\\Temp"},
        {u"ProgramData", u"C:\\ProgramData"},
        {u"ALLUSERSPROFILE", u"C:\\ProgramData"},
        {u"ProgramFiles", u"C:\\Program Files"},
        {u"ProgramW6432", u"C:\\Program Files"},
        {u"ProgramFiles(x86)", u"C:\\Program Files (x86)"},
        {u"CommonProgramFiles", u"C:\\Program Files\\Common Files"},
        {u"COMPUTERNAME", computer_netbios_name()},
    };
    // One pass over the inherited variables marks the defaults already set (a search per default
    // cost every process start ~1,400 name comparisons).
    constexpr size_t k_defaults = sizeof defaults / sizeof defaults[0];
    bool present[k_defaults] = {};
    for (const std::u16string& e : g_env)
        for (size_t d = 0; d < k_defaults; d++)
            if (!present[d] && e.size() > defaults[d].first.size() && e[defaults[d].first.size()] == u'=' &&
                name_equals(e, defaults[d].first))
                present[d] = true;
    for (size_t d = 0; d < k_defaults; d++)
        if (!present[d]) g_env.push_back(std::u16string(defaults[d].first) + u"=" + defaults[d].second);
    sort_env();
}

std::vector<std::u16string> path_directories() {
    std::lock_guard lock(g_mutex);
    std::vector<std::u16string> dirs;
    auto it = find_var(u"PATH");
    if (it == g_env.end()) return dirs;
    std::u16string_view p = std::u16string_view(*it).substr(5);  // after "PATH="
    while (!p.empty()) {
        size_t semi = p.find(u';');
        if (semi) dirs.emplace_back(p.substr(0, semi));
        if (semi == std::u16string_view::npos) break;
        p.remove_prefix(semi + 1);
    }
    return dirs;
}

std::u16string environment_block() {
    std::lock_guard lock(g_mutex);
    std::u16string b;
    for (const auto& e : g_env) {
        b += e;
        b.push_back(0);
    }
    b.push_back(0);
    if (g_env.empty()) b.push_back(0);
    return b;
}

DWORD WINAPI GetEnvironmentVariableW(LPCWSTR name, LPWSTR buf, DWORD size) {
    if (!name || !*name) return fail(ERROR_ENVVAR_NOT_FOUND);
    std::lock_guard lock(g_mutex);
    auto it = find_var(wview(name));
    if (it == g_env.end()) {
        set_last_error(ERROR_ENVVAR_NOT_FOUND);
        return 0;
    }
    std::u16string_view v = std::u16string_view(*it).substr(wcslen16(name) + 1);
    // Fits: returns the length without the terminator. Too small: returns the size needed with it.
    if (v.size() >= size) return DWORD(v.size() + 1);
    std::memcpy(buf, v.data(), v.size() * 2);
    buf[v.size()] = 0;
    return DWORD(v.size());  // success leaves the last error alone, even for an empty value
}

DWORD WINAPI GetEnvironmentVariableA(LPCSTR name, LPSTR buf, DWORD size) {
    if (!name || !*name) return fail(ERROR_ENVVAR_NOT_FOUND);
    std::u16string wn = ansi_to_wide(name);
    std::u16string v;
    {
        std::lock_guard lock(g_mutex);
        auto it = find_var(wn);
        if (it == g_env.end()) {
            set_last_error(ERROR_ENVVAR_NOT_FOUND);
            return 0;
        }
        v = it->substr(wn.size() + 1);
    }
    std::string a = wide_to_ansi(v);
    if (a.size() >= size) return DWORD(a.size() + 1);
    std::memcpy(buf, a.c_str(), a.size() + 1);
    return DWORD(a.size());
}

BOOL WINAPI SetEnvironmentVariableW(LPCWSTR name, LPCWSTR value) {
    if (!name || !*name || std::u16string_view(name).find(u'=', 1) != std::u16string_view::npos)
        return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(g_mutex);
    auto it = find_var(wview(name));
    if (!value) {
        if (it == g_env.end()) return fail(ERROR_ENVVAR_NOT_FOUND);
        g_env.erase(it);
        return TRUE;
    }
    std::u16string e = std::u16string(wview(name)) + u"=" + std::u16string(wview(value));
    if (it != g_env.end()) *it = std::move(e);
    else {
        g_env.push_back(std::move(e));
        sort_env();
    }
    return TRUE;
}

BOOL WINAPI SetEnvironmentVariableA(LPCSTR name, LPCSTR value) {
    if (!name) return fail(ERROR_INVALID_PARAMETER);
    std::u16string n = ansi_to_wide(name), v = value ? ansi_to_wide(value) : u"";
    return SetEnvironmentVariableW(n.c_str(), value ? v.c_str() : nullptr);
}

LPWSTR WINAPI GetEnvironmentStringsW() {
    std::u16string b = environment_block();
    auto* p = static_cast<char16_t*>(malloc(b.size() * 2));
    std::memcpy(p, b.data(), b.size() * 2);
    return p;
}

LPSTR WINAPI GetEnvironmentStringsA() {
    std::u16string b = environment_block();
    std::string a = wide_to_ansi(b);
    auto* p = static_cast<char*>(malloc(a.size()));
    std::memcpy(p, a.data(), a.size());
    return p;
}

BOOL WINAPI FreeEnvironmentStringsW(LPWSTR p) {
    free(p);
    return TRUE;
}
BOOL WINAPI FreeEnvironmentStringsA(LPSTR p) {
    free(p);
    return TRUE;
}

// %NAME% is replaced by the variable's value when it exists and kept as written otherwise.
static std::u16string expand_environment(std::u16string_view in) {
    std::u16string out;
    std::lock_guard lock(g_mutex);
    for (size_t i = 0; i < in.size(); i++) {
        if (in[i] == u'%') {
            size_t end = in.find(u'%', i + 1);
            if (end != std::u16string_view::npos && end > i + 1) {
                auto it = find_var(in.substr(i + 1, end - i - 1));
                if (it != g_env.end()) {
                    out += std::u16string_view(*it).substr(end - i);
                    i = end;
                    continue;
                }
            }
        }
        out.push_back(in[i]);
    }
    return out;
}

// Returns the size needed in characters, terminator included; the buffer is filled only when it is
// large enough.
DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR src, LPWSTR dst, DWORD size) {
    if (!src) return fail(ERROR_INVALID_PARAMETER);
    std::u16string r = expand_environment(wview(src));
    if (dst && r.size() < size) std::memcpy(dst, r.c_str(), (r.size() + 1) * 2);
    return DWORD(r.size() + 1);
}

DWORD WINAPI ExpandEnvironmentStringsA(LPCSTR src, LPSTR dst, DWORD size) {
    if (!src) return fail(ERROR_INVALID_PARAMETER);
    std::string r = wide_to_ansi(expand_environment(ansi_to_wide(src)));
    if (dst && r.size() < size) std::memcpy(dst, r.c_str(), r.size() + 1);
    return DWORD(r.size() + 1);
}

WR_EXPORT_PART(kernel32_environ,
    WR_EXPORT(GetEnvironmentVariableA),
    WR_EXPORT(GetEnvironmentVariableW),
    WR_EXPORT(SetEnvironmentVariableA),
    WR_EXPORT(SetEnvironmentVariableW),
    WR_EXPORT(GetEnvironmentStringsA),
    WR_EXPORT_AS("GetEnvironmentStrings", GetEnvironmentStringsA),  // the ANSI function's historical name
    WR_EXPORT(ExpandEnvironmentStringsA),
    WR_EXPORT(ExpandEnvironmentStringsW),
    WR_EXPORT(GetEnvironmentStringsW),
    WR_EXPORT(FreeEnvironmentStringsA),
    WR_EXPORT(FreeEnvironmentStringsW));

}  // namespace winrun::k32

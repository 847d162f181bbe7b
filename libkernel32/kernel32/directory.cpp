// The current directory, full path names and the temporary directory. Path normalisation follows
// Win32 (RtlGetFullPathName_U): separators become '\', "." and ".." are resolved, repeated
// separators collapse, trailing dots and spaces of the last component are dropped, DOS device
// names (NUL, CON, COM1 ...) become "\\.\NAME", and "\\?\" paths are returned unchanged.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <vector>

#include "builtin/builtin.h"
#include "file.h"
#include "k32.h"
#include "path_map.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
std::u16string current_directory() {
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf)) return u"Z:\\";
    return paths::to_windows(buf);
}

bool is_sep(char16_t c) { return c == u'\\' || c == u'/'; }

char16_t upper(char16_t c) { return c >= u'a' && c <= u'z' ? char16_t(c - 32) : c; }

// "NUL", "con.txt", "COM1" ... as the last component name a device.
bool device_name(std::u16string_view comp) {
    size_t dot = comp.find(u'.');
    std::u16string_view base = comp.substr(0, dot);
    while (!base.empty() && (base.back() == u' ' || base.back() == u':')) base.remove_suffix(1);
    std::u16string u;
    for (char16_t c : base) u.push_back(upper(c));
    if (u == u"NUL" || u == u"CON" || u == u"AUX" || u == u"PRN" || u == u"CONIN$" || u == u"CONOUT$") return true;
    if (u.size() == 4 && (u.rfind(u"COM", 0) == 0 || u.rfind(u"LPT", 0) == 0) && u[3] >= u'1' && u[3] <= u'9') return true;
    return false;
}
}  // namespace

std::u16string full_path_name(std::u16string_view in) {
    if (in.rfind(u"\\\\?\\", 0) == 0) return std::u16string(in);
    // The last component of a device name wins regardless of the directory.
    size_t last_sep = in.find_last_of(u"\\/");
    std::u16string_view last = last_sep == std::u16string_view::npos ? in : in.substr(last_sep + 1);
    if (in.size() >= 2 && in[1] == u':' && last_sep == std::u16string_view::npos) last = in.substr(2);
    if (!last.empty() && device_name(last)) {
        size_t dot = last.find(u'.');
        std::u16string_view base = last.substr(0, dot);
        while (!base.empty() && (base.back() == u' ' || base.back() == u':')) base.remove_suffix(1);
        return u"\\\\.\\" + std::u16string(base);
    }
    std::u16string prefix;  // "C:" or "\\server\share"
    std::u16string rest;
    std::u16string cwd = current_directory();
    if (in.size() >= 2 && is_sep(in[0]) && is_sep(in[1])) {
        // UNC: \\server\share\rest, the root is \\server\share.
        size_t p = 2, seps = 0;
        while (p < in.size() && seps < 2) {
            if (is_sep(in[p])) seps++;
            if (seps < 2) p++;
        }
        prefix = std::u16string(in.substr(0, p));
        for (auto& c : prefix)
            if (c == u'/') c = u'\\';
        rest = std::u16string(in.substr(std::min(p, in.size())));
    } else if (in.size() >= 2 && in[1] == u':') {
        // An absolute "c:\x" keeps the drive letter as written; a drive-relative "c:x" resolves
        // against that drive's current directory (the cwd, spelled as the cwd is, when it is on it).
        prefix = {in[0], u':'};
        rest = std::u16string(in.substr(2));
        if (rest.empty() || !is_sep(rest[0])) {
            bool same = upper(cwd[0]) == upper(in[0]);
            prefix = same ? cwd.substr(0, 2) : std::u16string{upper(in[0]), u':'};
            std::u16string base = same ? cwd.substr(2) : u"\\";
            rest = base + u"\\" + rest;
        }
    } else if (!in.empty() && is_sep(in[0])) {
        prefix = cwd.substr(0, 2);
        rest = std::u16string(in);
    } else {
        prefix = cwd.substr(0, 2);
        rest = cwd.substr(2) + u"\\" + std::u16string(in);
    }
    std::vector<std::u16string> parts;
    size_t i = 0;
    while (i <= rest.size()) {
        size_t j = i;
        while (j < rest.size() && !is_sep(rest[j])) j++;
        std::u16string comp = rest.substr(i, j - i);
        if (comp == u"..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!comp.empty() && comp != u".") {
            parts.push_back(comp);
        }
        i = j + 1;
    }
    bool trailing_sep = !rest.empty() && is_sep(rest.back()) && !parts.empty();
    if (!parts.empty() && !trailing_sep) {
        // Win32 drops trailing dots and spaces of the final component ("file." -> "file").
        auto& l = parts.back();
        while (!l.empty() && (l.back() == u'.' || l.back() == u' ')) l.pop_back();
        if (l.empty()) parts.pop_back();
    }
    std::u16string out = prefix;
    for (auto& p : parts) out += u"\\" + p;
    if (parts.empty() || trailing_sep) out += u"\\";
    return out;
}

DWORD WINAPI GetCurrentDirectoryW(DWORD n, LPWSTR buf) {
    std::u16string cwd = current_directory();
    // Fits: the length without the terminator. Too small: the size needed, terminator included.
    if (cwd.size() >= n) return DWORD(cwd.size() + 1);
    std::memcpy(buf, cwd.c_str(), (cwd.size() + 1) * 2);
    return DWORD(cwd.size());
}

DWORD WINAPI GetCurrentDirectoryA(DWORD n, LPSTR buf) {
    std::string cwd = wide_to_file(current_directory());
    if (cwd.size() >= n) return DWORD(cwd.size() + 1);
    std::memcpy(buf, cwd.c_str(), cwd.size() + 1);
    return DWORD(cwd.size());
}

BOOL WINAPI SetCurrentDirectoryW(LPCWSTR path) {
    if (!path || !*path) return fail(ERROR_INVALID_PARAMETER);
    auto lp = paths::to_linux(full_path_name(wview(path)));
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    if (chdir(lp->c_str()) != 0)
        return fail(errno == ENOTDIR ? ERROR_DIRECTORY : errno == ENOENT ? ERROR_FILE_NOT_FOUND : error_from_errno(errno));
    return TRUE;
}
BOOL WINAPI SetCurrentDirectoryA(LPCSTR path) {
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    return SetCurrentDirectoryW(file_to_wide(path).c_str());
}

DWORD WINAPI GetFullPathNameW(LPCWSTR name, DWORD n, LPWSTR buf, LPWSTR* file_part) {
    if (!name || !*name) return fail(ERROR_INVALID_NAME);
    std::u16string full = full_path_name(wview(name));
    if (full.size() >= n) return DWORD(full.size() + 1);
    std::memcpy(buf, full.c_str(), (full.size() + 1) * 2);
    if (file_part) {
        size_t s = full.find_last_of(u'\\');
        *file_part = (s == std::u16string::npos || s + 1 == full.size()) ? nullptr : buf + s + 1;
    }
    return DWORD(full.size());
}

DWORD WINAPI GetFullPathNameA(LPCSTR name, DWORD n, LPSTR buf, LPSTR* file_part) {
    if (!name || !*name) return fail(ERROR_INVALID_NAME);
    std::string full = wide_to_file(full_path_name(file_to_wide(name)));
    if (full.size() >= n) return DWORD(full.size() + 1);
    std::memcpy(buf, full.c_str(), full.size() + 1);
    if (file_part) {
        size_t s = full.find_last_of('\\');
        *file_part = (s == std::string::npos || s + 1 == full.size()) ? nullptr : buf + s + 1;
    }
    return DWORD(full.size());
}

DWORD WINAPI GetEnvironmentVariableW(LPCWSTR name, LPWSTR buf, DWORD size);

// TMP, then TEMP, then USERPROFILE, then the Windows directory; always with a trailing backslash.
static std::u16string temp_path() {
    char16_t buf[1024];
    for (const char16_t* var : {u"TMP", u"TEMP", u"USERPROFILE"}) {
        DWORD n = GetEnvironmentVariableW(var, buf, 1024);
        if (n && n < 1024) {
            std::u16string p = full_path_name(std::u16string_view(buf, n));
            if (p.back() != u'\\') p += u'\\';
            return p;
        }
    }
    return u"C:\\windows\\";
}

DWORD WINAPI GetTempPathW(DWORD n, LPWSTR buf) {
    std::u16string p = temp_path();
    if (p.size() >= n) return DWORD(p.size() + 1);
    std::memcpy(buf, p.c_str(), (p.size() + 1) * 2);
    return DWORD(p.size());
}
DWORD WINAPI GetTempPathA(DWORD n, LPSTR buf) {
    std::string p = wide_to_file(temp_path());
    if (p.size() >= n) return DWORD(p.size() + 1);
    std::memcpy(buf, p.c_str(), p.size() + 1);
    return DWORD(p.size());
}

HANDLE WINAPI CreateFileW(LPCWSTR, DWORD, DWORD, void*, DWORD, DWORD, HANDLE);
BOOL WINAPI CloseHandle(HANDLE);
DWORD WINAPI GetTickCount();

// "<dir>\<pre><XXXX>.TMP": up to three prefix characters and the low 16 bits of the unique number
// in upper-case hex. With unique 0 the number starts from the clock and counts up until a name is
// free; that file is then created (empty) so that the name stays ours.
UINT WINAPI GetTempFileNameW(LPCWSTR dir, LPCWSTR prefix, UINT unique, LPWSTR out) {
    if (!dir || !out) return fail(ERROR_INVALID_PARAMETER);
    std::u16string base(wview(dir));
    if (base.size() > 260 - 14) return fail(ERROR_BUFFER_OVERFLOW);
    if (!base.empty() && base.back() != u'\\' && base.back() != u'/') base += u'\\';
    if (prefix) base += std::u16string(wview(prefix).substr(0, 3));
    auto name_for = [&](UINT n) {
        static const char16_t hex[] = u"0123456789ABCDEF";
        std::u16string s = base;
        for (int shift = 12; shift >= 0; shift -= 4) s += hex[(n >> shift) & 15];
        return s + u".TMP";
    };
    if (unique) {
        std::u16string s = name_for(unique & 0xFFFF);
        std::memcpy(out, s.c_str(), (s.size() + 1) * 2);
        return unique;
    }
    UINT start = (GetTickCount() & 0xFFFF) ? GetTickCount() & 0xFFFF : 1, n = start;
    do {
        std::u16string s = name_for(n);
        HANDLE h = CreateFileW(s.c_str(), 0x40000000 /* GENERIC_WRITE */, 0, nullptr, 1 /* CREATE_NEW */, 0x80, nullptr);
        if (h != reinterpret_cast<HANDLE>(-1)) {
            CloseHandle(h);
            std::memcpy(out, s.c_str(), (s.size() + 1) * 2);
            set_last_error(ERROR_SUCCESS);
            return n;
        }
        DWORD e = get_last_error();
        if (e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS && e != ERROR_ACCESS_DENIED) return 0;  // keeps the error
        n = (n + 1) & 0xFFFF;
        if (!n) n = 1;
    } while (n != start);
    return fail(ERROR_FILE_EXISTS);
}
UINT WINAPI GetTempFileNameA(LPCSTR dir, LPCSTR prefix, UINT unique, LPSTR out) {
    if (!dir || !out) return fail(ERROR_INVALID_PARAMETER);
    std::u16string p = prefix ? file_to_wide(prefix) : std::u16string();
    WCHAR w[261];
    UINT r = GetTempFileNameW(file_to_wide(dir).c_str(), prefix ? p.c_str() : nullptr, unique, w);
    if (!r) return 0;
    std::string a = wide_to_file(w);
    std::memcpy(out, a.c_str(), a.size() + 1);
    return r;
}

// Volumes here have no 8.3 names (like an NTFS volume with short names disabled): the short and
// the long form of an existing path are the path itself. Both check that the path exists.
static DWORD same_path_if_exists(LPCWSTR in, LPWSTR out, DWORD len) {
    if (!in) return fail(ERROR_INVALID_PARAMETER);
    std::u16string p(wview(in));
    auto lp = paths::to_linux_stat(p);
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    if (!lp->exists) return fail(lookup_error(lp->path));
    if (p.size() + 1 > len) return DWORD(p.size() + 1);
    std::memmove(out, p.c_str(), (p.size() + 1) * 2);  // in and out may be the same buffer
    return DWORD(p.size());
}
DWORD WINAPI GetLongPathNameW(LPCWSTR in, LPWSTR out, DWORD len) { return same_path_if_exists(in, out, len); }
DWORD WINAPI GetShortPathNameW(LPCWSTR in, LPWSTR out, DWORD len) { return same_path_if_exists(in, out, len); }
static DWORD same_path_if_exists_a(LPCSTR in, LPSTR out, DWORD len) {
    if (!in) return fail(ERROR_INVALID_PARAMETER);
    std::u16string w = file_to_wide(in);
    std::vector<WCHAR> buf(w.size() + 1);
    DWORD n = same_path_if_exists(w.c_str(), buf.data(), DWORD(buf.size()));
    if (!n) return 0;
    std::string a = wide_to_file(std::u16string_view(buf.data(), n));
    if (a.size() + 1 > len) return DWORD(a.size() + 1);
    std::memmove(out, a.c_str(), a.size() + 1);
    return DWORD(a.size());
}
DWORD WINAPI GetLongPathNameA(LPCSTR in, LPSTR out, DWORD len) { return same_path_if_exists_a(in, out, len); }
DWORD WINAPI GetShortPathNameA(LPCSTR in, LPSTR out, DWORD len) { return same_path_if_exists_a(in, out, len); }

UINT WINAPI GetWindowsDirectoryW(LPWSTR buf, UINT n) {
    static const char16_t dir[] = u"C:\\windows";
    UINT len = UINT(std::size(dir) - 1);
    if (len >= n) return len + 1;
    std::memcpy(buf, dir, sizeof dir);
    return len;
}
UINT WINAPI GetWindowsDirectoryA(LPSTR buf, UINT n) {
    static const char dir[] = "C:\\windows";
    UINT len = UINT(std::size(dir) - 1);
    if (len >= n) return len + 1;
    std::memcpy(buf, dir, sizeof dir);
    return len;
}
UINT WINAPI GetSystemDirectoryW(LPWSTR buf, UINT n) {
    const std::u16string& d = paths::system_dir();
    if (d.size() >= n) return UINT(d.size() + 1);
    std::memcpy(buf, d.c_str(), (d.size() + 1) * 2);
    return UINT(d.size());
}
UINT WINAPI GetSystemDirectoryA(LPSTR buf, UINT n) {
    std::string d = wide_to_file(paths::system_dir());
    if (d.size() >= n) return UINT(d.size() + 1);
    std::memcpy(buf, d.c_str(), d.size() + 1);
    return UINT(d.size());
}

WR_EXPORT_PART(kernel32_directory,
    WR_EXPORT(GetCurrentDirectoryA), WR_EXPORT(GetCurrentDirectoryW), WR_EXPORT(SetCurrentDirectoryA),
    WR_EXPORT(SetCurrentDirectoryW), WR_EXPORT(GetFullPathNameA), WR_EXPORT(GetFullPathNameW), WR_EXPORT(GetTempPathA),
    WR_EXPORT(GetTempPathW), WR_EXPORT(GetWindowsDirectoryA), WR_EXPORT(GetWindowsDirectoryW),
    WR_EXPORT(GetSystemDirectoryA), WR_EXPORT(GetSystemDirectoryW), WR_EXPORT(GetTempFileNameA),
    WR_EXPORT(GetTempFileNameW), WR_EXPORT(GetLongPathNameA), WR_EXPORT(GetLongPathNameW), WR_EXPORT(GetShortPathNameA),
    WR_EXPORT(GetShortPathNameW));

}  // namespace winrun::k32

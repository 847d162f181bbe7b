// FindFirstFile / FindNextFile / FindClose, and the directory search msvcrt's _findfirst uses.
#include "find.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "builtin/builtin.h"
#include "path_map.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
char16_t upcase(char16_t c) { return c >= u'a' && c <= u'z' ? char16_t(c - 32) : c; }

bool wild_match(const char16_t* pat, const char16_t* name) {
    const char16_t *star = nullptr, *resume = nullptr;
    while (*name) {
        if (*pat == u'*') {
            star = pat++;
            resume = name;
        } else if (*pat == u'?' || (*pat && upcase(*pat) == upcase(*name))) {
            pat++;
            name++;
        } else if (star) {
            pat = star + 1;
            name = ++resume;
        } else {
            return false;
        }
    }
    while (*pat == u'*' || *pat == u'.' || *pat == u'?') {
        // A trailing ".*", "*" or "?" also matches nothing (DOS: "*.*" matches "Makefile").
        if (*pat == u'.' && pat[1] != u'*' && pat[1] != 0) return false;
        pat++;
    }
    return !*pat;
}
}  // namespace

bool dos_match(const std::u16string& pat, const std::u16string& name) {
    if (pat.size() > 1 && pat.back() == u'.' && pat != u"..") {
        if (name.find(u'.') != std::u16string::npos) return false;
        return wild_match(pat.substr(0, pat.size() - 1).c_str(), name.c_str());
    }
    return wild_match(pat.c_str(), name.c_str());
}

bool find_entries(std::u16string_view spec, std::vector<FindEntry>& out, DWORD& win_error) {
    std::u16string s(spec);
    size_t sep = s.find_last_of(u"\\/");
    bool drive_only = sep == std::u16string::npos && s.size() >= 2 && s[1] == u':';
    std::u16string dir = sep != std::u16string::npos ? s.substr(0, sep + 1) : drive_only ? s.substr(0, 2) : u".";
    std::u16string pat = sep != std::u16string::npos ? s.substr(sep + 1) : drive_only ? s.substr(2) : s;
    if (pat.empty()) {
        win_error = ERROR_FILE_NOT_FOUND;
        return false;
    }
    std::u16string full_dir = full_path_name(dir);
    auto ldir = paths::to_linux(full_dir);
    DIR* d = ldir ? opendir(ldir->c_str()) : nullptr;
    if (!d) {
        win_error = ERROR_PATH_NOT_FOUND;
        return false;
    }
    bool root = full_dir.size() <= 3;
    std::string base = ldir.value();
    if (base.empty() || base.back() != '/') base += '/';
    out.clear();
    while (dirent* e = readdir(d)) {
        std::u16string name = utf8_to_utf16(e->d_name);
        if (root && (name == u"." || name == u"..")) continue;  // a drive root has no "." or ".."
        if (!dos_match(pat, name)) continue;
        FindEntry fe{name, 0, {}, base + e->d_name};
        bool link = e->d_type == DT_LNK || (e->d_type == DT_UNKNOWN && is_symlink(fe.linux_path));
        if (stat(fe.linux_path.c_str(), &fe.st) != 0 && lstat(fe.linux_path.c_str(), &fe.st) != 0) continue;
        fe.attributes = attributes_of(fe.linux_path, fe.st, link);
        out.push_back(std::move(fe));
    }
    closedir(d);
    auto key = [](const std::u16string& n) {
        if (n == u".") return std::u16string(1, u'\1');
        if (n == u"..") return std::u16string(2, u'\1');
        std::u16string u;
        for (char16_t c : n) u.push_back(upcase(c));
        return u;
    };
    std::stable_sort(out.begin(), out.end(), [&](const FindEntry& a, const FindEntry& b) { return key(a.name) < key(b.name); });
    if (out.empty()) {
        win_error = ERROR_FILE_NOT_FOUND;
        return false;
    }
    return true;
}

// ---- the API ------------------------------------------------------------------------------------
namespace {
struct WIN32_FIND_DATAW {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime, ftLastAccessTime, ftLastWriteTime;
    DWORD nFileSizeHigh, nFileSizeLow, dwReserved0, dwReserved1;
    WCHAR cFileName[260];
    WCHAR cAlternateFileName[14];
};
static_assert(sizeof(WIN32_FIND_DATAW) == 592 && offsetof(WIN32_FIND_DATAW, cFileName) == 44);
struct WIN32_FIND_DATAA {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime, ftLastAccessTime, ftLastWriteTime;
    DWORD nFileSizeHigh, nFileSizeLow, dwReserved0, dwReserved1;
    CHAR cFileName[260];
    CHAR cAlternateFileName[14];
};
static_assert(sizeof(WIN32_FIND_DATAA) == 320);

struct FindObject : KObject {
    FindObject() : KObject(ObjectKind::Other) {}
    std::vector<FindEntry> entries;
    size_t next = 0;
};

void fill(const FindEntry& e, WIN32_FIND_DATAW* fd) {
    std::memset(fd, 0, sizeof *fd);
    fd->dwFileAttributes = e.attributes;
    if (e.attributes & FILE_ATTRIBUTE_REPARSE_POINT) fd->dwReserved0 = IO_REPARSE_TAG_SYMLINK;
    fd->ftCreationTime = filetime_of(e.st.st_mtim);  // Linux keeps no creation time in struct stat
    fd->ftLastAccessTime = filetime_of(e.st.st_atim);
    fd->ftLastWriteTime = filetime_of(e.st.st_mtim);
    uint64_t size = S_ISDIR(e.st.st_mode) ? 0 : uint64_t(e.st.st_size);
    fd->nFileSizeHigh = DWORD(size >> 32);
    fd->nFileSizeLow = DWORD(size);
    std::memcpy(fd->cFileName, e.name.data(), std::min<size_t>(e.name.size(), 259) * 2);
}

void fill(const FindEntry& e, WIN32_FIND_DATAA* fd) {
    WIN32_FIND_DATAW w;
    fill(e, &w);
    std::memcpy(fd, &w, offsetof(WIN32_FIND_DATAA, cFileName));
    std::memset(fd->cFileName, 0, sizeof fd->cFileName + sizeof fd->cAlternateFileName);
    std::string a = wide_to_file(e.name);
    std::memcpy(fd->cFileName, a.data(), std::min<size_t>(a.size(), 259));
}

template <typename Data>
HANDLE find_first(std::u16string_view spec, Data* fd) {
    auto f = std::make_shared<FindObject>();
    DWORD err = 0;
    if (!find_entries(spec, f->entries, err)) {
        set_last_error(err);
        return INVALID_HANDLE_VALUE;
    }
    fill(f->entries[0], fd);
    f->next = 1;
    set_last_error(ERROR_SUCCESS);
    return handle_alloc(f);
}

template <typename Data>
BOOL find_next(HANDLE h, Data* fd) {
    auto f = std::dynamic_pointer_cast<FindObject>(handle_get(h));
    if (!f) return fail(ERROR_INVALID_HANDLE);
    if (f->next >= f->entries.size()) return fail(ERROR_NO_MORE_FILES);
    fill(f->entries[f->next++], fd);
    return TRUE;
}
}  // namespace

HANDLE WINAPI FindFirstFileW(LPCWSTR spec, WIN32_FIND_DATAW* fd) {
    if (!spec || !*spec) {
        set_last_error(ERROR_FILE_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    return find_first(wview(spec), fd);
}
HANDLE WINAPI FindFirstFileA(LPCSTR spec, WIN32_FIND_DATAA* fd) {
    if (!spec || !*spec) {
        set_last_error(ERROR_FILE_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    return find_first(file_to_wide(spec), fd);
}
// FindExInfoStandard/Basic (the short name is empty either way) and name matching; the other
// search operations (directories only, devices) are refused.
HANDLE WINAPI FindFirstFileExW(LPCWSTR spec, int info_level, WIN32_FIND_DATAW* fd, int search_op, void* filter, DWORD) {
    if (info_level > 1 || search_op != 0 || filter) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    return FindFirstFileW(spec, fd);
}
HANDLE WINAPI FindFirstFileExA(LPCSTR spec, int info_level, WIN32_FIND_DATAA* fd, int search_op, void* filter, DWORD) {
    if (info_level > 1 || search_op != 0 || filter) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    return FindFirstFileA(spec, fd);
}
BOOL WINAPI FindNextFileW(HANDLE h, WIN32_FIND_DATAW* fd) { return find_next(h, fd); }
BOOL WINAPI FindNextFileA(HANDLE h, WIN32_FIND_DATAA* fd) { return find_next(h, fd); }
BOOL WINAPI FindClose(HANDLE h) {
    if (!std::dynamic_pointer_cast<FindObject>(handle_get(h))) return fail(ERROR_INVALID_HANDLE);
    handle_close(h);
    return TRUE;
}

WR_EXPORT_PART(kernel32_find, WR_EXPORT(FindFirstFileA), WR_EXPORT(FindFirstFileW), WR_EXPORT(FindFirstFileExA),
               WR_EXPORT(FindFirstFileExW), WR_EXPORT(FindNextFileA), WR_EXPORT(FindNextFileW), WR_EXPORT(FindClose));

}  // namespace winrun::k32

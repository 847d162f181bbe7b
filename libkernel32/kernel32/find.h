// Directory searches with DOS wildcards, shared by FindFirstFile (kernel32) and _findfirst (msvcrt).
#pragma once
#include <sys/stat.h>

#include <string>
#include <vector>

#include "k32.h"
#include "result.h"

namespace winrun::k32 {

struct FindEntry {
    std::u16string name;
    DWORD attributes;
    struct stat st;          // for times and sizes
    std::string linux_path;  // the entry's Linux path
};

// The entries of spec's directory that match spec's last component ("dir\*.txt", "C:\x\?.c",
// "name"), sorted as NTFS lists them (upper-cased UTF-16; "." and ".." first, none at a drive root).
// On failure `win_error` says why: ERROR_PATH_NOT_FOUND (no such directory), ERROR_FILE_NOT_FOUND
// (nothing matches).
bool find_entries(std::u16string_view spec, std::vector<FindEntry>& out, DWORD& win_error);

// DOS pattern matching, case-insensitive: '*' any run, '?' one character; "*.*" and "x.*" also match
// names without a dot; a pattern ending in '.' matches only names without an extension.
bool dos_match(const std::u16string& pattern, const std::u16string& name);

}  // namespace winrun::k32

// USER32.dll's text helpers: case mapping and character classes (Unicode simple case mapping,
// case_map.h; the *A functions go through the ANSI code page), and moving through ANSI strings
// that may hold double-byte characters.
#include <cstring>

#include "builtin/builtin.h"
#include "case_map.h"
#include "kernel32/k32.h"
#include "unicode.h"

namespace winrun::k32 {
BOOL WINAPI IsDBCSLeadByteEx(UINT cp, BYTE b);
}

namespace winrun::user32 {
using namespace winrun::win;

namespace {

// CharUpper/CharLower take a string, or a character in the low word of the pointer when its high
// bits are zero.
bool is_char_arg(const void* p) { return (reinterpret_cast<uintptr_t>(p) >> 16) == 0; }

template <char16_t (*Map)(char16_t)>
void map_wide(char16_t* s, size_t n) {
    for (size_t i = 0; i < n; i++) s[i] = Map(s[i]);
}

// Maps n ANSI bytes in place; a character whose mapping has no single-byte form stays as it was.
template <char16_t (*Map)(char16_t)>
void map_ansi(char* s, size_t n) {
    bool ascii = true;
    for (size_t i = 0; i < n && ascii; i++) ascii = uint8_t(s[i]) < 0x80;
    if (ascii) {
        for (size_t i = 0; i < n; i++) s[i] = char(Map(char16_t(uint8_t(s[i]))));
        return;
    }
    std::u16string w = k32::ansi_to_wide(s, n);
    std::u16string m = w;
    map_wide<Map>(m.data(), m.size());
    std::string back = k32::wide_to_ansi(m);
    // Only when every character converts one to one (single-byte code page): else per character.
    if (back.size() == n && w.size() == n) {
        for (size_t i = 0; i < n; i++) {
            char16_t orig = w[i];
            if (m[i] != orig && back[i] == '?') continue;  // no ANSI form for the mapped character
            s[i] = back[i];
        }
    }
}

char16_t ansi_char_to_wide(char c) {
    std::u16string w = k32::ansi_to_wide(&c, 1);
    return w.empty() ? 0 : w[0];
}

}  // namespace

LPWSTR WINAPI CharUpperW(LPWSTR s) {
    if (is_char_arg(s)) return reinterpret_cast<LPWSTR>(uintptr_t(nls::to_upper16(char16_t(uintptr_t(s)))));
    map_wide<nls::to_upper16>(s, wcslen16(s));
    return s;
}
LPWSTR WINAPI CharLowerW(LPWSTR s) {
    if (is_char_arg(s)) return reinterpret_cast<LPWSTR>(uintptr_t(nls::to_lower16(char16_t(uintptr_t(s)))));
    map_wide<nls::to_lower16>(s, wcslen16(s));
    return s;
}
LPSTR WINAPI CharUpperA(LPSTR s) {
    if (is_char_arg(s)) {
        char c = char(uintptr_t(s));
        map_ansi<nls::to_upper16>(&c, 1);
        return reinterpret_cast<LPSTR>(uintptr_t(uint8_t(c)));
    }
    map_ansi<nls::to_upper16>(s, std::strlen(s));
    return s;
}
LPSTR WINAPI CharLowerA(LPSTR s) {
    if (is_char_arg(s)) {
        char c = char(uintptr_t(s));
        map_ansi<nls::to_lower16>(&c, 1);
        return reinterpret_cast<LPSTR>(uintptr_t(uint8_t(c)));
    }
    map_ansi<nls::to_lower16>(s, std::strlen(s));
    return s;
}

DWORD WINAPI CharUpperBuffW(LPWSTR s, DWORD n) {
    if (!s) return 0;
    map_wide<nls::to_upper16>(s, n);
    return n;
}
DWORD WINAPI CharLowerBuffW(LPWSTR s, DWORD n) {
    if (!s) return 0;
    map_wide<nls::to_lower16>(s, n);
    return n;
}
DWORD WINAPI CharUpperBuffA(LPSTR s, DWORD n) {
    if (!s) return 0;
    map_ansi<nls::to_upper16>(s, n);
    return n;
}
DWORD WINAPI CharLowerBuffA(LPSTR s, DWORD n) {
    if (!s) return 0;
    map_ansi<nls::to_lower16>(s, n);
    return n;
}

// Never moves past the terminator.
LPWSTR WINAPI CharNextW(LPCWSTR s) { return const_cast<LPWSTR>(*s ? s + 1 : s); }
LPWSTR WINAPI CharPrevW(LPCWSTR start, LPCWSTR s) { return const_cast<LPWSTR>(s > start ? s - 1 : start); }

LPSTR WINAPI CharNextExA(WORD cp, LPCSTR s, DWORD flags) {
    if (!s || !*s) return const_cast<LPSTR>(s);
    if (k32::IsDBCSLeadByteEx(cp, BYTE(*s)) && s[1]) return const_cast<LPSTR>(s + 2);
    return const_cast<LPSTR>(s + 1);
}
LPSTR WINAPI CharNextA(LPCSTR s) { return CharNextExA(0, s, 0); }

// Walks from the start: the only way to find character boundaries in a double-byte string.
LPSTR WINAPI CharPrevExA(WORD cp, LPCSTR start, LPCSTR s, DWORD flags) {
    while (*start && start < s) {
        LPCSTR next = CharNextExA(cp, start, 0);
        if (next >= s) break;
        start = next;
    }
    return const_cast<LPSTR>(start);
}
LPSTR WINAPI CharPrevA(LPCSTR start, LPCSTR s) { return CharPrevExA(0, start, s, 0); }

BOOL WINAPI IsCharAlphaW(WCHAR c) { return nls::is_alpha16(c); }
BOOL WINAPI IsCharAlphaNumericW(WCHAR c) { return nls::is_alpha16(c) || nls::is_digit16(c); }
BOOL WINAPI IsCharUpperW(WCHAR c) { return nls::is_upper16(c); }
BOOL WINAPI IsCharLowerW(WCHAR c) { return nls::is_lower16(c); }
BOOL WINAPI IsCharAlphaA(CHAR c) { return IsCharAlphaW(ansi_char_to_wide(c)); }
BOOL WINAPI IsCharAlphaNumericA(CHAR c) { return IsCharAlphaNumericW(ansi_char_to_wide(c)); }
BOOL WINAPI IsCharUpperA(CHAR c) { return IsCharUpperW(ansi_char_to_wide(c)); }
BOOL WINAPI IsCharLowerA(CHAR c) { return IsCharLowerW(ansi_char_to_wide(c)); }

WR_EXPORT_PART(user32_text,
    WR_EXPORT(CharLowerA),
    WR_EXPORT(CharLowerBuffA),
    WR_EXPORT(CharLowerBuffW),
    WR_EXPORT(CharLowerW),
    WR_EXPORT(CharNextA),
    WR_EXPORT(CharNextExA),
    WR_EXPORT(CharNextW),
    WR_EXPORT(CharPrevA),
    WR_EXPORT(CharPrevExA),
    WR_EXPORT(CharPrevW),
    WR_EXPORT(CharUpperA),
    WR_EXPORT(CharUpperBuffA),
    WR_EXPORT(CharUpperBuffW),
    WR_EXPORT(CharUpperW),
    WR_EXPORT(IsCharAlphaA),
    WR_EXPORT(IsCharAlphaNumericA),
    WR_EXPORT(IsCharAlphaNumericW),
    WR_EXPORT(IsCharAlphaW),
    WR_EXPORT(IsCharLowerA),
    WR_EXPORT(IsCharLowerW),
    WR_EXPORT(IsCharUpperA),
    WR_EXPORT(IsCharUpperW));

}  // namespace winrun::user32

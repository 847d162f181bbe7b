// Locale internals shared by locale.cpp, compare_string.cpp and date_format.cpp.
// winrun presents one locale, en-US (0x0409), plus the invariant locale (0x007F); the default
// aliases (LOCALE_USER_DEFAULT, LOCALE_SYSTEM_DEFAULT, LOCALE_NEUTRAL ...) resolve to en-US.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "k32.h"

namespace winrun::k32 {

using LANGID = WORD;
using LCTYPE = DWORD;

enum class Locale { EnUS, Invariant };
constexpr LCID LCID_EN_US = 0x0409, LCID_INVARIANT = 0x007F;

// The locale an LCID names, or nullopt for an LCID Windows would reject here (other languages,
// non-default sort orders).
std::optional<Locale> locale_of(LCID lcid);
// A locale name (case-insensitive): nullptr is the user default, "" the invariant locale,
// "!x-sys-default-locale" the system default.
std::optional<Locale> locale_of_name(const char16_t* name);
LCID lcid_of(Locale l);

// The string GetLocaleInfoW returns for an LCTYPE (flags already removed); nullopt when the type is
// unknown. `number` is set for the numeric (I*) types, with the value LOCALE_RETURN_NUMBER returns.
std::optional<std::u16string> locale_string(Locale l, LCTYPE type, std::optional<DWORD>* number = nullptr);

// Copies a result with the Win32 size rules (terminator counted; 0 = size query; too small =
// ERROR_INSUFFICIENT_BUFFER). Returns what the API returns.
int copy_result(std::u16string_view s, LPWSTR buf, int len);
int copy_result_a(std::u16string_view s, LPSTR buf, int len);

// Unicode simple case mapping (glibc's tables under C.UTF-8; ASCII without a locale).
char16_t upcase16(char16_t c);
char16_t downcase16(char16_t c);

}  // namespace winrun::k32

namespace winrun::k32 {
// The sort key of compare_string.cpp (LCMAP_SORTKEY bytes, terminator included): CompareString
// compares exactly these keys, so memcmp order and CompareString order always agree.
std::string sort_key(std::u16string_view s, DWORD flags);
// Precomposed Latin letter -> base letter and up to two combining marks (NFD); false when c has none.
bool latin_decompose(char16_t c, char16_t& base, char16_t& mark1, char16_t& mark2);
}  // namespace winrun::k32

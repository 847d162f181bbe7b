// Windows' simple (one unit to one unit) case mapping of UTF-16 code units: what CharUpperW,
// LCMapString(LCMAP_UPPERCASE) in a non-Turkic locale, and the registry's case-insensitive name
// comparison (RtlUpcaseUnicodeChar) use. Answered from glibc's Unicode tables (C.UTF-8); surrogate
// units map to themselves.
#pragma once

namespace winrun::nls {

char16_t to_upper16(char16_t c);
char16_t to_lower16(char16_t c);
bool is_alpha16(char16_t c);
bool is_digit16(char16_t c);
bool is_upper16(char16_t c);
bool is_lower16(char16_t c);

}  // namespace winrun::nls

// UTF-8 <-> UTF-16 conversions (Linux strings are UTF-8, Windows strings UTF-16).
// Invalid input becomes U+FFFD, as Windows' MultiByteToWideChar does without MB_ERR_INVALID_CHARS.
#pragma once
#include <string>
#include <string_view>

namespace winrun {

std::u16string utf8_to_utf16(std::string_view s);
std::string utf16_to_utf8(std::u16string_view s);
size_t wcslen16(const char16_t* s);
inline std::u16string_view wview(const char16_t* s) { return s ? std::u16string_view(s, wcslen16(s)) : std::u16string_view(); }
// ASCII-only conversion for names that are ASCII by definition (module and export names).
std::u16string ascii_to_utf16(std::string_view s);

}  // namespace winrun

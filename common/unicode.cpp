#include "unicode.h"

namespace winrun {

std::u16string utf8_to_utf16(std::string_view s) {
    // The ASCII prefix (all of most strings: paths, environment) in one resize and a plain loop;
    // the per-character decoder below costs several times as much per character.
    size_t i = 0;
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) i++;
    std::u16string out(i, u'\0');
    for (size_t k = 0; k < i; k++) out[k] = char16_t(static_cast<unsigned char>(s[k]));
    if (i == s.size()) return out;
    out.reserve(s.size());
    while (i < s.size()) {
        unsigned char c = s[i];
        char32_t cp;
        int len;
        if (c < 0x80) { cp = c; len = 1; }
        else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; len = 2; }
        else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; len = 3; }
        else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; len = 4; }
        else { out.push_back(u'\uFFFD'); i++; continue; }
        if (i + len > s.size()) { out.push_back(u'\uFFFD'); i++; continue; }
        bool bad = false;
        for (int k = 1; k < len; k++) {
            unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80) { bad = true; break; }
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid.
        static const char32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (bad || cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            out.push_back(u'\uFFFD');
            i++;
            continue;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(char16_t(0xD800 + (cp >> 10)));
            out.push_back(char16_t(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(char16_t(cp));
        }
        i += len;
    }
    return out;
}

std::string utf16_to_utf8(std::u16string_view s) {
    size_t ascii = 0;  // the ASCII prefix at once, as in utf8_to_utf16
    while (ascii < s.size() && s[ascii] < 0x80) ascii++;
    std::string out(ascii, '\0');
    for (size_t k = 0; k < ascii; k++) out[k] = char(s[k]);
    if (ascii == s.size()) return out;
    out.reserve(s.size() + 8);
    for (size_t i = ascii; i < s.size(); i++) {
        char32_t cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            i++;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;  // lone surrogate
        }
        if (cp < 0x80) out.push_back(char(cp));
        else if (cp < 0x800) { out.push_back(char(0xC0 | (cp >> 6))); out.push_back(char(0x80 | (cp & 0x3F))); }
        else if (cp < 0x10000) {
            out.push_back(char(0xE0 | (cp >> 12)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(char(0xF0 | (cp >> 18)));
            out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        }
    }
    return out;
}

size_t wcslen16(const char16_t* s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

std::u16string ascii_to_utf16(std::string_view s) { return std::u16string(s.begin(), s.end()); }

}  // namespace winrun

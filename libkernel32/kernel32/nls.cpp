// Code pages: MultiByteToWideChar / WideCharToMultiByte and friends.
// Single-byte code pages get a 256-entry table built once from iconv (never hand-written tables);
// multi-byte ones go through iconv per call; UTF-8 is converted algorithmically.
// The ANSI code page is 1252 and the OEM one 437 (an en-US Windows) until a manifest's
// activeCodePage (issue 8) says otherwise.
#include <iconv.h>
#include <locale.h>

#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "builtin/builtin.h"
#include "k32.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
constexpr UINT CP_ACP = 0, CP_OEMCP = 1, CP_MACCP = 2, CP_THREAD_ACP = 3, CP_UTF7 = 65000, CP_UTF8 = 65001;
constexpr DWORD MB_ERR_INVALID_CHARS = 0x8, WC_ERR_INVALID_CHARS = 0x80, WC_NO_BEST_FIT_CHARS = 0x400;

UINT g_acp = 1252, g_oemcp = 437;

struct SingleByteTable {
    std::array<char16_t, 256> to_wide;
    std::array<uint8_t, 256> defined;  // 0 when the byte has no mapping
    std::map<char16_t, uint8_t> to_byte;
};

std::mutex g_mutex;
std::map<UINT, std::optional<SingleByteTable>> g_tables;

std::string iconv_name(UINT cp) {
    switch (cp) {
    case 20127: return "ASCII";
    case 28591: return "ISO-8859-1";
    case 20866: return "KOI8-R";
    case 932: return "CP932";
    case 936: return "GBK";
    case 949: return "CP949";
    case 950: return "BIG5";
    default: return "CP" + std::to_string(cp);
    }
}

bool is_multibyte(UINT cp) { return cp == 932 || cp == 936 || cp == 949 || cp == 950; }

// Every code page winrun maps is ASCII below 0x80 (the Windows SBCS pages, the DBCS lead-byte
// pages and UTF-8), so pure ASCII text needs no table; most programs never load an iconv module.
bool ascii_compatible(UINT cp) { return cp != 65000 /* UTF-7 */ && cp != 1200 && cp != 1201; }
template <typename C>
bool all_ascii(const C* s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (static_cast<std::make_unsigned_t<C>>(s[i]) >= 0x80) return false;
    return true;
}

// nullptr when iconv does not know the code page.
const SingleByteTable* single_byte(UINT cp) {
    std::lock_guard lock(g_mutex);
    auto it = g_tables.find(cp);
    if (it != g_tables.end()) return it->second ? &*it->second : nullptr;
    iconv_t cd = iconv_open("UTF-16LE", iconv_name(cp).c_str());
    if (cd == iconv_t(-1)) {
        g_tables[cp] = std::nullopt;
        return nullptr;
    }
    SingleByteTable t{};
    for (int b = 0; b < 256; b++) {
        char in = char(b);
        char16_t out = 0;
        char* ip = &in;
        char* op = reinterpret_cast<char*>(&out);
        size_t il = 1, ol = 2;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        if (iconv(cd, &ip, &il, &op, &ol) != size_t(-1) && ol == 0) {
            t.to_wide[b] = out;
            t.defined[b] = 1;
            t.to_byte.emplace(out, uint8_t(b));
        } else {
            // Windows maps undefined bytes of 1252 etc. to the same code point (0x81 -> U+0081).
            t.to_wide[b] = char16_t(b);
            t.defined[b] = 0;
            t.to_byte.emplace(char16_t(b), uint8_t(b));
        }
    }
    iconv_close(cd);
    return &*(g_tables[cp] = std::move(t));
}

// Best fit (WideCharToMultiByte without WC_NO_BEST_FIT_CHARS, and the ANSI forms of strings):
// a character a single-byte code page lacks becomes a similar ASCII one ("\u0100" -> 'A') instead
// of the default character; -1 when there is none. glibc's transliteration to ASCII provides the
// similar characters. ASCII, not the code page itself: ASCII is built into libc, while a code
// page's converter is a module that winrun (linked statically) loads with a libc of its own,
// whose thread locale uselocale below does not reach - its transliteration would see the "C"
// locale and give '?' for everything.
int best_fit(char16_t c) {
    static std::mutex m;
    static iconv_t translit = iconv_open("ASCII//TRANSLIT", "UTF-16LE");
    if (c >= 0xD800 && c <= 0xDFFF) return -1;
    std::lock_guard lock(m);
    if (translit == iconv_t(-1)) return -1;
    char16_t in = c;
    char out[8];
    char* ip = reinterpret_cast<char*>(&in);
    char* op = out;
    size_t il = 2, ol = sizeof out;
    // glibc transliterates with the LC_CTYPE data of the calling thread's locale, and the "C"
    // locale has almost none: convert under C.UTF-8, then switch back.
    static locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
    locale_t old = utf8 ? uselocale(utf8) : nullptr;
    iconv(translit, nullptr, nullptr, nullptr, nullptr);
    size_t r = iconv(translit, &ip, &il, &op, &ol);
    if (old) uselocale(old);
    if (r == size_t(-1) || sizeof out - ol != 1 || out[0] == '?') return -1;
    return static_cast<unsigned char>(out[0]);
}

UINT resolve_cp(UINT cp) {
    switch (cp) {
    case CP_ACP: case CP_THREAD_ACP: return g_acp;
    case CP_OEMCP: return g_oemcp;
    case CP_MACCP: return 10000;
    default: return cp;
    }
}

// The code pages Windows ships that are ASCII-compatible single-byte pages: checking this list
// avoids loading an iconv module just to learn that a page exists.
bool known_cp_fast(UINT cp) {
    switch (cp) {
    case 437: case 737: case 775: case 850: case 852: case 855: case 857: case 858: case 860: case 861: case 862:
    case 863: case 864: case 865: case 866: case 869: case 874: case 1250: case 1251: case 1252: case 1253:
    case 1254: case 1255: case 1256: case 1257: case 1258: case 20127: case 28591: case 28592: case 28593:
    case 28594: case 28595: case 28596: case 28597: case 28598: case 28599: case 28605: case 20866: case 21866:
        return true;
    default:
        return false;
    }
}

bool known_cp(UINT cp) { return cp == CP_UTF8 || cp == CP_UTF7 || is_multibyte(cp) || single_byte(cp); }

// Strict UTF-8 decode; `bad` counts invalid sequences (each became U+FFFD).
std::u16string utf8_decode(const char* s, size_t n, bool& bad) {
    std::u16string w = utf8_to_utf16(std::string_view(s, n));
    bad = false;
    for (char16_t c : w)
        if (c == 0xFFFD) {
            // A real U+FFFD in the input is valid: check the bytes.
            bad = std::string_view(s, n).find("\xEF\xBF\xBD") == std::string_view::npos;
            break;
        }
    return w;
}

std::optional<std::u16string> iconv_to_wide(UINT cp, const char* s, size_t n) {
    iconv_t cd = iconv_open("UTF-16LE", iconv_name(cp).c_str());
    if (cd == iconv_t(-1)) return std::nullopt;
    std::u16string out(n + 1, 0);
    char* ip = const_cast<char*>(s);
    char* op = reinterpret_cast<char*>(out.data());
    size_t il = n, ol = out.size() * 2;
    while (il) {
        if (iconv(cd, &ip, &il, &op, &ol) == size_t(-1)) {
            if (errno == E2BIG) break;
            // Invalid byte: Windows substitutes the default character.
            *reinterpret_cast<char16_t*>(op) = u'?';
            op += 2;
            ol -= 2;
            ip++;
            il--;
        }
    }
    out.resize((out.size() * 2 - ol) / 2);
    iconv_close(cd);
    return out;
}
}  // namespace

UINT ansi_code_page() { return g_acp; }
// At start-up only, before the program runs (a manifest's activeCodePage, loader/actctx.cpp).
void set_ansi_code_page(UINT cp) { g_acp = cp; }
UINT oem_code_page() { return g_oemcp; }

namespace {
std::u16string narrow_to_wide(UINT cp, const char* s, size_t n) {
    if (!s) return {};
    if (n == std::string::npos) n = std::strlen(s);
    if (all_ascii(s, n)) return std::u16string(s, s + n);
    if (cp == CP_UTF8) return utf8_to_utf16(std::string_view(s, n));
    const SingleByteTable* t = single_byte(cp);
    std::u16string w(n, 0);
    for (size_t i = 0; i < n; i++) w[i] = t->to_wide[static_cast<uint8_t>(s[i])];
    return w;
}

std::string wide_to_narrow(UINT cp, std::u16string_view w) {
    if (all_ascii(w.data(), w.size())) return std::string(w.begin(), w.end());
    if (cp == CP_UTF8) return utf16_to_utf8(w);
    const SingleByteTable* t = single_byte(cp);
    std::string s(w.size(), 0);
    for (size_t i = 0; i < w.size(); i++) {
        auto it = t->to_byte.find(w[i]);
        int fit = it == t->to_byte.end() ? best_fit(w[i]) : it->second;
        s[i] = fit < 0 ? '?' : char(fit);
    }
    return s;
}

// SetFileApisToOEM: file names in the *A file functions use the OEM code page from then on.
std::atomic<bool> g_file_apis_oem{false};
UINT file_api_cp() { return g_file_apis_oem.load(std::memory_order_relaxed) ? g_oemcp : g_acp; }
}  // namespace

std::u16string ansi_to_wide(const char* s, size_t n) { return narrow_to_wide(g_acp, s, n); }
std::string wide_to_ansi(std::u16string_view w) { return wide_to_narrow(g_acp, w); }
std::u16string file_to_wide(const char* s, size_t n) { return narrow_to_wide(file_api_cp(), s, n); }
std::string wide_to_file(std::u16string_view w) { return wide_to_narrow(file_api_cp(), w); }

void WINAPI SetFileApisToOEM() { g_file_apis_oem = true; }
void WINAPI SetFileApisToANSI() { g_file_apis_oem = false; }
BOOL WINAPI AreFileApisANSI() { return !g_file_apis_oem; }

UINT WINAPI GetACP() { return g_acp; }
UINT WINAPI GetOEMCP() { return g_oemcp; }
BOOL WINAPI IsValidCodePage(UINT cp) { return cp != CP_ACP && cp != CP_OEMCP && known_cp(cp); }

INT WINAPI MultiByteToWideChar(UINT cp, DWORD flags, LPCSTR src, INT srclen, LPWSTR dst, INT dstlen) {
    if (!src || srclen == 0 || dstlen < 0 || (dst && dst == reinterpret_cast<LPCWSTR>(src))) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    cp = resolve_cp(cp);
    size_t n = srclen < 0 ? std::strlen(src) + 1 : size_t(srclen);
    std::u16string w;
    if (ascii_compatible(cp) && all_ascii(src, n) && (cp == CP_UTF8 || is_multibyte(cp) || known_cp_fast(cp))) {
        w.assign(src, src + n);
    } else if (cp == CP_UTF8) {
        bool bad;
        w = utf8_decode(src, n, bad);
        if (bad && (flags & MB_ERR_INVALID_CHARS)) {
            set_last_error(ERROR_NO_UNICODE_TRANSLATION);
            return 0;
        }
    } else if (is_multibyte(cp)) {
        auto r = iconv_to_wide(cp, src, n);
        if (!r) {
            set_last_error(ERROR_INVALID_PARAMETER);
            return 0;
        }
        w = std::move(*r);
    } else if (const SingleByteTable* t = single_byte(cp)) {
        w.resize(n);
        for (size_t i = 0; i < n; i++) {
            uint8_t b = static_cast<uint8_t>(src[i]);
            if ((flags & MB_ERR_INVALID_CHARS) && !t->defined[b]) {
                set_last_error(ERROR_NO_UNICODE_TRANSLATION);
                return 0;
            }
            w[i] = t->to_wide[b];
        }
    } else {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (dstlen == 0) return INT(w.size());
    if (w.size() > size_t(dstlen)) {
        std::memcpy(dst, w.data(), size_t(dstlen) * 2);  // Windows fills what fits
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    std::memcpy(dst, w.data(), w.size() * 2);
    return INT(w.size());
}

INT WINAPI WideCharToMultiByte(UINT cp, DWORD flags, LPCWSTR src, INT srclen, LPSTR dst, INT dstlen, LPCSTR defchar,
                               BOOL* used_default) {
    if (!src || srclen == 0 || dstlen < 0 || (dst && reinterpret_cast<const void*>(dst) == src)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    cp = resolve_cp(cp);
    size_t n = srclen < 0 ? wcslen16(src) + 1 : size_t(srclen);
    std::u16string_view w(src, n);
    std::string out;
    bool used = false;
    if ((cp == CP_UTF8 || cp == CP_UTF7) && (defchar || used_default)) {
        // Documented: lpDefaultChar and lpUsedDefaultChar must be NULL for UTF-8/UTF-7.
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (ascii_compatible(cp) && all_ascii(src, n) && (cp == CP_UTF8 || is_multibyte(cp) || known_cp_fast(cp))) {
        out.assign(src, src + n);
    } else if (cp == CP_UTF8 || cp == CP_UTF7) {
        if (flags & WC_ERR_INVALID_CHARS) {
            for (size_t i = 0; i < n; i++) {
                char16_t c = w[i];
                bool hi = c >= 0xD800 && c <= 0xDBFF, lo = c >= 0xDC00 && c <= 0xDFFF;
                if ((hi && !(i + 1 < n && w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF)) || lo) {
                    set_last_error(ERROR_NO_UNICODE_TRANSLATION);
                    return 0;
                }
                if (hi) i++;
            }
        }
        out = utf16_to_utf8(w);
    } else if (const SingleByteTable* t = is_multibyte(cp) ? nullptr : single_byte(cp)) {
        char def = defchar ? *defchar : '?';
        out.resize(n);
        for (size_t i = 0; i < n; i++) {
            auto it = t->to_byte.find(w[i]);
            int fit = it != t->to_byte.end() ? it->second : (flags & WC_NO_BEST_FIT_CHARS) ? -1 : best_fit(w[i]);
            if (fit < 0) {
                out[i] = def;
                used = true;
            } else {
                out[i] = char(fit);
            }
        }
    } else if (is_multibyte(cp)) {
        iconv_t cd = iconv_open(iconv_name(cp).c_str(), "UTF-16LE");
        if (cd == iconv_t(-1)) {
            set_last_error(ERROR_INVALID_PARAMETER);
            return 0;
        }
        for (size_t i = 0; i < n; i++) {
            char buf[8];
            char* ip = reinterpret_cast<char*>(const_cast<char16_t*>(&w[i]));
            char* op = buf;
            size_t il = 2, ol = sizeof buf;
            if (iconv(cd, &ip, &il, &op, &ol) == size_t(-1)) {
                out.push_back(defchar ? *defchar : '?');
                used = true;
            } else {
                out.append(buf, sizeof buf - ol);
            }
        }
        iconv_close(cd);
    } else {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (used_default) *used_default = used;
    if (dstlen == 0) return INT(out.size());
    if (out.size() > size_t(dstlen)) {
        std::memcpy(dst, out.data(), size_t(dstlen));
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    std::memcpy(dst, out.data(), out.size());
    return INT(out.size());
}

BOOL WINAPI IsDBCSLeadByteEx(UINT cp, BYTE b) {
    cp = resolve_cp(cp);
    if (!is_multibyte(cp)) return FALSE;
    // Lead-byte ranges of the East Asian code pages (documented in their code page tables).
    switch (cp) {
    case 932: return (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC);
    default: return b >= 0x81 && b <= 0xFE;
    }
}
BOOL WINAPI IsDBCSLeadByte(BYTE b) { return IsDBCSLeadByteEx(CP_ACP, b); }

struct CPINFO {
    UINT MaxCharSize;
    BYTE DefaultChar[2];
    BYTE LeadByte[12];
};
static_assert(sizeof(CPINFO) == 20);

BOOL WINAPI GetCPInfo(UINT cp, CPINFO* info) {
    if (!info) return fail(ERROR_INVALID_PARAMETER);
    cp = resolve_cp(cp);
    if (!known_cp(cp)) return fail(ERROR_INVALID_PARAMETER);
    std::memset(info, 0, sizeof *info);
    info->DefaultChar[0] = '?';
    if (cp == CP_UTF8 || cp == CP_UTF7) info->MaxCharSize = cp == CP_UTF8 ? 4 : 5;
    else if (is_multibyte(cp)) {
        info->MaxCharSize = 2;
        if (cp == 932) {
            info->LeadByte[0] = 0x81; info->LeadByte[1] = 0x9F; info->LeadByte[2] = 0xE0; info->LeadByte[3] = 0xFC;
        } else {
            info->LeadByte[0] = 0x81; info->LeadByte[1] = 0xFE;
        }
    } else {
        info->MaxCharSize = 1;
    }
    return TRUE;
}

WR_EXPORT_PART(kernel32_nls,
    WR_EXPORT(SetFileApisToOEM), WR_EXPORT(SetFileApisToANSI), WR_EXPORT(AreFileApisANSI),
    WR_EXPORT(GetACP),
    WR_EXPORT(GetOEMCP),
    WR_EXPORT(IsValidCodePage),
    WR_EXPORT(MultiByteToWideChar),
    WR_EXPORT(WideCharToMultiByte),
    WR_EXPORT(IsDBCSLeadByteEx),
    WR_EXPORT(IsDBCSLeadByte),
    WR_EXPORT(GetCPInfo));

}  // namespace winrun::k32

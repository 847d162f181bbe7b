// GetDateFormat / GetTimeFormat (A, W, Ex): SYSTEMTIME -> text through a locale's pictures.
// Date pictures: d dd ddd dddd, M MM MMM MMMM, y yy yyyy (yyy and more = the full year), g gg
// (era, "A.D."); time pictures: h hh H HH m mm s ss t tt. Text in single quotes is copied ('' is
// one quote); anything else is copied as it is.
#include <cstring>
#include <vector>

#include "builtin/builtin.h"
#include "locale.h"
#include "unicode.h"

namespace winrun::k32 {

void WINAPI GetLocalTime(SYSTEMTIME* st);
BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME* st, FILETIME* ft);
BOOL WINAPI FileTimeToSystemTime(const FILETIME* ft, SYSTEMTIME* st);

namespace {
constexpr DWORD LOCALE_NOUSEROVERRIDE = 0x80000000, LOCALE_USE_CP_ACP = 0x40000000;
constexpr DWORD DATE_SHORTDATE = 0x1, DATE_LONGDATE = 0x2, DATE_USE_ALT_CALENDAR = 0x4, DATE_YEARMONTH = 0x8,
                DATE_LTRREADING = 0x10, DATE_RTLREADING = 0x20, DATE_AUTOLAYOUT = 0x40, DATE_MONTHDAY = 0x80;
constexpr DWORD TIME_NOMINUTESORSECONDS = 0x1, TIME_NOSECONDS = 0x2, TIME_NOTIMEMARKER = 0x4,
                TIME_FORCE24HOURFORMAT = 0x8;

std::u16string info(Locale l, LCTYPE t) { return *locale_string(l, t); }

std::u16string number(int v, int width) {
    std::u16string s = ascii_to_utf16(std::to_string(v));
    while (int(s.size()) < width) s.insert(s.begin(), u'0');
    return s;
}

// One element of a picture: literal text or a repeated picture letter.
struct Token {
    char16_t letter = 0;  // 0: literal
    int count = 0;
    std::u16string text;
};

std::vector<Token> tokenize(std::u16string_view f, std::u16string_view letters) {
    std::vector<Token> out;
    auto literal = [&](char16_t c) {
        if (out.empty() || out.back().letter) out.push_back(Token{});
        out.back().text.push_back(c);
    };
    for (size_t i = 0; i < f.size();) {
        char16_t c = f[i];
        if (c == u'\'') {
            i++;
            if (i < f.size() && f[i] == u'\'') {  // '' outside quotes: one quote
                literal(u'\'');
                i++;
                continue;
            }
            while (i < f.size()) {
                if (f[i] == u'\'') {
                    if (i + 1 < f.size() && f[i + 1] == u'\'') {
                        literal(u'\'');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                literal(f[i++]);
            }
            continue;
        }
        if (letters.find(c) != std::u16string_view::npos) {
            size_t j = i;
            while (j < f.size() && f[j] == c) j++;
            out.push_back(Token{c, int(j - i), {}});
            i = j;
            continue;
        }
        literal(c);
        i++;
    }
    return out;
}

std::u16string format_date(Locale l, const SYSTEMTIME& st, std::u16string_view picture) {
    std::u16string out;
    for (const Token& t : tokenize(picture, u"dMyg")) {
        if (!t.letter) {
            out += t.text;
            continue;
        }
        switch (t.letter) {
        case u'd':
            if (t.count <= 2) out += number(st.wDay, t.count);
            else out += info(l, (t.count == 3 ? 0x31 : 0x2A) + (st.wDayOfWeek + 6) % 7);  // Monday is name 1
            break;
        case u'M':
            if (t.count <= 2) out += number(st.wMonth, t.count);
            else out += info(l, (t.count == 3 ? 0x44 : 0x38) + st.wMonth - 1);
            break;
        case u'y':
            if (t.count <= 2) out += number(st.wYear % 100, t.count);
            else out += number(st.wYear, 1);
            break;
        case u'g':
            out += u"A.D.";
            break;
        }
    }
    return out;
}

std::u16string format_time(Locale l, const SYSTEMTIME& st, std::u16string_view picture, DWORD flags) {
    std::vector<Token> tokens = tokenize(picture, u"hHmst");
    // Dropped elements take the literal text before them along ("h:mm:ss tt" -> "h:mm tt").
    auto dropped = [&](const Token& t) {
        if (t.letter == u's') return bool(flags & (TIME_NOSECONDS | TIME_NOMINUTESORSECONDS));
        if (t.letter == u'm') return bool(flags & TIME_NOMINUTESORSECONDS);
        if (t.letter == u't') return bool(flags & TIME_NOTIMEMARKER);
        return false;
    };
    std::u16string out;
    std::u16string pending;  // literal text waiting to see whether the next element is dropped
    bool any = false, last_dropped = false;
    for (const Token& t : tokens) {
        if (!t.letter) {
            pending += t.text;
            continue;
        }
        if (dropped(t)) {
            if (any) pending.clear();  // the separator belongs to the dropped element
            last_dropped = true;
            continue;
        }
        last_dropped = false;
        out += pending;
        pending.clear();
        any = true;
        int hour12 = st.wHour % 12 == 0 ? 12 : st.wHour % 12;
        switch (t.letter) {
        case u'h':
            out += (flags & TIME_FORCE24HOURFORMAT) ? number(st.wHour, std::min(t.count, 2)) : number(hour12, std::min(t.count, 2));
            break;
        case u'H': out += number(st.wHour, std::min(t.count, 2)); break;
        case u'm': out += number(st.wMinute, std::min(t.count, 2)); break;
        case u's': out += number(st.wSecond, std::min(t.count, 2)); break;
        case u't': {
            std::u16string marker = info(l, st.wHour < 12 ? 0x28 : 0x29);
            out += t.count == 1 ? marker.substr(0, 1) : marker;
            break;
        }
        }
    }
    if (!last_dropped) out += pending;
    return out;
}

// Checks the date and fills in the day of the week (Windows ignores the caller's).
bool normalise_date(const SYSTEMTIME* in, SYSTEMTIME* out) {
    if (!in) {
        GetLocalTime(out);
        return true;
    }
    SYSTEMTIME st = *in;
    st.wHour = st.wMinute = st.wSecond = st.wMilliseconds = 0;
    FILETIME ft;
    if (!SystemTimeToFileTime(&st, &ft)) return false;
    FileTimeToSystemTime(&ft, &st);
    *out = *in;
    out->wDayOfWeek = st.wDayOfWeek;
    return true;
}

std::optional<std::u16string> date_text(std::optional<Locale> l, DWORD flags, const SYSTEMTIME* date, LPCWSTR format) {
    constexpr DWORD kinds = DATE_SHORTDATE | DATE_LONGDATE | DATE_YEARMONTH | DATE_MONTHDAY;
    constexpr DWORD known = kinds | DATE_USE_ALT_CALENDAR | DATE_LTRREADING | DATE_RTLREADING | DATE_AUTOLAYOUT |
                            LOCALE_NOUSEROVERRIDE | LOCALE_USE_CP_ACP;
    DWORD kind = flags & kinds;
    if ((flags & ~known) || (kind & (kind - 1)) || (format && (kind || (flags & LOCALE_NOUSEROVERRIDE))) ||
        (flags & DATE_LTRREADING && flags & DATE_RTLREADING)) {
        set_last_error(ERROR_INVALID_FLAGS);
        return std::nullopt;
    }
    if (!l) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return std::nullopt;
    }
    SYSTEMTIME st;
    if (!normalise_date(date, &st)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return std::nullopt;
    }
    std::u16string picture;
    if (format) picture = wview(format);
    else if (kind == DATE_LONGDATE) picture = info(*l, 0x20);
    else if (kind == DATE_YEARMONTH) picture = info(*l, 0x1006);
    else if (kind == DATE_MONTHDAY) picture = *l == Locale::EnUS ? u"MMMM d" : u"MMMM dd";
    else picture = info(*l, 0x1F);
    return format_date(*l, st, picture);
}

std::optional<std::u16string> time_text(std::optional<Locale> l, DWORD flags, const SYSTEMTIME* time, LPCWSTR format) {
    constexpr DWORD known = TIME_NOMINUTESORSECONDS | TIME_NOSECONDS | TIME_NOTIMEMARKER | TIME_FORCE24HOURFORMAT |
                            LOCALE_NOUSEROVERRIDE | LOCALE_USE_CP_ACP;
    if ((flags & ~known) || (format && (flags & LOCALE_NOUSEROVERRIDE))) {
        set_last_error(ERROR_INVALID_FLAGS);
        return std::nullopt;
    }
    if (!l) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return std::nullopt;
    }
    SYSTEMTIME st;
    if (time) {
        // Only the time fields are checked; the date is not used.
        if (time->wHour > 23 || time->wMinute > 59 || time->wSecond > 59 || time->wMilliseconds > 999) {
            set_last_error(ERROR_INVALID_PARAMETER);
            return std::nullopt;
        }
        st = *time;
    } else {
        GetLocalTime(&st);
    }
    std::u16string picture = format ? std::u16string(wview(format)) : info(*l, 0x1003);
    return format_time(*l, st, picture, flags);
}

INT out_w(const std::optional<std::u16string>& r, LPWSTR buf, INT len) {
    if (!r) return 0;
    return copy_result(*r, buf, len);
}
INT out_a(const std::optional<std::u16string>& r, LPSTR buf, INT len) {
    if (!r) return 0;
    return copy_result_a(*r, buf, len);
}
bool bad_buffer(const void* buf, INT len) {
    if (len < 0 || (len && !buf)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return true;
    }
    return false;
}
}  // namespace

INT WINAPI GetDateFormatW(LCID lcid, DWORD flags, const SYSTEMTIME* date, LPCWSTR format, LPWSTR buf, INT len) {
    if (bad_buffer(buf, len)) return 0;
    return out_w(date_text(locale_of(lcid), flags, date, format), buf, len);
}
INT WINAPI GetDateFormatEx(LPCWSTR name, DWORD flags, const SYSTEMTIME* date, LPCWSTR format, LPWSTR buf, INT len,
                           LPCWSTR calendar) {
    (void)calendar;  // Gregorian only
    if (bad_buffer(buf, len)) return 0;
    return out_w(date_text(locale_of_name(name), flags, date, format), buf, len);
}
INT WINAPI GetDateFormatA(LCID lcid, DWORD flags, const SYSTEMTIME* date, LPCSTR format, LPSTR buf, INT len) {
    if (bad_buffer(buf, len)) return 0;
    std::u16string f = format ? ansi_to_wide(format) : u"";
    return out_a(date_text(locale_of(lcid), flags, date, format ? f.c_str() : nullptr), buf, len);
}
INT WINAPI GetTimeFormatW(LCID lcid, DWORD flags, const SYSTEMTIME* time, LPCWSTR format, LPWSTR buf, INT len) {
    if (bad_buffer(buf, len)) return 0;
    return out_w(time_text(locale_of(lcid), flags, time, format), buf, len);
}
INT WINAPI GetTimeFormatEx(LPCWSTR name, DWORD flags, const SYSTEMTIME* time, LPCWSTR format, LPWSTR buf, INT len) {
    if (bad_buffer(buf, len)) return 0;
    return out_w(time_text(locale_of_name(name), flags, time, format), buf, len);
}
INT WINAPI GetTimeFormatA(LCID lcid, DWORD flags, const SYSTEMTIME* time, LPCSTR format, LPSTR buf, INT len) {
    if (bad_buffer(buf, len)) return 0;
    std::u16string f = format ? ansi_to_wide(format) : u"";
    return out_a(time_text(locale_of(lcid), flags, time, format ? f.c_str() : nullptr), buf, len);
}

WR_EXPORT_PART(kernel32_date_format,
    WR_EXPORT(GetDateFormatW),
    WR_EXPORT(GetDateFormatA),
    WR_EXPORT(GetDateFormatEx),
    WR_EXPORT(GetTimeFormatW),
    WR_EXPORT(GetTimeFormatA),
    WR_EXPORT(GetTimeFormatEx));

}  // namespace winrun::k32

// The registry tree and its text format. The format (docs/registry.md) looks like a .reg file:
//
//   WINRUN REGISTRY 1
//   [SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion] t=133500000000000000 id=5f0c...
//   "ProductName"="Windows 10 Pro"
//   "CurrentMajorVersionNumber"=dword:0000000a
//   @=str(2):"%SystemRoot%\\system32"
//   "Blob"=hex(3):01,02,ff
//
// Strings are UTF-8 with the escapes \\ \" \n \r \t \0 and \uXXXX (one UTF-16 unit: control
// characters and unpaired surrogates), so any UTF-16 name or value survives a round trip.
#include "reg_store.h"

#include <algorithm>
#include <cstring>

#include "user32/case_map.h"

namespace winrun::reg {

// ---- names ------------------------------------------------------------------------------------
int name_compare(std::u16string_view a, std::u16string_view b) {
    size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; i++) {
        char16_t x = nls::to_upper16(a[i]), y = nls::to_upper16(b[i]);
        if (x != y) return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool name_equal(std::u16string_view a, std::u16string_view b) {
    return a.size() == b.size() && name_compare(a, b) == 0;
}

Key* Key::find(std::u16string_view n) const {
    auto it = std::lower_bound(subkeys.begin(), subkeys.end(), n,
                               [](const std::unique_ptr<Key>& k, std::u16string_view x) { return name_compare(k->name, x) < 0; });
    return it != subkeys.end() && name_equal((*it)->name, n) ? it->get() : nullptr;
}

Key& Key::add(std::u16string n) {
    auto it = std::lower_bound(subkeys.begin(), subkeys.end(), std::u16string_view(n),
                               [](const std::unique_ptr<Key>& k, std::u16string_view x) { return name_compare(k->name, x) < 0; });
    auto k = std::make_unique<Key>();
    k->name = std::move(n);
    return **subkeys.insert(it, std::move(k));
}

bool Key::remove(std::u16string_view n) {
    for (auto it = subkeys.begin(); it != subkeys.end(); ++it)
        if (name_equal((*it)->name, n)) {
            subkeys.erase(it);
            return true;
        }
    return false;
}

Value* Key::find_value(std::u16string_view n) {
    for (Value& v : values)
        if (name_equal(v.name, n)) return &v;
    return nullptr;
}
const Value* Key::find_value(std::u16string_view n) const { return const_cast<Key*>(this)->find_value(n); }

void Key::set_value(std::u16string_view n, uint32_t type, std::vector<uint8_t> data) {
    if (Value* v = find_value(n)) {
        v->type = type;
        v->data = std::move(data);
        return;
    }
    values.push_back(Value{std::u16string(n), type, std::move(data)});
}

bool Key::remove_value(std::u16string_view n) {
    for (auto it = values.begin(); it != values.end(); ++it)
        if (name_equal(it->name, n)) {
            values.erase(it);
            return true;
        }
    return false;
}

std::vector<uint8_t> sz_data(std::u16string_view s) {
    std::vector<uint8_t> d((s.size() + 1) * 2, 0);
    for (size_t i = 0; i < s.size(); i++) {
        d[2 * i] = uint8_t(s[i]);
        d[2 * i + 1] = uint8_t(s[i] >> 8);
    }
    return d;
}

std::vector<uint8_t> dword_data(uint32_t v) { return {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)}; }

// ---- writing ----------------------------------------------------------------------------------
namespace {

const char k_hex[] = "0123456789abcdef";

void put_u16_escape(std::string& out, char16_t c) {
    out += "\\u";
    for (int s = 12; s >= 0; s -= 4) out += k_hex[(c >> s) & 15];
}

void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

void put_escaped(std::string& out, std::u16string_view s) {
    for (size_t i = 0; i < s.size(); i++) {
        char16_t c = s[i];
        switch (c) {
        case u'\\': out += "\\\\"; continue;
        case u'"': out += "\\\""; continue;
        case u'\n': out += "\\n"; continue;
        case u'\r': out += "\\r"; continue;
        case u'\t': out += "\\t"; continue;
        case 0: out += "\\0"; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            put_u16_escape(out, c);
        } else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            put_utf8(out, 0x10000 + ((uint32_t(c) - 0xD800) << 10) + (s[i + 1] - 0xDC00));
            i++;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            put_u16_escape(out, c);  // unpaired surrogate: not representable in UTF-8
        } else {
            put_utf8(out, c);
        }
    }
}

std::u16string units_of(const std::vector<uint8_t>& d, size_t count) {
    std::u16string s(count, 0);
    for (size_t i = 0; i < count; i++) s[i] = char16_t(d[2 * i] | (d[2 * i + 1] << 8));
    return s;
}

bool is_string_type(uint32_t t) { return t == REG_SZ || t == REG_EXPAND_SZ || t == REG_MULTI_SZ; }

void put_data(std::string& out, const Value& v) {
    const auto& d = v.data;
    // Strings in text form when the data is exactly "units + one terminating NUL unit".
    if (is_string_type(v.type) && d.size() >= 2 && d.size() % 2 == 0 && d[d.size() - 1] == 0 && d[d.size() - 2] == 0) {
        if (v.type != REG_SZ) out += "str(" + std::to_string(v.type) + "):";
        out += '"';
        put_escaped(out, units_of(d, d.size() / 2 - 1));
        out += '"';
        return;
    }
    if (v.type == REG_DWORD && d.size() == 4) {
        char buf[20];
        snprintf(buf, sizeof buf, "dword:%08x", unsigned(d[0] | d[1] << 8 | d[2] << 16 | uint32_t(d[3]) << 24));
        out += buf;
        return;
    }
    if (v.type == REG_QWORD && d.size() == 8) {
        uint64_t q = 0;
        for (int i = 7; i >= 0; i--) q = q << 8 | d[i];
        char buf[32];
        snprintf(buf, sizeof buf, "qword:%016llx", (unsigned long long)q);
        out += buf;
        return;
    }
    if (v.type == REG_BINARY) {
        out += "hex:";
    } else {
        char buf[24];
        snprintf(buf, sizeof buf, "hex(%x):", unsigned(v.type));
        out += buf;
    }
    for (size_t i = 0; i < d.size(); i++) {
        if (i) out += ',';
        out += k_hex[d[i] >> 4];
        out += k_hex[d[i] & 15];
    }
}

void put_key(std::string& out, const Key& k, const std::u16string& path, bool is_root) {
    if (!is_root || !k.values.empty()) {
        out += '[';
        put_escaped(out, path);
        out += ']';
        if (k.last_write) out += " t=" + std::to_string(k.last_write);
        if (k.id) {
            char buf[32];
            snprintf(buf, sizeof buf, " id=%016llx", (unsigned long long)k.id);
            out += buf;
        }
        out += '\n';
        for (const Value& v : k.values) {
            if (v.name.empty()) {
                out += '@';
            } else {
                out += '"';
                put_escaped(out, v.name);
                out += '"';
            }
            out += '=';
            put_data(out, v);
            out += '\n';
        }
        out += '\n';
    }
    for (const auto& sub : k.subkeys) put_key(out, *sub, is_root ? sub->name : path + u'\\' + sub->name, false);
}

}  // namespace

std::string serialise(const Key& root) {
    std::string out(k_magic);
    out += "\n;; winrun registry hive: see docs/registry.md. Edit only while no winrun process runs.\n\n";
    put_key(out, root, u"", true);
    return out;
}

// ---- reading ----------------------------------------------------------------------------------
namespace {

struct Parser {
    std::string_view line;
    size_t pos = 0;
    std::string err;

    bool fail(std::string m) {
        if (err.empty()) err = std::move(m);
        return false;
    }
    bool at_end() const { return pos >= line.size(); }
    char peek() const { return at_end() ? '\0' : line[pos]; }
    bool eat(std::string_view s) {
        if (line.substr(pos, s.size()) != s) return false;
        pos += s.size();
        return true;
    }
    void skip_spaces() {
        while (!at_end() && (line[pos] == ' ' || line[pos] == '\t')) pos++;
    }

    static int hexval(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // One UTF-8 sequence from `line` at pos, ending before `end`; strict (no overlongs, no
    // surrogates, nothing above U+10FFFF).
    bool utf8(std::u16string& out, size_t end) {
        auto b = [&](size_t i) { return uint8_t(line[i]); };
        uint8_t c = b(pos);
        int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || pos + n >= end) return fail("invalid UTF-8");
        uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
        for (int i = 1; i <= n; i++) {
            if ((b(pos + i) & 0xC0) != 0x80) return fail("invalid UTF-8");
            cp = cp << 6 | (b(pos + i) & 0x3F);
        }
        static const uint32_t min_cp[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail("invalid UTF-8");
        pos += n + 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += char16_t(0xD800 + (cp >> 10));
            out += char16_t(0xDC00 + (cp & 0x3FF));
        } else {
            out += char16_t(cp);
        }
        return true;
    }

    // Unescapes up to (not including) `end` (the position of the closing delimiter).
    bool unescape(size_t end, std::u16string& out) {
        while (pos < end) {
            char c = line[pos];
            if (c != '\\') {
                if (uint8_t(c) < 0x20) return fail("control character in a string (use an escape)");
                if (!utf8(out, end)) return false;
                continue;
            }
            if (pos + 1 >= end) return fail("lone backslash at the end of a string");
            char e = line[pos + 1];
            pos += 2;
            switch (e) {
            case '\\': out += u'\\'; break;
            case '"': out += u'"'; break;
            case 'n': out += u'\n'; break;
            case 'r': out += u'\r'; break;
            case 't': out += u'\t'; break;
            case '0': out += char16_t(0); break;
            case 'u': {
                if (pos + 4 > end) return fail("\\u needs four hex digits");
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(line[pos + i]);
                    if (h < 0) return fail("\\u needs four hex digits");
                    v = v << 4 | unsigned(h);
                }
                pos += 4;
                out += char16_t(v);
                break;
            }
            default: return fail(std::string("unknown escape \\") + e);
            }
        }
        return true;
    }

    // A quoted string starting at pos (which is on the opening quote).
    bool quoted(std::u16string& out) {
        if (!eat("\"")) return fail("expected '\"'");
        size_t end = pos;
        while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
        if (end >= line.size()) return fail("unterminated string");
        if (!unescape(end, out)) return false;
        pos = end + 1;
        return true;
    }

    bool hex_number(uint64_t& v, size_t min_digits, size_t max_digits) {
        size_t start = pos;
        v = 0;
        while (!at_end() && hexval(peek()) >= 0 && pos - start < max_digits) v = v << 4 | unsigned(hexval(line[pos++]));
        if (pos - start < min_digits || (!at_end() && hexval(peek()) >= 0)) return fail("bad hex number");
        return true;
    }

    bool data(Value& v) {
        if (peek() == '"') {
            std::u16string s;
            if (!quoted(s)) return false;
            v.type = REG_SZ;
            v.data = sz_data(s);
            return true;
        }
        if (eat("str(")) {
            uint64_t t;
            // str(N): N is decimal in the files we write; accept only digits.
            size_t start = pos;
            t = 0;
            while (!at_end() && peek() >= '0' && peek() <= '9' && pos - start < 10) t = t * 10 + unsigned(line[pos++] - '0');
            if (pos == start || t > 0xFFFFFFFFu || !eat("):")) return fail("bad str(type)");
            std::u16string s;
            if (!quoted(s)) return false;
            v.type = uint32_t(t);
            v.data = sz_data(s);
            return true;
        }
        if (eat("dword:")) {
            uint64_t d;
            if (!hex_number(d, 8, 8)) return false;
            v.type = REG_DWORD;
            v.data = dword_data(uint32_t(d));
            return true;
        }
        if (eat("qword:")) {
            uint64_t q;
            if (!hex_number(q, 16, 16)) return false;
            v.type = REG_QWORD;
            v.data.resize(8);
            for (int i = 0; i < 8; i++) v.data[i] = uint8_t(q >> (8 * i));
            return true;
        }
        if (eat("hex(")) {
            uint64_t t;
            if (!hex_number(t, 1, 8) || !eat("):")) return fail("bad hex(type)");
            v.type = uint32_t(t);
        } else if (eat("hex:")) {
            v.type = REG_BINARY;
        } else {
            return fail("unknown value data (expected \"...\", str(N):, dword:, qword:, hex: or hex(N):)");
        }
        v.data.clear();
        skip_spaces();
        while (!at_end()) {
            uint64_t b;
            if (!hex_number(b, 2, 2)) return fail("bad hex byte");
            v.data.push_back(uint8_t(b));
            skip_spaces();
            if (at_end()) break;
            if (!eat(",")) return fail("expected ',' between hex bytes");
            skip_spaces();
            if (at_end()) return fail("hex bytes end with ','");
        }
        return true;
    }
};

int64_t parse_decimal(std::string_view s, bool& ok) {
    ok = !s.empty() && s.size() <= 18;
    int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9' || !ok) {
            ok = false;
            return 0;
        }
        v = v * 10 + (c - '0');  // at most 18 digits: no overflow
    }
    return v;
}

}  // namespace

Result<std::unique_ptr<Key>> parse(std::string_view text) {
    auto root = std::make_unique<Key>();
    Key* cur = root.get();
    size_t line_no = 0, start = 0;
    bool first = true;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        start = nl == std::string_view::npos ? text.size() : nl + 1;
        line_no++;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto error = [&](const std::string& m) { return make_error("line " + std::to_string(line_no) + ": " + m); };
        if (first) {
            if (line != k_magic) return error("not a winrun registry file (the first line must be \"" + std::string(k_magic) + "\")");
            first = false;
            continue;
        }
        size_t lead = line.find_first_not_of(" \t");
        if (lead == std::string_view::npos || line[lead] == ';' || line[lead] == '#') continue;
        line.remove_prefix(lead);
        Parser p{line, 0, {}};
        if (line[0] == '[') {
            size_t close = line.rfind(']');
            if (close == std::string_view::npos || close == 0) return error("key line without ']'");
            p.pos = 1;
            std::u16string path;
            if (!p.unescape(close, path)) return error(p.err);
            cur = root.get();
            if (!path.empty()) {
                size_t s = 0;
                while (true) {
                    size_t e = path.find(u'\\', s);
                    std::u16string comp = path.substr(s, e == std::u16string::npos ? std::u16string::npos : e - s);
                    if (comp.empty()) return error("empty key name in the path");
                    if (comp.size() > 255) return error("key name longer than 255 characters");
                    Key* next = cur->find(comp);
                    cur = next ? next : &cur->add(std::move(comp));
                    if (e == std::u16string::npos) break;
                    s = e + 1;
                }
            }
            // Attributes after ']': t=<FILETIME> id=<hex>; unknown ones are ignored (newer writers).
            std::string_view rest = line.substr(close + 1);
            while (!rest.empty()) {
                size_t b = rest.find_first_not_of(" \t");
                if (b == std::string_view::npos) break;
                rest.remove_prefix(b);
                size_t e = rest.find_first_of(" \t");
                std::string_view tok = rest.substr(0, e);
                rest = e == std::string_view::npos ? std::string_view() : rest.substr(e);
                if (tok.substr(0, 2) == "t=") {
                    bool ok;
                    cur->last_write = parse_decimal(tok.substr(2), ok);
                    if (!ok) return error("bad t= attribute");
                } else if (tok.substr(0, 3) == "id=") {
                    Parser q{tok, 3, {}};
                    uint64_t id;
                    if (!q.hex_number(id, 1, 16) || !q.at_end()) return error("bad id= attribute");
                    cur->id = id;
                }
            }
            continue;
        }
        Value v;
        if (line[0] == '@') {
            p.pos = 1;
        } else if (line[0] == '"') {
            if (!p.quoted(v.name)) return error(p.err);
            if (v.name.size() > 16383) return error("value name longer than 16383 characters");
        } else {
            return error("expected a [key] line, a \"value\"= line or @=");
        }
        p.skip_spaces();
        if (!p.eat("=")) return error("expected '=' after the value name");
        p.skip_spaces();
        if (!p.data(v)) return error(p.err);
        p.skip_spaces();
        if (!p.at_end()) return error("unexpected text after the value data");
        cur->set_value(v.name, v.type, std::move(v.data));
    }
    if (first) return make_error("line 1: empty file (the first line must be \"" + std::string(k_magic) + "\")");
    return root;
}

}  // namespace winrun::reg

// The registry API of ADVAPI32.dll (docs/registry.md). Registry functions return their error
// (LSTATUS) and leave the thread's last error alone, as Windows does.
//
// Keys are handles in kernel32's handle table (CloseHandle works on them, as on Windows); a handle
// names its key by hive + path + identity, never by pointer, because another process may replace
// the hive file (and so the tree) between two calls. Lock rule: g_mutex is held while a tree is
// read or changed; the values a call returns are copied out first.
#include <sys/random.h>
#include <time.h>

#include <array>
#include <cstring>
#include <functional>
#include <mutex>

#include "builtin/builtin.h"
#include "kernel32/k32.h"
#include "kernel32/path_map.h"
#include "log.h"
#include "reg_hive.h"
#include "unicode.h"

namespace winrun::k32 {
DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR src, LPWSTR dst, DWORD size);
}

namespace winrun::advapi {
using namespace winrun::win;
using k32::ERROR_ACCESS_DENIED, k32::ERROR_FILE_NOT_FOUND, k32::ERROR_INVALID_HANDLE, k32::ERROR_INVALID_PARAMETER,
    k32::ERROR_MORE_DATA, k32::ERROR_NO_MORE_ITEMS, k32::ERROR_NOACCESS, k32::ERROR_BAD_PATHNAME;
using HKEY = void*;
using LSTATUS = LONG;
using REGSAM = DWORD;

constexpr DWORD ERROR_KEY_DELETED = 1018, ERROR_DATATYPE_MISMATCH = 1629, ERROR_UNSUPPORTED_TYPE = 1630;

// Access rights (winnt.h).
constexpr DWORD KEY_QUERY_VALUE = 0x1, KEY_SET_VALUE = 0x2, KEY_CREATE_SUB_KEY = 0x4, KEY_ENUMERATE_SUB_KEYS = 0x8,
                KEY_NOTIFY = 0x10, KEY_CREATE_LINK = 0x20, KEY_WOW64_64KEY = 0x100, KEY_WOW64_32KEY = 0x200,
                DELETE_ACCESS = 0x10000, READ_CONTROL = 0x20000, WRITE_DAC = 0x40000, WRITE_OWNER = 0x80000,
                KEY_READ = READ_CONTROL | KEY_QUERY_VALUE | KEY_ENUMERATE_SUB_KEYS | KEY_NOTIFY,
                KEY_WRITE = READ_CONTROL | KEY_SET_VALUE | KEY_CREATE_SUB_KEY,
                KEY_ALL_ACCESS = 0xF003F, MAXIMUM_ALLOWED = 0x02000000, GENERIC_ALL = 0x10000000,
                GENERIC_EXECUTE = 0x20000000, GENERIC_WRITE = 0x40000000, GENERIC_READ = 0x80000000;
constexpr DWORD REG_CREATED_NEW_KEY = 1, REG_OPENED_EXISTING_KEY = 2;

// RegGetValue flags.
constexpr DWORD RRF_RT_REG_NONE = 0x1, RRF_RT_REG_SZ = 0x2, RRF_RT_REG_EXPAND_SZ = 0x4, RRF_RT_REG_BINARY = 0x8,
                RRF_RT_REG_DWORD = 0x10, RRF_RT_REG_MULTI_SZ = 0x20, RRF_RT_REG_QWORD = 0x40, RRF_RT_ANY = 0xFFFF,
                RRF_NOEXPAND = 0x10000000, RRF_ZEROONFAILURE = 0x20000000;

namespace {

using reg::Key;

std::recursive_mutex g_mutex;

enum HiveIdx { HIVE_MACHINE, HIVE_USER, HIVE_USERS, HIVE_COUNT };

reg::Hive& hive(int i) {
    // Created on the first registry call: a program that never calls Reg* pays nothing.
    static std::array<std::unique_ptr<reg::Hive>, HIVE_COUNT> hives;
    if (!hives[i]) {
        static const char* const k_files[] = {"machine.reg", "user.reg", "users.reg"};
        static const reg::DefaultsFn k_defaults[] = {reg::default_machine, reg::default_user, reg::default_users};
        hives[i] = std::make_unique<reg::Hive>(paths::prefix_dir() + "/registry/" + k_files[i], k_defaults[i]);
    }
    return *hives[i];
}

struct KeyRef {
    int hive = 0;
    std::vector<std::u16string> path;  // from the hive root
    uint64_t id = 0;
    DWORD access = 0;
    bool predefined = false;
};

struct KeyObject : k32::KObject {
    KeyObject() : KObject(k32::ObjectKind::Other) {}
    KeyRef ref;
};

DWORD map_access(REGSAM sam) {
    DWORD a = sam & ~(KEY_WOW64_32KEY | KEY_WOW64_64KEY);
    if (a & GENERIC_READ) a |= KEY_READ;
    if (a & GENERIC_WRITE) a |= KEY_WRITE;
    if (a & GENERIC_EXECUTE) a |= KEY_READ;
    if (a & (GENERIC_ALL | MAXIMUM_ALLOWED)) a |= KEY_ALL_ACCESS;
    return a;
}

// The predefined keys: only the low 32 bits of the handle count, as on 64-bit Windows.
DWORD key_ref(HKEY h, KeyRef& out) {
    uint32_t lo = uint32_t(reinterpret_cast<uintptr_t>(h));
    if (lo >= 0x80000000u && lo <= 0x80000006u) {
        out = KeyRef{};
        out.access = KEY_ALL_ACCESS;
        out.predefined = true;
        switch (lo) {
        case 0x80000000: out.hive = HIVE_MACHINE, out.path = {u"SOFTWARE", u"Classes"}; return 0;  // HKEY_CLASSES_ROOT
        case 0x80000001: out.hive = HIVE_USER; return 0;                                          // HKEY_CURRENT_USER
        case 0x80000002: out.hive = HIVE_MACHINE; return 0;                                       // HKEY_LOCAL_MACHINE
        case 0x80000003: out.hive = HIVE_USERS; return 0;                                         // HKEY_USERS
        case 0x80000005:                                                                          // HKEY_CURRENT_CONFIG
            out.hive = HIVE_MACHINE, out.path = {u"SYSTEM", u"CurrentControlSet", u"Hardware Profiles", u"Current"};
            return 0;
        default: return ERROR_INVALID_HANDLE;  // performance data and HKEY_DYN_DATA: not provided
        }
    }
    if (!h) return ERROR_INVALID_HANDLE;
    auto obj = std::dynamic_pointer_cast<KeyObject>(k32::handle_get(h));
    if (!obj) return ERROR_INVALID_HANDLE;
    out = obj->ref;
    return 0;
}

HKEY new_handle(KeyRef ref) {
    auto obj = std::make_shared<KeyObject>();
    ref.predefined = false;
    obj->ref = std::move(ref);
    return k32::handle_alloc(std::move(obj));
}

// A relative key path: no leading backslash; trailing ones are ignored; no empty component.
DWORD split_subkey(std::u16string_view s, std::vector<std::u16string>& comps) {
    comps.clear();
    if (!s.empty() && s[0] == u'\\') return ERROR_BAD_PATHNAME;
    while (!s.empty() && s.back() == u'\\') s.remove_suffix(1);
    size_t start = 0;
    while (start < s.size()) {
        size_t e = s.find(u'\\', start);
        if (e == std::u16string_view::npos) e = s.size();
        if (e == start) return ERROR_BAD_PATHNAME;
        comps.emplace_back(s.substr(start, e - start));
        start = e + 1;
    }
    return 0;
}

Key* walk(Key& root, const std::vector<std::u16string>& path, size_t count) {
    Key* k = &root;
    for (size_t i = 0; i < count && k; i++) k = k->find(path[i]);
    return k;
}

// The key a handle names, or ERROR_KEY_DELETED when it (or a parent) was deleted.
DWORD locate(Key& root, const KeyRef& r, Key*& out) {
    out = walk(root, r.path, r.path.size());
    if (!out || (r.id && out->id != r.id)) return r.predefined ? ERROR_FILE_NOT_FOUND : ERROR_KEY_DELETED;
    return 0;
}

int64_t now_filetime() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t(ts.tv_sec) + 11644473600LL) * 10000000 + ts.tv_nsec / 100;
}

uint64_t new_key_id() {
    uint64_t id = 0;
    while (id == 0)
        if (getrandom(&id, sizeof id, 0) != sizeof id) id = uint64_t(now_filetime()) ^ (uint64_t(getpid()) << 40);
    return id;
}

void put_filetime(FILETIME* ft, int64_t t) {
    if (!ft) return;
    ft->dwLowDateTime = DWORD(t);
    ft->dwHighDateTime = DWORD(uint64_t(t) >> 32);
}

// Runs `f(key, ref)` on the current tree of the key `h` names (read-only operations).
DWORD with_key(HKEY h, DWORD need, const std::function<DWORD(Key&, const KeyRef&)>& f) {
    KeyRef r;
    if (DWORD e = key_ref(h, r)) return e;
    if (need && (r.access & need) != need) return ERROR_ACCESS_DENIED;
    std::lock_guard lock(g_mutex);
    Key* k;
    if (DWORD e = locate(hive(r.hive).read(), r, k)) return e;
    return f(*k, r);
}

// Runs `f(root, key, ref, changed)` under the hive's file lock; saves when `changed` is set.
DWORD modify_key(HKEY h, DWORD need, const std::function<DWORD(Key&, Key&, const KeyRef&, bool&)>& f) {
    KeyRef r;
    if (DWORD e = key_ref(h, r)) return e;
    if (need && (r.access & need) != need) return ERROR_ACCESS_DENIED;
    std::lock_guard lock(g_mutex);
    return hive(r.hive).modify([&](Key& root, bool& changed) -> uint32_t {
        Key* k;
        if (DWORD e = locate(root, r, k)) return e;
        return f(root, *k, r, changed);
    });
}

bool is_string(DWORD type) { return type == reg::REG_SZ || type == reg::REG_EXPAND_SZ || type == reg::REG_MULTI_SZ; }

std::u16string units_of(const std::vector<uint8_t>& d) {
    std::u16string s(d.size() / 2, 0);
    std::memcpy(s.data(), d.data(), s.size() * 2);
    return s;
}

std::vector<uint8_t> bytes_of(std::u16string_view s) {
    std::vector<uint8_t> d(s.size() * 2);
    std::memcpy(d.data(), s.data(), d.size());
    return d;
}

// String data as the *A functions return it: converted to the ANSI code page, unit for unit
// (an odd trailing byte is dropped, as there is no unit to convert).
std::vector<uint8_t> to_ansi_data(DWORD type, const std::vector<uint8_t>& d) {
    if (!is_string(type)) return d;
    std::string a = k32::wide_to_ansi(units_of(d));
    return std::vector<uint8_t>(a.begin(), a.end());
}

std::u16string wname(LPCWSTR s) { return s ? std::u16string(wview(s)) : std::u16string(); }
std::u16string aname(LPCSTR s) { return s ? k32::ansi_to_wide(s) : std::u16string(); }

// ---- shared implementations ------------------------------------------------------------------

LSTATUS open_key(HKEY hkey, std::u16string_view sub, REGSAM sam, HKEY* out) {
    if (!out) return ERROR_INVALID_PARAMETER;
    KeyRef base;
    if (DWORD e = key_ref(hkey, base)) return e;
    *out = nullptr;
    std::vector<std::u16string> comps;
    if (DWORD e = split_subkey(sub, comps)) return e;
    KeyRef ref;
    DWORD e = with_key(hkey, 0, [&](Key& k, const KeyRef& r) -> DWORD {
        ref = r;
        Key* cur = &k;
        for (const auto& c : comps) {
            cur = cur->find(c);
            if (!cur) return ERROR_FILE_NOT_FOUND;
            ref.path.push_back(cur->name);
        }
        ref.id = cur->id;
        return 0;
    });
    if (e) return e;
    ref.access = map_access(sam);
    *out = new_handle(std::move(ref));
    return 0;
}

LSTATUS create_key(HKEY hkey, std::u16string_view sub, REGSAM sam, HKEY* out, DWORD* disposition) {
    if (!out) return ERROR_INVALID_PARAMETER;
    KeyRef base;
    if (DWORD e = key_ref(hkey, base)) return e;
    std::vector<std::u16string> comps;
    if (DWORD e = split_subkey(sub, comps)) return e;
    for (const auto& c : comps)
        if (c.size() > 255) return ERROR_INVALID_PARAMETER;
    KeyRef ref;
    DWORD disp = REG_OPENED_EXISTING_KEY;
    DWORD e = modify_key(hkey, 0, [&](Key& root, Key& k, const KeyRef& r, bool& changed) -> DWORD {
        ref = r;
        Key* cur = &k;
        int64_t now = now_filetime();
        for (const auto& c : comps) {
            Key* next = cur->find(c);
            if (!next) {
                // Creating needs KEY_CREATE_SUB_KEY on the handle; opening an existing key does not.
                if (!(r.access & KEY_CREATE_SUB_KEY)) return ERROR_ACCESS_DENIED;
                next = &cur->add(c);
                next->id = new_key_id();
                next->last_write = now;
                cur->last_write = now;
                changed = true;
                disp = REG_CREATED_NEW_KEY;
            }
            cur = next;
            ref.path.push_back(cur->name);
        }
        ref.id = cur->id;
        return 0;
    });
    if (e) return e;
    ref.access = map_access(sam);
    *out = new_handle(std::move(ref));
    if (disposition) *disposition = disp;
    return 0;
}

// Copies a value out of the tree.
LSTATUS read_value(HKEY hkey, std::u16string_view name, DWORD& type, std::vector<uint8_t>& data) {
    return with_key(hkey, KEY_QUERY_VALUE, [&](Key& k, const KeyRef&) -> DWORD {
        const reg::Value* v = k.find_value(name);
        if (!v) return ERROR_FILE_NOT_FOUND;
        type = v->type;
        data = v->data;
        return 0;
    });
}

LSTATUS query_value(HKEY hkey, std::u16string_view name, DWORD* reserved, DWORD* type, BYTE* data, DWORD* cb, bool ansi) {
    if (reserved || (data && !cb)) return ERROR_INVALID_PARAMETER;
    DWORD avail = cb ? *cb : 0;  // read first: a caller may pass the same DWORD for type and size
    DWORD t;
    std::vector<uint8_t> d;
    if (LSTATUS e = read_value(hkey, name, t, d)) {
        if (e == ERROR_FILE_NOT_FOUND && cb && !data) *cb = 0;
        return e;
    }
    if (ansi) d = to_ansi_data(t, d);
    if (type) *type = t;
    if (data && avail < d.size()) {
        *cb = DWORD(d.size());
        return ERROR_MORE_DATA;
    }
    if (data && !d.empty()) std::memcpy(data, d.data(), d.size());
    if (cb) *cb = DWORD(d.size());
    return 0;
}

LSTATUS set_value(HKEY hkey, std::u16string_view name, DWORD type, std::vector<uint8_t> d) {
    if (name.size() > 16383) return ERROR_INVALID_PARAMETER;
    return modify_key(hkey, KEY_SET_VALUE, [&](Key&, Key& k, const KeyRef&, bool& changed) -> DWORD {
        k.set_value(name, type, std::move(d));
        k.last_write = now_filetime();
        changed = true;
        return 0;
    });
}

// RegSetValueExW keeps the bytes it is given, but a REG_SZ / REG_EXPAND_SZ that does not end in a
// NUL unit gets one (Windows stores "off-by-one" strings terminated).
std::vector<uint8_t> terminated(DWORD type, std::vector<uint8_t> d) {
    if ((type == reg::REG_SZ || type == reg::REG_EXPAND_SZ) && d.size() >= 2 && d.size() % 2 == 0 &&
        (d[d.size() - 2] | d[d.size() - 1]) != 0) {
        d.push_back(0);
        d.push_back(0);
    }
    return d;
}

LSTATUS get_value(HKEY hkey, std::u16string_view sub, std::u16string_view name, DWORD flags, DWORD* type, void* data,
                  DWORD* cb, bool ansi) {
    DWORD allowed = flags & RRF_RT_ANY;
    if (!allowed || (data && !cb)) return ERROR_INVALID_PARAMETER;
    DWORD avail = cb ? *cb : 0;
    auto zero = [&] {
        if ((flags & RRF_ZEROONFAILURE) && data && avail) std::memset(data, 0, avail);
    };
    HKEY key = hkey;
    bool opened = false;
    if (!sub.empty()) {
        if (LSTATUS e = open_key(hkey, sub, KEY_QUERY_VALUE, &key)) {
            zero();
            return e;
        }
        opened = true;
    }
    DWORD t;
    std::vector<uint8_t> d;
    LSTATUS e = read_value(key, name, t, d);
    if (opened) k32::handle_close(key);
    if (e) {
        zero();
        return e;
    }
    if (t == reg::REG_EXPAND_SZ && !(flags & RRF_NOEXPAND)) {
        std::u16string s = units_of(d);
        if (size_t nul = s.find(u'\0'); nul != std::u16string::npos) s.resize(nul);
        DWORD n = k32::ExpandEnvironmentStringsW(s.c_str(), nullptr, 0);
        std::u16string x(n, 0);
        k32::ExpandEnvironmentStringsW(s.c_str(), x.data(), n);
        x.resize(n ? n - 1 : 0);
        x.push_back(0);
        d = bytes_of(x);
        t = reg::REG_SZ;
    }
    // RegGetValue (unlike RegQueryValueEx) returns strings terminated.
    if (is_string(t) && !d.empty() && (d.size() % 2 || (d[d.size() - 2] | d[d.size() - 1]) != 0)) {
        if (d.size() % 2) d.push_back(0);
        d.push_back(0);
        d.push_back(0);
    }
    if (ansi) d = to_ansi_data(t, d);

    LSTATUS result = 0;
    if (allowed != RRF_RT_ANY) {
        static const DWORD k_bits[] = {RRF_RT_REG_NONE, RRF_RT_REG_SZ,  RRF_RT_REG_EXPAND_SZ, RRF_RT_REG_BINARY,
                                       RRF_RT_REG_DWORD, 0,             0,                    RRF_RT_REG_MULTI_SZ,
                                       0,                0,             0,                    RRF_RT_REG_QWORD};
        DWORD bit = t < 12 ? k_bits[t] : 0;
        if (!(bit & allowed)) {
            result = ERROR_UNSUPPORTED_TYPE;
        } else if (t == reg::REG_BINARY && (allowed & (RRF_RT_REG_DWORD | RRF_RT_REG_QWORD))) {
            // RRF_RT_DWORD / RRF_RT_QWORD accept a REG_BINARY of exactly 4 / 8 bytes.
            bool fits = ((allowed & RRF_RT_REG_DWORD) && d.size() == 4) || ((allowed & RRF_RT_REG_QWORD) && d.size() == 8);
            if (!fits) result = ERROR_DATATYPE_MISMATCH;
        }
    }
    if (type) *type = t;
    if (data) {
        if (avail < d.size()) {
            zero();
            *cb = DWORD(d.size());
            return ERROR_MORE_DATA;
        }
        if (!d.empty()) std::memcpy(data, d.data(), d.size());
    }
    if (cb) *cb = DWORD(d.size());
    // A type the caller did not ask for still returns its type, size and data (as Windows does).
    if (result) zero();
    return result;
}

LSTATUS enum_key(HKEY hkey, DWORD index, std::u16string& name, int64_t& time) {
    return with_key(hkey, KEY_ENUMERATE_SUB_KEYS, [&](Key& k, const KeyRef&) -> DWORD {
        if (index >= k.subkeys.size()) return ERROR_NO_MORE_ITEMS;
        name = k.subkeys[index]->name;
        time = k.subkeys[index]->last_write;
        return 0;
    });
}

LSTATUS enum_value(HKEY hkey, DWORD index, reg::Value& out) {
    return with_key(hkey, KEY_QUERY_VALUE, [&](Key& k, const KeyRef&) -> DWORD {
        if (index >= k.values.size()) return ERROR_NO_MORE_ITEMS;
        out = k.values[index];
        return 0;
    });
}

LSTATUS delete_key(HKEY hkey, std::u16string_view sub, bool tree) {
    std::vector<std::u16string> comps;
    if (DWORD e = split_subkey(sub, comps)) return e;
    return modify_key(hkey, 0, [&](Key& root, Key&, const KeyRef& r, bool& changed) -> DWORD {
        std::vector<std::u16string> full = r.path;
        full.insert(full.end(), comps.begin(), comps.end());
        if (full.empty() || (r.predefined && comps.empty())) return ERROR_ACCESS_DENIED;  // a hive root or predefined key
        Key* parent = walk(root, full, full.size() - 1);
        Key* target = parent ? parent->find(full.back()) : nullptr;
        if (!target) return ERROR_FILE_NOT_FOUND;
        if (!tree && !target->subkeys.empty()) return ERROR_ACCESS_DENIED;
        parent->remove(full.back());
        parent->last_write = now_filetime();
        changed = true;
        return 0;
    });
}

LSTATUS query_info(HKEY hkey, DWORD* nsub, DWORD* max_sub, DWORD* max_class, DWORD* nval, DWORD* max_name, DWORD* max_data,
                   DWORD* sd, FILETIME* ft, bool ansi) {
    return with_key(hkey, KEY_QUERY_VALUE, [&](Key& k, const KeyRef&) -> DWORD {
        size_t ms = 0, mn = 0, md = 0;
        for (const auto& s : k.subkeys) ms = std::max(ms, s->name.size());
        for (const auto& v : k.values) {
            mn = std::max(mn, v.name.size());
            md = std::max(md, v.data.size());  // bytes as stored, also for the A function
        }
        if (nsub) *nsub = DWORD(k.subkeys.size());
        if (max_sub) *max_sub = DWORD(ms);
        if (max_class) *max_class = 0;
        if (nval) *nval = DWORD(k.values.size());
        if (max_name) *max_name = DWORD(mn);
        if (max_data) *max_data = DWORD(md);
        if (sd) *sd = 0;  // no security descriptors are stored
        put_filetime(ft, k.last_write);
        return 0;
    });
}

// Keys have no class string here: return an empty one.
LSTATUS empty_class(void* cls, DWORD* cch, size_t unit) {
    if (cls && cch && *cch) std::memset(cls, 0, unit);
    if (cch) *cch = 0;
    return 0;
}

}  // namespace

// ---- the exports ------------------------------------------------------------------------------

LSTATUS WINAPI RegOpenKeyExW(HKEY hkey, LPCWSTR sub, DWORD options, REGSAM sam, HKEY* out) {
    return open_key(hkey, wview(sub), sam, out);
}
LSTATUS WINAPI RegOpenKeyExA(HKEY hkey, LPCSTR sub, DWORD options, REGSAM sam, HKEY* out) {
    return open_key(hkey, aname(sub), sam, out);
}

// RegOpenKey with no subkey returns the key it was given, not a new handle.
LSTATUS WINAPI RegOpenKeyW(HKEY hkey, LPCWSTR sub, HKEY* out) {
    if (!out) return ERROR_INVALID_PARAMETER;
    if (!sub || !*sub) {
        *out = hkey;
        return 0;
    }
    return open_key(hkey, wview(sub), MAXIMUM_ALLOWED, out);
}
LSTATUS WINAPI RegOpenKeyA(HKEY hkey, LPCSTR sub, HKEY* out) {
    if (!out) return ERROR_INVALID_PARAMETER;
    if (!sub || !*sub) {
        *out = hkey;
        return 0;
    }
    return open_key(hkey, aname(sub), MAXIMUM_ALLOWED, out);
}

// Volatile keys (REG_OPTION_VOLATILE) are stored like the others; key classes are not kept.
LSTATUS WINAPI RegCreateKeyExW(HKEY hkey, LPCWSTR sub, DWORD reserved, LPWSTR cls, DWORD options, REGSAM sam,
                               void* security, HKEY* out, DWORD* disposition) {
    return create_key(hkey, wview(sub), sam, out, disposition);
}
LSTATUS WINAPI RegCreateKeyExA(HKEY hkey, LPCSTR sub, DWORD reserved, LPSTR cls, DWORD options, REGSAM sam,
                               void* security, HKEY* out, DWORD* disposition) {
    return create_key(hkey, aname(sub), sam, out, disposition);
}
LSTATUS WINAPI RegCreateKeyW(HKEY hkey, LPCWSTR sub, HKEY* out) {
    if (!out) return ERROR_INVALID_PARAMETER;
    if (!sub || !*sub) {
        *out = hkey;
        return 0;
    }
    return create_key(hkey, wview(sub), MAXIMUM_ALLOWED, out, nullptr);
}
LSTATUS WINAPI RegCreateKeyA(HKEY hkey, LPCSTR sub, HKEY* out) {
    if (!out) return ERROR_INVALID_PARAMETER;
    if (!sub || !*sub) {
        *out = hkey;
        return 0;
    }
    return create_key(hkey, aname(sub), MAXIMUM_ALLOWED, out, nullptr);
}

LSTATUS WINAPI RegCloseKey(HKEY hkey) {
    KeyRef r;
    if (DWORD e = key_ref(hkey, r)) return e;
    if (r.predefined) return 0;
    return k32::handle_close(hkey) ? 0 : ERROR_INVALID_HANDLE;
}

// Every write is on disk (fsynced) when the call returns.
LSTATUS WINAPI RegFlushKey(HKEY hkey) {
    KeyRef r;
    return key_ref(hkey, r);
}

LSTATUS WINAPI RegQueryValueExW(HKEY hkey, LPCWSTR name, DWORD* reserved, DWORD* type, BYTE* data, DWORD* cb) {
    return query_value(hkey, wview(name), reserved, type, data, cb, false);
}
LSTATUS WINAPI RegQueryValueExA(HKEY hkey, LPCSTR name, DWORD* reserved, DWORD* type, BYTE* data, DWORD* cb) {
    return query_value(hkey, aname(name), reserved, type, data, cb, true);
}

LSTATUS WINAPI RegSetValueExW(HKEY hkey, LPCWSTR name, DWORD reserved, DWORD type, const BYTE* data, DWORD cb) {
    if (!data && cb) return ERROR_NOACCESS;
    return set_value(hkey, wview(name), type, terminated(type, std::vector<uint8_t>(data, data + cb)));
}
LSTATUS WINAPI RegSetValueExA(HKEY hkey, LPCSTR name, DWORD reserved, DWORD type, const BYTE* data, DWORD cb) {
    if (!data && cb) return ERROR_NOACCESS;
    std::vector<uint8_t> d(data, data + cb);
    if (is_string(type) && cb) {
        d = bytes_of(k32::ansi_to_wide(reinterpret_cast<const char*>(data), cb));
        if (data[cb - 1] != 0) d.insert(d.end(), {0, 0});
    }
    return set_value(hkey, aname(name), type, std::move(d));
}

// RegSetValue: the default value of a subkey (created when missing); REG_SZ only, the size is
// ignored and the string ends at its first NUL.
LSTATUS WINAPI RegSetValueW(HKEY hkey, LPCWSTR sub, DWORD type, LPCWSTR data, DWORD cb) {
    if (type != reg::REG_SZ || !data) return ERROR_INVALID_PARAMETER;
    HKEY key = hkey;
    if (sub && *sub)
        if (LSTATUS e = create_key(hkey, wview(sub), KEY_SET_VALUE, &key, nullptr)) return e;
    LSTATUS e = set_value(key, u"", reg::REG_SZ, reg::sz_data(wview(data)));
    if (key != hkey) k32::handle_close(key);
    return e;
}
LSTATUS WINAPI RegSetValueA(HKEY hkey, LPCSTR sub, DWORD type, LPCSTR data, DWORD cb) {
    if (type != reg::REG_SZ || !data) return ERROR_INVALID_PARAMETER;
    std::u16string w = k32::ansi_to_wide(data);
    return RegSetValueW(hkey, sub ? aname(sub).c_str() : nullptr, type, w.c_str(), 0);
}

LSTATUS WINAPI RegSetKeyValueW(HKEY hkey, LPCWSTR sub, LPCWSTR name, DWORD type, const void* data, DWORD cb) {
    HKEY key = hkey;
    if (sub && *sub)
        if (LSTATUS e = create_key(hkey, wview(sub), KEY_SET_VALUE, &key, nullptr)) return e;
    LSTATUS e = RegSetValueExW(key, name, 0, type, static_cast<const BYTE*>(data), cb);
    if (key != hkey) k32::handle_close(key);
    return e;
}
LSTATUS WINAPI RegSetKeyValueA(HKEY hkey, LPCSTR sub, LPCSTR name, DWORD type, const void* data, DWORD cb) {
    HKEY key = hkey;
    if (sub && *sub)
        if (LSTATUS e = create_key(hkey, aname(sub), KEY_SET_VALUE, &key, nullptr)) return e;
    LSTATUS e = RegSetValueExA(key, name, 0, type, static_cast<const BYTE*>(data), cb);
    if (key != hkey) k32::handle_close(key);
    return e;
}

LSTATUS WINAPI RegGetValueW(HKEY hkey, LPCWSTR sub, LPCWSTR name, DWORD flags, DWORD* type, void* data, DWORD* cb) {
    return get_value(hkey, wview(sub), wview(name), flags, type, data, cb, false);
}
LSTATUS WINAPI RegGetValueA(HKEY hkey, LPCSTR sub, LPCSTR name, DWORD flags, DWORD* type, void* data, DWORD* cb) {
    return get_value(hkey, aname(sub), aname(name), flags, type, data, cb, true);
}

LSTATUS WINAPI RegEnumKeyExW(HKEY hkey, DWORD index, LPWSTR name, DWORD* cch, DWORD* reserved, LPWSTR cls,
                             DWORD* cch_class, FILETIME* ft) {
    if (!name || !cch) return ERROR_INVALID_PARAMETER;
    std::u16string n;
    int64_t t;
    if (LSTATUS e = enum_key(hkey, index, n, t)) return e;
    if (n.size() + 1 > *cch) return ERROR_MORE_DATA;
    std::memcpy(name, n.c_str(), (n.size() + 1) * 2);
    *cch = DWORD(n.size());
    empty_class(cls, cch_class, 2);
    put_filetime(ft, t);
    return 0;
}
LSTATUS WINAPI RegEnumKeyExA(HKEY hkey, DWORD index, LPSTR name, DWORD* cch, DWORD* reserved, LPSTR cls,
                             DWORD* cch_class, FILETIME* ft) {
    if (!name || !cch) return ERROR_INVALID_PARAMETER;
    std::u16string n;
    int64_t t;
    if (LSTATUS e = enum_key(hkey, index, n, t)) return e;
    std::string a = k32::wide_to_ansi(n);
    if (a.size() + 1 > *cch) return ERROR_MORE_DATA;
    std::memcpy(name, a.c_str(), a.size() + 1);
    *cch = DWORD(a.size());
    empty_class(cls, cch_class, 1);
    put_filetime(ft, t);
    return 0;
}
LSTATUS WINAPI RegEnumKeyW(HKEY hkey, DWORD index, LPWSTR name, DWORD cch) {
    return RegEnumKeyExW(hkey, index, name, &cch, nullptr, nullptr, nullptr, nullptr);
}
LSTATUS WINAPI RegEnumKeyA(HKEY hkey, DWORD index, LPSTR name, DWORD cch) {
    return RegEnumKeyExA(hkey, index, name, &cch, nullptr, nullptr, nullptr, nullptr);
}

// A name that does not fit: ERROR_MORE_DATA with the type and the data size, nothing copied.
// Data that does not fit: the W function still returns the name, the A function does not.
LSTATUS WINAPI RegEnumValueW(HKEY hkey, DWORD index, LPWSTR name, DWORD* cch, DWORD* reserved, DWORD* type, BYTE* data,
                             DWORD* cb) {
    if (!name || !cch || (data && !cb)) return ERROR_INVALID_PARAMETER;
    reg::Value v;
    if (LSTATUS e = enum_value(hkey, index, v)) return e;
    DWORD avail = cb ? *cb : 0;
    if (type) *type = v.type;
    if (v.name.size() + 1 > *cch) {
        if (cb) *cb = DWORD(v.data.size());
        return ERROR_MORE_DATA;
    }
    std::memcpy(name, v.name.c_str(), (v.name.size() + 1) * 2);
    *cch = DWORD(v.name.size());
    if (cb) *cb = DWORD(v.data.size());
    if (data && avail < v.data.size()) return ERROR_MORE_DATA;
    if (data && !v.data.empty()) std::memcpy(data, v.data.data(), v.data.size());
    return 0;
}
LSTATUS WINAPI RegEnumValueA(HKEY hkey, DWORD index, LPSTR name, DWORD* cch, DWORD* reserved, DWORD* type, BYTE* data,
                             DWORD* cb) {
    if (!name || !cch || (data && !cb)) return ERROR_INVALID_PARAMETER;
    reg::Value v;
    if (LSTATUS e = enum_value(hkey, index, v)) return e;
    DWORD avail = cb ? *cb : 0;
    std::string n = k32::wide_to_ansi(v.name);
    std::vector<uint8_t> d = to_ansi_data(v.type, v.data);
    if (type) *type = v.type;
    if (cb) *cb = DWORD(d.size());
    if (n.size() + 1 > *cch || (data && avail < d.size())) return ERROR_MORE_DATA;
    std::memcpy(name, n.c_str(), n.size() + 1);
    *cch = DWORD(n.size());
    if (data && !d.empty()) std::memcpy(data, d.data(), d.size());
    return 0;
}

LSTATUS WINAPI RegQueryInfoKeyW(HKEY hkey, LPWSTR cls, DWORD* cch_class, DWORD* reserved, DWORD* nsub, DWORD* max_sub,
                                DWORD* max_class, DWORD* nval, DWORD* max_name, DWORD* max_data, DWORD* sd, FILETIME* ft) {
    if (LSTATUS e = query_info(hkey, nsub, max_sub, max_class, nval, max_name, max_data, sd, ft, false)) return e;
    return empty_class(cls, cch_class, 2);
}
LSTATUS WINAPI RegQueryInfoKeyA(HKEY hkey, LPSTR cls, DWORD* cch_class, DWORD* reserved, DWORD* nsub, DWORD* max_sub,
                                DWORD* max_class, DWORD* nval, DWORD* max_name, DWORD* max_data, DWORD* sd, FILETIME* ft) {
    if (LSTATUS e = query_info(hkey, nsub, max_sub, max_class, nval, max_name, max_data, sd, ft, true)) return e;
    return empty_class(cls, cch_class, 1);
}

// RegDeleteKey(key, "") deletes the key itself; a key with subkeys is refused (ERROR_ACCESS_DENIED).
LSTATUS WINAPI RegDeleteKeyExW(HKEY hkey, LPCWSTR sub, REGSAM sam, DWORD reserved) {
    if (!sub) return ERROR_INVALID_PARAMETER;
    return delete_key(hkey, wview(sub), false);
}
LSTATUS WINAPI RegDeleteKeyExA(HKEY hkey, LPCSTR sub, REGSAM sam, DWORD reserved) {
    if (!sub) return ERROR_INVALID_PARAMETER;
    return delete_key(hkey, aname(sub), false);
}
LSTATUS WINAPI RegDeleteKeyW(HKEY hkey, LPCWSTR sub) { return RegDeleteKeyExW(hkey, sub, 0, 0); }
LSTATUS WINAPI RegDeleteKeyA(HKEY hkey, LPCSTR sub) { return RegDeleteKeyExA(hkey, sub, 0, 0); }

// RegDeleteTree(key, NULL) empties the key (values and subkeys) but keeps it.
LSTATUS WINAPI RegDeleteTreeW(HKEY hkey, LPCWSTR sub) {
    if (sub && *sub) return delete_key(hkey, wview(sub), true);
    return modify_key(hkey, 0, [&](Key&, Key& k, const KeyRef&, bool& changed) -> DWORD {
        changed = !k.values.empty() || !k.subkeys.empty();
        k.values.clear();
        k.subkeys.clear();
        if (changed) k.last_write = now_filetime();
        return 0;
    });
}
LSTATUS WINAPI RegDeleteTreeA(HKEY hkey, LPCSTR sub) {
    std::u16string w = aname(sub);
    return RegDeleteTreeW(hkey, sub ? w.c_str() : nullptr);
}

LSTATUS WINAPI RegDeleteValueW(HKEY hkey, LPCWSTR name) {
    std::u16string n = wname(name);
    return modify_key(hkey, KEY_SET_VALUE, [&](Key&, Key& k, const KeyRef&, bool& changed) -> DWORD {
        if (!k.remove_value(n)) return ERROR_FILE_NOT_FOUND;
        k.last_write = now_filetime();
        changed = true;
        return 0;
    });
}
LSTATUS WINAPI RegDeleteValueA(HKEY hkey, LPCSTR name) {
    std::u16string w = aname(name);
    return RegDeleteValueW(hkey, w.c_str());
}

LSTATUS WINAPI RegDeleteKeyValueW(HKEY hkey, LPCWSTR sub, LPCWSTR name) {
    HKEY key = hkey;
    if (sub && *sub)
        if (LSTATUS e = open_key(hkey, wview(sub), KEY_SET_VALUE, &key)) return e;
    LSTATUS e = RegDeleteValueW(key, name);
    if (key != hkey) k32::handle_close(key);
    return e;
}
LSTATUS WINAPI RegDeleteKeyValueA(HKEY hkey, LPCSTR sub, LPCSTR name) {
    std::u16string s = aname(sub), n = aname(name);
    return RegDeleteKeyValueW(hkey, sub ? s.c_str() : nullptr, n.c_str());
}

WR_EXPORT_PART(advapi32_registry,
    WR_EXPORT(RegCloseKey),
    WR_EXPORT(RegCreateKeyA),
    WR_EXPORT(RegCreateKeyExA),
    WR_EXPORT(RegCreateKeyExW),
    WR_EXPORT(RegCreateKeyW),
    WR_EXPORT(RegDeleteKeyA),
    WR_EXPORT(RegDeleteKeyExA),
    WR_EXPORT(RegDeleteKeyExW),
    WR_EXPORT(RegDeleteKeyValueA),
    WR_EXPORT(RegDeleteKeyValueW),
    WR_EXPORT(RegDeleteKeyW),
    WR_EXPORT(RegDeleteTreeA),
    WR_EXPORT(RegDeleteTreeW),
    WR_EXPORT(RegDeleteValueA),
    WR_EXPORT(RegDeleteValueW),
    WR_EXPORT(RegEnumKeyA),
    WR_EXPORT(RegEnumKeyExA),
    WR_EXPORT(RegEnumKeyExW),
    WR_EXPORT(RegEnumKeyW),
    WR_EXPORT(RegEnumValueA),
    WR_EXPORT(RegEnumValueW),
    WR_EXPORT(RegFlushKey),
    WR_EXPORT(RegGetValueA),
    WR_EXPORT(RegGetValueW),
    WR_EXPORT(RegOpenKeyA),
    WR_EXPORT(RegOpenKeyExA),
    WR_EXPORT(RegOpenKeyExW),
    WR_EXPORT(RegOpenKeyW),
    WR_EXPORT(RegQueryInfoKeyA),
    WR_EXPORT(RegQueryInfoKeyW),
    WR_EXPORT(RegQueryValueExA),
    WR_EXPORT(RegQueryValueExW),
    WR_EXPORT(RegSetKeyValueA),
    WR_EXPORT(RegSetKeyValueW),
    WR_EXPORT(RegSetValueA),
    WR_EXPORT(RegSetValueExA),
    WR_EXPORT(RegSetValueExW),
    WR_EXPORT(RegSetValueW));

}  // namespace winrun::advapi

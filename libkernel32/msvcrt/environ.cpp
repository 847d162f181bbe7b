// The C runtime's environment: _environ / _wenviron (arrays of "NAME=value" strings the program may
// read directly through the data exports), getenv, _putenv and friends.
//
// As msvcrt.dll does, _putenv edits both arrays in place (a new variable goes at the end, a removed
// one closes the gap), leaves __initenv / __winitenv pointing at the arrays the program started with,
// and passes the change on to the process environment with SetEnvironmentVariable so child processes
// and GetEnvironmentVariable see it.
#include <cstring>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "crt.h"
#include "kernel32/environ.h"
#include "kernel32/path_map.h"
#include "unicode.h"

namespace winrun::k32 {
BOOL WINAPI SetEnvironmentVariableW(LPCWSTR name, LPCWSTR value);
}

namespace winrun::crt {

char*** p_initenv;
char16_t*** p_winitenv;
char*** p_environ;
char16_t*** p_wenviron;

namespace {
std::recursive_mutex g_env_mutex;  // msvcrt's _ENV_LOCK
std::vector<char*> g_initial_a;
std::vector<char16_t*> g_initial_w;
std::vector<char*> g_env_a;  // the current arrays (NULL-terminated)
std::vector<char16_t*> g_env_w;

template <typename C>
C* dup_str(std::basic_string_view<C> s) {
    C* d = new C[s.size() + 1];
    std::memcpy(d, s.data(), s.size() * sizeof(C));
    d[s.size()] = 0;
    return d;
}

template <typename C>
int fold(C c) {
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

// Index of the entry named `name` (compared as msvcrt does: ASCII case-insensitively), or -1.
template <typename C>
int find_entry(const std::vector<C*>& env, std::basic_string_view<C> name) {
    for (size_t i = 0; i + 1 < env.size(); i++) {
        const C* e = env[i];
        size_t k = 0;
        while (k < name.size() && e[k] && fold(e[k]) == fold(name[k])) k++;
        if (k == name.size() && e[k] == '=') return int(i);
    }
    return -1;
}

// Sets (value non-empty) or removes (empty) NAME in one array. `entry` is "NAME=value".
template <typename C>
void update_array(std::vector<C*>& env, std::basic_string_view<C> name, std::basic_string_view<C> entry,
                  bool remove) {
    int i = find_entry(env, name);
    if (remove) {
        if (i >= 0) {
            delete[] env[size_t(i)];
            env.erase(env.begin() + i);
        }
        return;
    }
    if (i >= 0) {
        delete[] env[size_t(i)];
        env[size_t(i)] = dup_str(entry);
    } else {
        env.insert(env.end() - 1, dup_str(entry));
    }
}

void publish() {
    *p_environ = g_env_a.data();
    *p_wenviron = g_env_w.data();
}

// Both arrays change together; the process environment follows.
int set_variable(std::u16string_view name, std::u16string_view value) {
    if (name.empty()) {
        set_errno(EINVAL_);
        return -1;
    }
    bool remove = value.empty();
    std::u16string wentry = std::u16string(name) + u"=" + std::u16string(value);
    std::string aentry = wide_to_narrow(wentry);
    std::string aname = wide_to_narrow(name);
    {
        std::lock_guard lock(g_env_mutex);
        update_array<char>(g_env_a, aname, aentry, remove);
        update_array<char16_t>(g_env_w, name, wentry, remove);
        publish();
    }
    std::u16string n(name), v(value);
    // Removing a variable that does not exist is no error for _putenv.
    if (!k32::SetEnvironmentVariableW(n.c_str(), remove ? nullptr : v.c_str()) &&
        k32::last_error() != k32::ERROR_ENVVAR_NOT_FOUND) {
        set_errno(ENOMEM_);
        return -1;
    }
    return 0;
}

template <typename C>
C* lookup(const std::vector<C*>& env, const C* name) {
    if (!name) {
        set_errno(EINVAL_);
        return nullptr;
    }
    std::basic_string_view<C> n(name);
    int i = find_entry(env, n);
    return i < 0 ? nullptr : env[size_t(i)] + n.size() + 1;
}
}  // namespace

void init_environ() {
    std::u16string block = k32::environment_block();
    for (size_t i = 0; i < block.size() && block[i];) {
        std::u16string_view e(block.c_str() + i);
        i += e.size() + 1;
        if (e[0] == u'=') continue;  // msvcrt hides the "=C:=C:\..." entries
        g_initial_w.push_back(dup_str(e));
        std::string a = wide_to_narrow(e);
        g_initial_a.push_back(dup_str(std::string_view(a)));
    }
    g_initial_a.push_back(nullptr);
    g_initial_w.push_back(nullptr);
    for (char* s : g_initial_a) g_env_a.push_back(s ? dup_str(std::string_view(s)) : nullptr);
    for (char16_t* s : g_initial_w) g_env_w.push_back(s ? dup_str(std::u16string_view(s)) : nullptr);
    *p_initenv = g_initial_a.data();
    *p_winitenv = g_initial_w.data();
    publish();
}

char* CDECL getenv(const char* name) {
    std::lock_guard lock(g_env_mutex);
    return lookup(g_env_a, name);
}
char16_t* CDECL _wgetenv(const char16_t* name) {
    std::lock_guard lock(g_env_mutex);
    return lookup(g_env_w, name);
}

// _putenv("NAME=value") sets, _putenv("NAME=") removes; no '=' is an error.
int CDECL _wputenv(const char16_t* s) {
    if (!s) return set_errno(EINVAL_), -1;
    std::u16string_view e(s);
    size_t eq = e.find(u'=');
    if (eq == std::u16string_view::npos || eq == 0) return set_errno(EINVAL_), -1;
    return set_variable(e.substr(0, eq), e.substr(eq + 1));
}
int CDECL _putenv(const char* s) {
    if (!s) return set_errno(EINVAL_), -1;
    std::u16string w = narrow_to_wide(s);
    return _wputenv(w.c_str());
}
int CDECL _wputenv_s(const char16_t* name, const char16_t* value) {
    if (!name || !value || !*name || wview(name).find(u'=') != std::u16string_view::npos)
        return set_errno(EINVAL_), EINVAL_;
    return set_variable(wview(name), wview(value)) ? *errno_location() : 0;
}
int CDECL _putenv_s(const char* name, const char* value) {
    if (!name || !value) return set_errno(EINVAL_), EINVAL_;
    std::u16string n = narrow_to_wide(name), v = narrow_to_wide(value);
    return _wputenv_s(n.c_str(), v.c_str());
}

int CDECL getenv_s(size_t* ret, char* buf, size_t size, const char* name) {
    if (!ret || !name || (!buf && size)) return set_errno(EINVAL_), EINVAL_;
    std::lock_guard lock(g_env_mutex);
    const char* v = lookup(g_env_a, name);
    if (!v) {
        *ret = 0;
        if (buf && size) buf[0] = 0;
        return 0;
    }
    size_t n = ::strlen(v) + 1;
    *ret = n;
    if (!buf) return 0;
    if (n > size) {
        buf[0] = 0;
        return set_errno(ERANGE_), ERANGE_;
    }
    ::memcpy(buf, v, n);
    return 0;
}
int CDECL _wgetenv_s(size_t* ret, char16_t* buf, size_t size, const char16_t* name) {
    if (!ret || !name || (!buf && size)) return set_errno(EINVAL_), EINVAL_;
    std::lock_guard lock(g_env_mutex);
    const char16_t* v = lookup(g_env_w, name);
    if (!v) {
        *ret = 0;
        if (buf && size) buf[0] = 0;
        return 0;
    }
    size_t n = wcslen16(v) + 1;
    *ret = n;
    if (!buf) return 0;
    if (n > size) {
        buf[0] = 0;
        return set_errno(ERANGE_), ERANGE_;
    }
    ::memcpy(buf, v, n * 2);
    return 0;
}
int CDECL _dupenv_s(char** buf, size_t* size, const char* name) {
    if (!buf || !name) return set_errno(EINVAL_), EINVAL_;
    std::lock_guard lock(g_env_mutex);
    const char* v = lookup(g_env_a, name);
    *buf = nullptr;
    if (size) *size = 0;
    if (!v) return 0;
    size_t n = ::strlen(v) + 1;
    if (!(*buf = static_cast<char*>(malloc(n)))) return set_errno(ENOMEM_), ENOMEM_;
    ::memcpy(*buf, v, n);
    if (size) *size = n;
    return 0;
}
int CDECL _wdupenv_s(char16_t** buf, size_t* size, const char16_t* name) {
    if (!buf || !name) return set_errno(EINVAL_), EINVAL_;
    std::lock_guard lock(g_env_mutex);
    const char16_t* v = lookup(g_env_w, name);
    *buf = nullptr;
    if (size) *size = 0;
    if (!v) return 0;
    size_t n = wcslen16(v) + 1;
    if (!(*buf = static_cast<char16_t*>(malloc(n * 2)))) return set_errno(ENOMEM_), ENOMEM_;
    ::memcpy(*buf, v, n * 2);
    if (size) *size = n;
    return 0;
}

char*** CDECL __p__environ() { return p_environ; }
char16_t*** CDECL __p__wenviron() { return p_wenviron; }
char*** CDECL __p___initenv() { return p_initenv; }
char16_t*** CDECL __p___winitenv() { return p_winitenv; }

// _searchenv: the file in the current directory, else in each directory of the variable's list;
// the full path goes to buf (at most MAX_PATH), or "" with ENOENT.
char16_t* CDECL _wfullpath(char16_t* buf, const char16_t* path, size_t size);
void CDECL _wsearchenv(const char16_t* file, const char16_t* var, char16_t* buf) {
    if (!file || !var || !buf) {
        set_errno(EINVAL_);
        return;
    }
    buf[0] = 0;
    std::string lp;
    if (linux_path_of(file, lp) && paths::file_exists(lp)) {
        char16_t full[260];
        if (_wfullpath(full, file, 260)) {
            std::memcpy(buf, full, (wcslen16(full) + 1) * 2);
            return;
        }
    }
    const char16_t* list = _wgetenv(var);
    if (!list) {
        set_errno(ENOENT_);
        return;
    }
    std::u16string_view rest(list);
    while (!rest.empty()) {
        size_t semi = rest.find(u';');
        std::u16string dir(rest.substr(0, semi));
        rest = semi == std::u16string_view::npos ? std::u16string_view() : rest.substr(semi + 1);
        if (dir.empty()) continue;
        if (dir.back() != u'\\' && dir.back() != u'/') dir += u'\\';
        std::u16string cand = dir + std::u16string(wview(file));
        if (cand.size() >= 260) continue;
        if (linux_path_of(cand.c_str(), lp) && paths::file_exists(lp)) {
            std::memcpy(buf, cand.c_str(), (cand.size() + 1) * 2);
            return;
        }
    }
    set_errno(ENOENT_);
}
void CDECL _searchenv(const char* file, const char* var, char* buf) {
    if (!file || !var || !buf) {
        set_errno(EINVAL_);
        return;
    }
    std::u16string f = narrow_to_wide(file), v = narrow_to_wide(var);
    char16_t out[260];
    _wsearchenv(f.c_str(), v.c_str(), out);
    std::string a = wide_to_narrow(out);
    std::memcpy(buf, a.c_str(), std::min<size_t>(a.size() + 1, 260));
    buf[259] = 0;
}

WR_EXPORT_PART(msvcrt_environ,
    WR_DATA("__initenv", p_initenv, 8), WR_DATA("__winitenv", p_winitenv, 8), WR_DATA("_environ", p_environ, 8),
    WR_DATA("_wenviron", p_wenviron, 8),
    WR_EXPORT(getenv), WR_EXPORT(_wgetenv), WR_EXPORT(_putenv), WR_EXPORT(_wputenv), WR_EXPORT(_putenv_s),
    WR_EXPORT(_wputenv_s), WR_EXPORT(getenv_s), WR_EXPORT(_wgetenv_s), WR_EXPORT(_dupenv_s), WR_EXPORT(_wdupenv_s),
    WR_EXPORT(__p__environ), WR_EXPORT(__p__wenviron), WR_EXPORT(__p___initenv), WR_EXPORT(__p___winitenv),
    WR_EXPORT(_searchenv), WR_EXPORT(_wsearchenv));

}  // namespace winrun::crt

// Process tokens and privileges as a standard (non-elevated) Windows user has them, the user
// name, and RtlGenRandom. File security descriptors (GetFileSecurity/SetFileSecurity) are not
// provided: Linux permissions cannot be reported as honest Windows ACLs, so those imports stay
// unimplemented (the loader's stub names them if a program calls them).
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

#include "builtin/builtin.h"
#include "kernel32/k32.h"
#include "log.h"
#include "kernel32/path_map.h"
#include "unicode.h"

namespace winrun::advapi {
using namespace winrun::win;
using k32::ERROR_INSUFFICIENT_BUFFER, k32::ERROR_INVALID_HANDLE, k32::ERROR_INVALID_PARAMETER, k32::fail,
    k32::set_last_error, k32::ERROR_SUCCESS, k32::ERROR_ACCESS_DENIED;

constexpr DWORD ERROR_NOT_ALL_ASSIGNED = 1300, ERROR_NO_SUCH_PRIVILEGE = 1313, ERROR_NO_TOKEN = 1008;

struct LUID {
    DWORD LowPart;
    LONG HighPart;
};
struct LUID_AND_ATTRIBUTES {
    LUID Luid;
    DWORD Attributes;
};
static_assert(sizeof(LUID_AND_ATTRIBUTES) == 12);
struct TOKEN_PRIVILEGES {
    DWORD PrivilegeCount;
    LUID_AND_ATTRIBUTES Privileges[1];
};
static_assert(sizeof(TOKEN_PRIVILEGES) == 16);
struct SID_AND_ATTRIBUTES {
    void* Sid;
    DWORD Attributes;
};
static_assert(sizeof(SID_AND_ATTRIBUTES) == 16);

constexpr DWORD SE_PRIVILEGE_ENABLED_BY_DEFAULT = 1, SE_PRIVILEGE_ENABLED = 2, SE_PRIVILEGE_REMOVED = 4;
constexpr int TokenUser = 1, TokenPrivileges = 3, TokenElevationType = 18, TokenElevation = 20;

namespace {

// The privilege names and their LUIDs (the well-known values of winnt.h's SE_*_PRIVILEGE).
const char16_t* const k_privileges[] = {
    nullptr, nullptr,
    u"SeCreateTokenPrivilege", u"SeAssignPrimaryTokenPrivilege", u"SeLockMemoryPrivilege",
    u"SeIncreaseQuotaPrivilege", u"SeMachineAccountPrivilege", u"SeTcbPrivilege", u"SeSecurityPrivilege",
    u"SeTakeOwnershipPrivilege", u"SeLoadDriverPrivilege", u"SeSystemProfilePrivilege", u"SeSystemtimePrivilege",
    u"SeProfileSingleProcessPrivilege", u"SeIncreaseBasePriorityPrivilege", u"SeCreatePagefilePrivilege",
    u"SeCreatePermanentPrivilege", u"SeBackupPrivilege", u"SeRestorePrivilege", u"SeShutdownPrivilege",
    u"SeDebugPrivilege", u"SeAuditPrivilege", u"SeSystemEnvironmentPrivilege", u"SeChangeNotifyPrivilege",
    u"SeRemoteShutdownPrivilege", u"SeUndockPrivilege", u"SeSyncAgentPrivilege", u"SeEnableDelegationPrivilege",
    u"SeManageVolumePrivilege", u"SeImpersonatePrivilege", u"SeCreateGlobalPrivilege",
    u"SeTrustedCredManAccessPrivilege", u"SeRelabelPrivilege", u"SeIncreaseWorkingSetPrivilege",
    u"SeTimeZonePrivilege", u"SeCreateSymbolicLinkPrivilege", u"SeDelegateSessionUserImpersonatePrivilege",
};
constexpr DWORD k_max_privilege = sizeof(k_privileges) / sizeof(k_privileges[0]) - 1;

// What a standard user's token holds: SeChangeNotify (enabled), SeShutdown, SeUndock,
// SeIncreaseWorkingSet, SeTimeZone (disabled). Everything else is not held.
constexpr DWORD k_held[] = {19, 23, 25, 33, 34};

bool held(DWORD luid) {
    for (DWORD h : k_held)
        if (h == luid) return true;
    return false;
}

struct TokenObject : k32::KObject {
    TokenObject() : KObject(k32::ObjectKind::Other) {}
    uint64_t enabled = 1ull << 23;  // bit n: privilege LUID n is enabled
    DWORD access = 0;
};
std::mutex g_token_mutex;

bool iequal(std::u16string_view a, std::u16string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
        char16_t x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z') x -= 32;
        if (y >= 'a' && y <= 'z') y -= 32;
        if (x != y) return false;
    }
    return true;
}

const std::string& user_name() { return paths::windows_user_name(); }

// The user's SID: S-1-5-21-<machine>-<1000 + uid % 1000000>. The machine part is fixed: there is
// one machine (the prefix), and tools compare SIDs only for equality.
constexpr uint32_t k_machine_sub[3] = {2606587651u, 1208317044u, 3041573240u};

}  // namespace

BOOL WINAPI OpenProcessToken(HANDLE process, DWORD access, HANDLE* token) {
    if (!token) return fail(k32::ERROR_NOACCESS);
    if (process != k32::PSEUDO_PROCESS) {
        auto obj = k32::handle_get(process);
        if (!obj || obj->kind != k32::ObjectKind::Process) return fail(ERROR_INVALID_HANDLE);
    }
    auto t = std::make_shared<TokenObject>();
    t->access = access;
    *token = k32::handle_alloc(std::move(t));
    return TRUE;
}

BOOL WINAPI LookupPrivilegeValueW(LPCWSTR system, LPCWSTR name, LUID* luid) {
    if (system && *system) {
        WR_WARN(process, "LookupPrivilegeValueW: remote system names are not supported");
        return fail(k32::ERROR_INVALID_PARAMETER);
    }
    if (!name || !luid) return fail(ERROR_INVALID_PARAMETER);
    for (DWORD i = 2; i <= k_max_privilege; i++)
        if (iequal(wview(name), k_privileges[i])) {
            luid->LowPart = i;
            luid->HighPart = 0;
            return TRUE;
        }
    return fail(ERROR_NO_SUCH_PRIVILEGE);
}
BOOL WINAPI LookupPrivilegeValueA(LPCSTR system, LPCSTR name, LUID* luid) {
    if (!name) return fail(ERROR_INVALID_PARAMETER);
    std::u16string s = system ? k32::ansi_to_wide(system) : u"", n = k32::ansi_to_wide(name);
    return LookupPrivilegeValueW(system ? s.c_str() : nullptr, n.c_str(), luid);
}

// Succeeds even when it could not enable everything, with ERROR_NOT_ALL_ASSIGNED as the last
// error (callers must check GetLastError); ERROR_SUCCESS when all were held.
BOOL WINAPI AdjustTokenPrivileges(HANDLE token, BOOL disable_all, TOKEN_PRIVILEGES* state, DWORD buffer_len,
                                  TOKEN_PRIVILEGES* previous, DWORD* return_len) {
    auto t = std::dynamic_pointer_cast<TokenObject>(k32::handle_get(token));
    if (!t) return fail(ERROR_INVALID_HANDLE);
    constexpr DWORD TOKEN_ADJUST_PRIVILEGES = 0x20, TOKEN_QUERY = 0x8;
    if (!(t->access & TOKEN_ADJUST_PRIVILEGES) || (previous && !(t->access & TOKEN_QUERY))) return fail(ERROR_ACCESS_DENIED);
    if (!disable_all && !state) return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(g_token_mutex);
    uint64_t before = t->enabled, after = before;
    bool all = true;
    if (disable_all) {
        after = 0;
    } else {
        for (DWORD i = 0; i < state->PrivilegeCount; i++) {
            const LUID_AND_ATTRIBUTES& p = state->Privileges[i];
            DWORD id = p.Luid.LowPart;
            if (p.Luid.HighPart != 0 || !held(id)) {
                all = false;
                continue;
            }
            if (p.Attributes & SE_PRIVILEGE_REMOVED) after &= ~(1ull << id);  // (removal: treated as disabling)
            else if (p.Attributes & SE_PRIVILEGE_ENABLED) after |= 1ull << id;
            else after &= ~(1ull << id);
        }
    }
    // PreviousState lists the privileges whose state changed, with their former attributes.
    uint64_t changed = before ^ after;
    DWORD count = DWORD(__builtin_popcountll(changed));
    DWORD need = DWORD(offsetof(TOKEN_PRIVILEGES, Privileges) + count * sizeof(LUID_AND_ATTRIBUTES));
    if (previous) {
        if (return_len) *return_len = need;
        if (buffer_len < need) return fail(ERROR_INSUFFICIENT_BUFFER);
        previous->PrivilegeCount = count;
        DWORD k = 0;
        for (DWORD id = 0; id < 64; id++)
            if (changed >> id & 1) {
                previous->Privileges[k].Luid = LUID{id, 0};
                previous->Privileges[k++].Attributes = (before >> id & 1) ? SE_PRIVILEGE_ENABLED : 0;
            }
    }
    t->enabled = after;
    set_last_error(all ? ERROR_SUCCESS : ERROR_NOT_ALL_ASSIGNED);
    return TRUE;
}

BOOL WINAPI GetTokenInformation(HANDLE token, int klass, void* info, DWORD len, DWORD* return_len) {
    auto t = std::dynamic_pointer_cast<TokenObject>(k32::handle_get(token));
    if (!t) return fail(ERROR_INVALID_HANDLE);
    if (!return_len) return fail(k32::ERROR_NOACCESS);
    std::string buf;
    switch (klass) {
    case TokenUser: {
        // TOKEN_USER (a SID_AND_ATTRIBUTES) followed by the SID it points to.
        uint8_t sid[8 + 4 * 5] = {1, 5, 0, 0, 0, 0, 0, 5};  // revision 1, 5 sub-authorities, NT authority
        uint32_t subs[5] = {21, k_machine_sub[0], k_machine_sub[1], k_machine_sub[2], 1000 + getuid() % 1000000};
        std::memcpy(sid + 8, subs, sizeof subs);
        DWORD need = sizeof(SID_AND_ATTRIBUTES) + sizeof sid;
        *return_len = need;
        if (!info || len < need) return fail(ERROR_INSUFFICIENT_BUFFER);
        auto* sa = static_cast<SID_AND_ATTRIBUTES*>(info);
        std::memcpy(sa + 1, sid, sizeof sid);
        sa->Sid = sa + 1;
        sa->Attributes = 0;
        return TRUE;
    }
    case TokenPrivileges: {
        DWORD need = DWORD(offsetof(TOKEN_PRIVILEGES, Privileges) + sizeof(k_held) / sizeof(k_held[0]) * sizeof(LUID_AND_ATTRIBUTES));
        *return_len = need;
        if (!info || len < need) return fail(ERROR_INSUFFICIENT_BUFFER);
        auto* tp = static_cast<TOKEN_PRIVILEGES*>(info);
        std::lock_guard lock(g_token_mutex);
        tp->PrivilegeCount = 0;
        for (DWORD id : k_held) {
            auto& p = tp->Privileges[tp->PrivilegeCount++];
            p.Luid = LUID{id, 0};
            p.Attributes = (t->enabled >> id & 1) ? SE_PRIVILEGE_ENABLED : 0;
            if (id == 23) p.Attributes |= SE_PRIVILEGE_ENABLED_BY_DEFAULT;
        }
        return TRUE;
    }
    case TokenElevationType:
    case TokenElevation: {
        // Not elevated. TokenElevationTypeDefault (1): a standard user has no linked admin token.
        *return_len = 4;
        if (!info || len < 4) return fail(ERROR_INSUFFICIENT_BUFFER);
        DWORD v = klass == TokenElevation ? 0 : 1;
        std::memcpy(info, &v, 4);
        return TRUE;
    }
    default:
        WR_WARN(process, "GetTokenInformation: information class {} is not provided", klass);
        return fail(ERROR_INVALID_PARAMETER);
    }
}

// The Linux login name. The size is in characters, terminator included, in and out.
BOOL WINAPI GetUserNameW(LPWSTR buffer, DWORD* size) {
    if (!size) return fail(ERROR_INVALID_PARAMETER);
    std::u16string n = utf8_to_utf16(user_name());
    if (!buffer || *size < n.size() + 1) {
        *size = DWORD(n.size() + 1);
        return fail(ERROR_INSUFFICIENT_BUFFER);
    }
    std::memcpy(buffer, n.c_str(), (n.size() + 1) * 2);
    *size = DWORD(n.size() + 1);
    return TRUE;
}
BOOL WINAPI GetUserNameA(LPSTR buffer, DWORD* size) {
    if (!size) return fail(ERROR_INVALID_PARAMETER);
    std::string n = k32::wide_to_ansi(utf8_to_utf16(user_name()));
    if (!buffer || *size < n.size() + 1) {
        *size = DWORD(n.size() + 1);
        return fail(ERROR_INSUFFICIENT_BUFFER);
    }
    std::memcpy(buffer, n.c_str(), n.size() + 1);
    *size = DWORD(n.size() + 1);
    return TRUE;
}

// RtlGenRandom: cryptographically random bytes from the kernel.
BOOLEAN WINAPI SystemFunction036(void* buffer, ULONG len) {
    auto* p = static_cast<uint8_t*>(buffer);
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return FALSE;
        }
        p += n;
        len -= ULONG(n);
    }
    return TRUE;
}

WR_EXPORT_PART(advapi32_security,
    WR_EXPORT(AdjustTokenPrivileges),
    WR_EXPORT(GetTokenInformation),
    WR_EXPORT(GetUserNameA),
    WR_EXPORT(GetUserNameW),
    WR_EXPORT(LookupPrivilegeValueA),
    WR_EXPORT(LookupPrivilegeValueW),
    WR_EXPORT(OpenProcessToken),
    WR_EXPORT(SystemFunction036));

}  // namespace winrun::advapi

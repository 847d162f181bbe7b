// bcrypt.dll: BCryptGenRandom with the system-preferred generator (the kernel's getrandom). Algorithm
// providers (BCryptOpenAlgorithmProvider) do not exist yet, so a non-NULL algorithm handle is
// refused as an invalid handle.
#include <sys/random.h>

#include <cerrno>

#include "builtin/builtin.h"

namespace winrun::bcrypt {
using namespace winrun::win;

constexpr LONG STATUS_SUCCESS_ = 0;
constexpr LONG STATUS_INVALID_HANDLE_ = LONG(0xC0000008);
constexpr LONG STATUS_INVALID_PARAMETER_ = LONG(0xC000000D);
constexpr ULONG BCRYPT_USE_SYSTEM_PREFERRED_RNG = 0x2;

LONG WINAPI BCryptGenRandom(void* algorithm, uint8_t* buffer, ULONG len, ULONG flags) {
    if (flags & ~(BCRYPT_USE_SYSTEM_PREFERRED_RNG | 0x1 /* BCRYPT_RNG_USE_ENTROPY_IN_BUFFER, ignored */))
        return STATUS_INVALID_PARAMETER_;
    if (!(flags & BCRYPT_USE_SYSTEM_PREFERRED_RNG) || algorithm) return STATUS_INVALID_HANDLE_;
    if (!buffer && len) return STATUS_INVALID_PARAMETER_;
    while (len) {
        ssize_t n = getrandom(buffer, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return STATUS_INVALID_PARAMETER_;
        }
        buffer += n;
        len -= ULONG(n);
    }
    return STATUS_SUCCESS_;
}

WR_EXPORT_PART(bcrypt_random, WR_EXPORT(BCryptGenRandom));

}  // namespace winrun::bcrypt

namespace winrun::builtin {
static const ExportPart* const k_bcrypt_parts[] = {&winrun::bcrypt::bcrypt_random};
extern const DllDef bcrypt_dll{"bcrypt.dll", k_bcrypt_parts, 1, nullptr};
}  // namespace winrun::builtin

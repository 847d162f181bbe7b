// bcryptprimitives.dll: ProcessPrng, the process's cryptographic random generator (what Rust's and
// Go's runtimes ask for their hash seeds and rand), from the kernel's getrandom.
#include <sys/random.h>

#include <cerrno>

#include "builtin/builtin.h"

namespace winrun::bcrypt {
using namespace winrun::win;

// Fills the whole buffer; Windows documents that it always returns TRUE.
BOOL WINAPI ProcessPrng(uint8_t* data, SIZE_T len) {
    while (len) {
        ssize_t n = getrandom(data, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;  // only a bad buffer address gets here (Windows would fault on it)
        }
        data += n;
        len -= SIZE_T(n);
    }
    return TRUE;
}

WR_EXPORT_PART(bcryptprimitives_prng, WR_EXPORT(ProcessPrng));

}  // namespace winrun::bcrypt

namespace winrun::builtin {
static const ExportPart* const k_bcryptprimitives_parts[] = {&winrun::bcrypt::bcryptprimitives_prng};
extern const DllDef bcryptprimitives_dll{"bcryptprimitives.dll", k_bcryptprimitives_parts, 1, nullptr};
}  // namespace winrun::builtin

// Winsock start-up: WSAStartup/WSACleanup. The Go runtime (internal/poll) calls WSAStartup at
// start-up even when the program never opens a socket. No socket function exists yet: those stay
// loud unimplemented-function stubs.
#include <cstring>

#include "builtin/builtin.h"
#include "wintypes.h"

namespace winrun::ws2_32 {
using namespace winrun::win;

namespace {
// WSADATA as the 64-bit headers lay it out (iMaxSockets/iMaxUdpDg/lpVendorInfo before the strings).
struct WSADATA {
    WORD wVersion, wHighVersion;
    unsigned short iMaxSockets, iMaxUdpDg;
    char* lpVendorInfo;
    char szDescription[257];
    char szSystemStatus[129];
};
static_assert(sizeof(WSADATA) == 408 && offsetof(WSADATA, szDescription) == 16);
constexpr int WSAVERNOTSUPPORTED = 10092, WSAEFAULT = 10014;
int g_started = 0;
}  // namespace

// Versions 1.0 to 2.2; asking for more than 2.2 gets 2.2, less than 1.0 is refused.
int WINAPI WSAStartup(WORD version, WSADATA* data) {
    if (!data) return WSAEFAULT;
    BYTE major = BYTE(version), minor = BYTE(version >> 8);
    std::memset(data, 0, sizeof *data);
    data->wHighVersion = 0x0202;
    if (major < 1) {
        data->wVersion = 0x0202;
        return WSAVERNOTSUPPORTED;
    }
    data->wVersion = (major > 2 || (major == 2 && minor > 2)) ? WORD(0x0202) : version;
    std::strcpy(data->szDescription, "WinSock 2.0");
    std::strcpy(data->szSystemStatus, "Running");
    __atomic_add_fetch(&g_started, 1, __ATOMIC_RELAXED);
    return 0;
}

int WINAPI WSACleanup() {
    // WSANOTINITIALISED without a matching WSAStartup (the error goes to WSAGetLastError on
    // Windows; returned here as SOCKET_ERROR).
    if (__atomic_sub_fetch(&g_started, 1, __ATOMIC_RELAXED) < 0) {
        __atomic_add_fetch(&g_started, 1, __ATOMIC_RELAXED);
        return -1;
    }
    return 0;
}

WR_EXPORT_PART(ws2_32_startup, WR_EXPORT(WSAStartup), WR_EXPORT(WSACleanup));

}  // namespace winrun::ws2_32

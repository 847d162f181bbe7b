// RtlNtStatusToDosError: NTSTATUS -> Win32 error, for the codes winrun and programs meet. A code
// Windows has no mapping for gives ERROR_MR_MID_NOT_FOUND (317), as on Windows.
#include "builtin/builtin.h"
#include "kernel32/k32.h"

namespace winrun::k32 {

ULONG WINAPI RtlNtStatusToDosError(LONG status) {
    struct Map {
        uint32_t status, error;
    };
    static const Map k_map[] = {
        {0x00000000, 0},    {0x00000102, 258},  {0x00000103, 997},  {0x80000005, 234},  {0x80000006, 18},
        {0xC0000001, 31},   {0xC0000002, 1},    {0xC0000005, 998},  {0xC0000008, 6},    {0xC000000D, 87},
        {0xC000000F, 2},    {0xC0000010, 1},    {0xC0000011, 38},   {0xC0000017, 8},    {0xC0000022, 5},
        {0xC0000023, 122},  {0xC0000024, 6},    {0xC0000033, 123},  {0xC0000034, 2},    {0xC0000035, 183},
        {0xC000003A, 3},    {0xC0000043, 32},   {0xC0000056, 5},    {0xC000007F, 112},  {0xC000009A, 1450},
        {0xC00000B0, 233},  {0xC00000B5, 121},  {0xC00000BA, 5},    {0xC00000BB, 50},   {0xC0000101, 145},
        {0xC0000103, 267},  {0xC0000120, 995},  {0xC000014B, 109},  {0xC0000135, 126},  {0xC0000139, 127},
    };
    uint32_t s = uint32_t(status);
    if (s & 0x20000000) return s;                             // customer codes pass through unchanged
    if ((s & 0xFFFF0000) == 0x80070000) return s & 0xFFFF;    // HRESULT_FROM_WIN32 unwraps
    if ((s & 0xF0000000) == 0xD0000000) s &= ~0x10000000u;    // 0xD... codes are the 0xC... ones
    for (const Map& m : k_map)
        if (m.status == s) return m.error;
    return 317;  // ERROR_MR_MID_NOT_FOUND
}

WR_EXPORT_PART(ntdll_status, WR_EXPORT(RtlNtStatusToDosError));

}  // namespace winrun::k32

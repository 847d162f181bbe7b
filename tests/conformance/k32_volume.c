/* k32_volume.c: drives and volumes as a program sees them: GetLogicalDrives(Strings), GetDriveType,
 * GetDiskFreeSpace(Ex), GetVolumeInformation. Only facts true of any Windows machine with a C: drive
 * are checked. */
#include "ok.h"

START_TEST(k32_volume)
{
    char drives[64], fs[32], label[64];
    DWORD n, serial = 0, maxcomp = 0, flags = 0, spc, bps, fc, tc;
    ULARGE_INTEGER avail, total, free_total;
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE h;

    ok(GetLogicalDrives() & (1 << 2), "GetLogicalDrives has no C: (%#lx)\n", GetLogicalDrives());
    n = GetLogicalDriveStringsA(sizeof drives, drives);
    ok(n >= 4 && n < sizeof drives && drives[1] == ':' && drives[2] == '\\',
       "GetLogicalDriveStrings returned %lu\n", n);
    ok(drives[n] == 0 && drives[n - 1] == 0, "the list does not end with an empty string\n");
    ok(GetLogicalDriveStringsA(1, drives) == n + 1, "a small buffer gives the size needed\n");

    ok(GetDriveTypeA("C:\\") == DRIVE_FIXED, "GetDriveType C: is %u\n", GetDriveTypeA("C:\\"));
    ok(GetDriveTypeA(NULL) == DRIVE_FIXED, "GetDriveType of the current drive is %u\n", GetDriveTypeA(NULL));

    ok(GetDiskFreeSpaceExA(NULL, &avail, &total, &free_total), "GetDiskFreeSpaceEx failed: %lu\n", GetLastError());
    ok(total.QuadPart > 0 && avail.QuadPart <= total.QuadPart && free_total.QuadPart <= total.QuadPart,
       "sizes: avail %llu total %llu free %llu\n", avail.QuadPart, total.QuadPart, free_total.QuadPart);
    ok(GetDiskFreeSpaceExA(".", &avail, NULL, NULL), "GetDiskFreeSpaceEx on a directory failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetDiskFreeSpaceExA("no_such_dir_here\\", &avail, NULL, NULL) && GetLastError() == ERROR_PATH_NOT_FOUND,
       "GetDiskFreeSpaceEx of a missing directory: %lu\n", GetLastError());
    ok(GetDiskFreeSpaceA("C:\\", &spc, &bps, &fc, &tc), "GetDiskFreeSpace failed: %lu\n", GetLastError());
    ok(spc > 0 && bps >= 512 && tc > 0 && fc <= tc, "clusters: spc %lu bps %lu free %lu total %lu\n", spc, bps, fc, tc);

    ok(GetVolumeInformationA("C:\\", label, sizeof label, &serial, &maxcomp, &flags, fs, sizeof fs),
       "GetVolumeInformation failed: %lu\n", GetLastError());
    ok(maxcomp == 255, "maximum component length %lu\n", maxcomp);
    ok(fs[0] != 0, "no file system name\n");
    ok(flags & FILE_CASE_PRESERVED_NAMES, "names are not case-preserved (%#lx)\n", flags);
    ok(flags & FILE_UNICODE_ON_DISK, "names are not Unicode (%#lx)\n", flags);

    /* a file on C: reports the volume's serial number */
    {
        char tmp[MAX_PATH];
        GetWindowsDirectoryA(tmp, MAX_PATH);
        h = CreateFileA(tmp, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                        FILE_FLAG_BACKUP_SEMANTICS, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            ok(GetFileInformationByHandle(h, &info), "GetFileInformationByHandle on a directory: %lu\n", GetLastError());
            ok(info.dwVolumeSerialNumber == serial, "volume serial %08lx, the volume says %08lx\n", info.dwVolumeSerialNumber,
               serial);
            ok(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY, "directory attribute missing\n");
            CloseHandle(h);
        } else {
            skip("the Windows directory %s does not open: %lu\n", tmp, GetLastError());
        }
    }
}

/* activeCodePage UTF-8: GetACP() is 65001, and the ANSI file functions take and give UTF-8 names.
   Creates "Grüße_café_日本.txt" through CreateFileA, finds it again through FindFirstFileA and
   prints the name as it got it (bytes: the test compares them with the UTF-8 spelling). */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    const char* name = "Gr\xC3\xBC\xC3\x9F" "e_caf\xC3\xA9_\xE6\x97\xA5\xE6\x9C\xAC.txt";
    UINT acp = GetACP();
    if (acp != 65001) {
        printf("GetACP() = %u, expected 65001\n", acp);
        return 1;
    }
    HANDLE h = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        printf("CreateFileA failed: %lu\n", GetLastError());
        return 2;
    }
    CloseHandle(h);
    WIN32_FIND_DATAA fd;
    HANDLE f = FindFirstFileA("Gr*.txt", &fd);
    if (f == INVALID_HANDLE_VALUE) {
        printf("FindFirstFileA failed: %lu\n", GetLastError());
        return 3;
    }
    FindClose(f);
    if (strcmp(fd.cFileName, name) != 0) {
        printf("found \"%s\", expected \"%s\"\n", fd.cFileName, name);
        return 4;
    }
    /* MultiByteToWideChar(CP_ACP) decodes UTF-8 now: 'ü' is one UTF-16 unit. */
    WCHAR w[64];
    int n = MultiByteToWideChar(CP_ACP, 0, "\xC3\xBC", -1, w, 64);
    if (n != 2 || w[0] != 0xFC) {
        printf("MultiByteToWideChar(CP_ACP) gave %d units, first U+%04X\n", n, n > 0 ? w[0] : 0);
        return 5;
    }
    DeleteFileA(name);
    printf("name: %s\n", fd.cFileName);
    return 0;
}

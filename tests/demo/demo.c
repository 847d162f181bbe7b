/* The README's demo: a Windows console program built with mingw-w64. */
#include <windows.h>
#include <stdio.h>

int main(int argc, char **argv) {
    char path[MAX_PATH];
    GetModuleFileNameA(NULL, path, sizeof path);
    printf("Hello from a Windows program!\n");
    printf("  running as %s\n", path);
    printf("  Windows version %lu.%lu (GetVersion)\n", GetVersion() & 0xFF, (GetVersion() >> 8) & 0xFF);
    for (int i = 0; i < argc; i++) printf("  argv[%d] = \"%s\"\n", i, argv[i]);
    return argc > 2 ? atoi(argv[2]) : 0;
}

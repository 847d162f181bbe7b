/* exitcode.c: how a program's exit code leaves the process. loader_cli.sh runs
 *     exitcode.exe <how> <code>      how = return | exit | _exit | ExitProcess
 * and checks that winrun exits with the low 8 bits and that --exit-code-file holds all 32 bits.
 *   exit:  an atexit handler runs and buffered stdout is flushed ("buffered|atexit" on stdout);
 *   _exit: neither happens (nothing on stdout).
 * With no arguments (CTest) it checks its own argument parsing and exits 0. */
#include "ok.h"

static int parse_u32(const char* s, unsigned* out) {
    unsigned long long v = 0;
    int base = 10, digits = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s += 2;
    for (; *s; s++, digits++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
        else return 0;
        v = v * base + d;
        if (v > 0xFFFFFFFFull) return 0;
    }
    *out = (unsigned)v;
    return digits > 0;
}

static void on_exit_handler(void) {
    printf("|atexit");
}

int main(int argc, char** argv) {
    unsigned code = 0;
    if (argc == 3 && parse_u32(argv[2], &code)) {
        const char* how = argv[1];
        if (!strcmp(how, "return")) return (int)code;
        if (!strcmp(how, "exit")) {
            atexit(on_exit_handler);
            printf("buffered");  /* stdout is a file or pipe here: fully buffered until exit flushes it */
            exit((int)code);
        }
        if (!strcmp(how, "_exit")) {
            atexit(on_exit_handler);
            printf("lost");  /* _exit neither runs atexit handlers nor flushes */
            _exit((int)code);
        }
        if (!strcmp(how, "ExitProcess")) ExitProcess(code);
        fprintf(stderr, "exitcode: unknown mode %s\n", how);
        return 100;
    }
    winetest_init("exitcode", argc, argv);
    {
        unsigned v = 0;
        ok(parse_u32("3221225477", &v) && v == 0xC0000005u, "parse_u32 decimal: got 0x%x\n", v);
        ok(parse_u32("0xC0000005", &v) && v == 0xC0000005u, "parse_u32 hex: got 0x%x\n", v);
        ok(!parse_u32("4294967296", &v), "parse_u32 accepted a value above 32 bits\n");
        ok(!parse_u32("", &v), "parse_u32 accepted an empty string\n");
    }
    /* (loader_cli.sh traces this call with WINRUN_DEBUG=+relay) */
    SetLastError(0x4d2);
    ok(GetLastError() == 0x4d2, "GetLastError: expected 0x4d2, got 0x%lx\n", GetLastError());
    return winetest_done();
}

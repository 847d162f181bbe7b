/* CreateProcess and CreatePipe: exit codes (full 32 bits), STILL_ACTIVE, waits, the command line
 * passed verbatim, stdout redirected through a pipe (10 MB), lpEnvironment, lpCurrentDirectory,
 * errors. The program starts itself in child modes. */
#include "ok.h"

static char self[MAX_PATH];

static int run_child(const char *args, DWORD *code, char *out, DWORD out_size, const char *env, const char *cwd) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "\"%s\" %s", self, args);
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE rd = NULL, wr = NULL;
    STARTUPINFOA si = {sizeof si};
    if (out) {
        if (!CreatePipe(&rd, &wr, &sa, 0)) return 0;
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
        si.hStdOutput = wr;
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    }
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, (void *)env, cwd, &si, &pi)) return 0;
    DWORD total = 0;
    if (out) {
        CloseHandle(wr); /* or ReadFile never sees the end */
        DWORD n;
        char buf[65536];
        while (ReadFile(rd, buf, sizeof buf, &n, NULL) && n) {
            if (total + n < out_size) memcpy(out + total, buf, n);
            total += n;
        }
        if (total < out_size) out[total] = 0;
        CloseHandle(rd);
    }
    WaitForSingleObject(pi.hProcess, 20000);
    GetExitCodeProcess(pi.hProcess, code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return out ? (int)total : 1;
}

static int child(int argc, char **argv) {
    if (!strcmp(argv[2], "exit")) ExitProcess(strtoul(argv[3], NULL, 16));
    if (!strcmp(argv[2], "cmdline")) { fputs(GetCommandLineA(), stdout); return 0; }
    if (!strcmp(argv[2], "env")) { const char *v = getenv(argv[3]); printf("%s", v ? v : "(unset)"); return 0; }
    if (!strcmp(argv[2], "cwd")) { char d[MAX_PATH]; GetCurrentDirectoryA(sizeof d, d); printf("%s", d); return 0; }
    if (!strcmp(argv[2], "sleep")) { Sleep(atoi(argv[3])); return 7; }
    if (!strcmp(argv[2], "big")) {
        static char line[1000];
        memset(line, 'x', sizeof line);
        DWORD n;
        for (int i = 0; i < 10000; i++) WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line, sizeof line, &n, NULL);
        return 0;
    }
    return 99;
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argc, argv);
    winetest_init("k32_createprocess", argc, argv);
    GetModuleFileNameA(NULL, self, sizeof self);
    DWORD code = 0;
    static char out[10100000];

    ok(run_child("child exit C0000005", &code, NULL, 0, NULL, NULL) && code == 0xC0000005, "exit code %lx\n", code);
    ok(run_child("child exit 0", &code, NULL, 0, NULL, NULL) && code == 0, "exit code %lx\n", code);

    /* While it runs: STILL_ACTIVE and a timed-out wait; then the code. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "\"%s\" child sleep 300", self);
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    ok(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi), "CreateProcess failed %lu\n", GetLastError());
    ok(pi.dwProcessId != 0 && pi.dwProcessId % 4 == 0 && GetProcessId(pi.hProcess) == pi.dwProcessId,
       "child pid %lu\n", pi.dwProcessId);
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == STILL_ACTIVE, "running child: exit code %lu\n", code);
    ok(WaitForSingleObject(pi.hProcess, 0) == WAIT_TIMEOUT, "running child is signaled\n");
    HANDLE again = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pi.dwProcessId);
    ok(again != NULL, "OpenProcess(child) failed %lu\n", GetLastError());
    ok(WaitForSingleObject(pi.hProcess, 10000) == WAIT_OBJECT_0, "wait for the child failed\n");
    GetExitCodeProcess(again, &code);
    ok(code == 7, "exit code through OpenProcess after exit: %lu\n", code);
    CloseHandle(again);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* lpApplicationName is not searched for and gets no ".exe": the name without its extension,
     * or a bare file name that is not in the current directory, is not found. */
    char noext[MAX_PATH];
    strcpy(noext, self);
    char *dot = strrchr(noext, '.');
    if (dot) *dot = 0;
    snprintf(cmd, sizeof cmd, "\"%s\" child exit 3", self);
    SetLastError(0xdeadbeef);
    ok(!CreateProcessA(noext, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi) && GetLastError() == ERROR_FILE_NOT_FOUND,
       "lpApplicationName without .exe: error %lu\n", GetLastError());
    char cwd[MAX_PATH], tmp[MAX_PATH];
    GetCurrentDirectoryA(sizeof cwd, cwd);
    GetTempPathA(sizeof tmp, tmp);
    SetCurrentDirectoryA(tmp);
    SetLastError(0xdeadbeef);
    ok(!CreateProcessA(strrchr(self, '\\') + 1, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi) &&
           GetLastError() == ERROR_FILE_NOT_FOUND,
       "lpApplicationName is not searched for: error %lu\n", GetLastError());
    SetCurrentDirectoryA(cwd);
    ok(CreateProcessA(self, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi), "lpApplicationName failed %lu\n", GetLastError());
    WaitForSingleObject(pi.hProcess, 10000);
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == 3, "lpApplicationName: exit code %lu\n", code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* The command line arrives exactly as given, spacing and quotes included. */
    const char *tail = "child cmdline  \"a b\"   c\\\\\"d \"\" e";
    int n = run_child(tail, &code, out, sizeof out, NULL, NULL);
    snprintf(cmd, sizeof cmd, "\"%s\" %s", self, tail);
    ok(n > 0 && !strcmp(out, cmd), "command line:\n  got  [%s]\n  want [%s]\n", out, cmd);

    n = run_child("child big", &code, out, sizeof out, NULL, NULL);
    ok(n == 10000000 && code == 0, "10 MB through a pipe: got %d bytes, exit code %lu\n", n, code);
    ok(out[0] == 'x' && out[9999999] == 'x', "pipe data\n");

    static const char env[] = "WINRUN_T1=hello there\0OTHER=1\0";
    n = run_child("child env WINRUN_T1", &code, out, sizeof out, env, NULL);
    ok(!strcmp(out, "hello there"), "lpEnvironment: got [%s]\n", out);
    SetEnvironmentVariableA("WINRUN_T2", "inherited");
    n = run_child("child env WINRUN_T2", &code, out, sizeof out, NULL, NULL);
    ok(!strcmp(out, "inherited"), "the environment is inherited (SetEnvironmentVariable): got [%s]\n", out);

    char want[MAX_PATH];
    CreateDirectoryA("k32cp_dir", NULL);
    GetFullPathNameA("k32cp_dir", sizeof want, want, NULL);
    n = run_child("child cwd", &code, out, sizeof out, NULL, "k32cp_dir");
    ok(!_stricmp(out, want), "lpCurrentDirectory: got [%s], want [%s]\n", out, want);
    RemoveDirectoryA("k32cp_dir");

    char missing[] = "winrun_no_such_program.exe arg";
    SetLastError(0xdeadbeef);
    ok(!CreateProcessA(NULL, missing, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi) && GetLastError() == ERROR_FILE_NOT_FOUND,
       "missing program: error %lu\n", GetLastError());
    return winetest_done();
}

/* msvcrt: _spawnv/_spawnl/_spawnvp/_spawnve (P_WAIT exit codes, P_NOWAIT + _cwait, the extension
 * completion and the PATH search of the p variants only), _wspawnv,
 * system() running a program, _popen/_pclose reading a child's output and writing its input. The
 * program starts itself as the child. */
#include "ok.h"
#include <process.h>

static char self[MAX_PATH], quoted[MAX_PATH + 2];

static int child(int argc, char **argv) {
    if (!strcmp(argv[2], "exit")) return atoi(argv[3]);
    if (!strcmp(argv[2], "args")) {
        for (int i = 3; i < argc; i++) printf("%s%s", i > 3 ? "|" : "", argv[i]);
        return argc - 3;
    }
    if (!strcmp(argv[2], "env")) {
        const char *v = getenv("WR_SPAWN_VAR");
        return v && !strcmp(v, "yes") ? 33 : 34;
    }
    if (!strcmp(argv[2], "sum")) {
        int a, total = 0;
        while (scanf("%d", &a) == 1) total += a;
        return total;
    }
    return 99;
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argc, argv);
    winetest_init("crt_spawn", argc, argv);
    GetModuleFileNameA(NULL, self, sizeof self);
    snprintf(quoted, sizeof quoted, "\"%s\"", self);

    const char *args[] = {quoted, "child", "exit", "42", NULL};
    ok(_spawnv(_P_WAIT, self, args) == 42, "_spawnv P_WAIT\n");
    ok(_spawnl(_P_WAIT, self, quoted, "child", "exit", "7", NULL) == 7, "_spawnl P_WAIT\n");
    ok(_spawnvp(_P_WAIT, self, args) == 42, "_spawnvp P_WAIT\n");
    const wchar_t *wargs[] = {L"child", L"child", L"exit", L"9", NULL};
    wchar_t wself[MAX_PATH];
    GetModuleFileNameW(NULL, wself, MAX_PATH);
    ok(_wspawnv(_P_WAIT, wself, wargs) == 9, "_wspawnv P_WAIT\n");

    /* A name without an extension gets .com/.exe/.bat/.cmd; only the p variants search PATH, and
     * not for a name with a path. */
    char noext[MAX_PATH], dir[MAX_PATH], cwd[MAX_PATH], tmp[MAX_PATH], path[8192];
    strcpy(noext, self);
    *strrchr(noext, '.') = 0;
    ok(_spawnv(_P_WAIT, noext, args) == 42, "_spawnv without the extension\n");
    strcpy(dir, self);
    *strrchr(dir, '\\') = 0;
    const char *base = strrchr(noext, '\\') + 1;
    GetCurrentDirectoryA(sizeof cwd, cwd);
    GetTempPathA(sizeof tmp, tmp);
    SetCurrentDirectoryA(tmp);
    GetEnvironmentVariableA("PATH", path, sizeof path);
    char newpath[8300];
    snprintf(newpath, sizeof newpath, "%s;%s", path, dir);
    _putenv_s("PATH", newpath);
    errno = 0;
    ok(_spawnv(_P_WAIT, base, args) == -1 && errno == ENOENT, "_spawnv searched PATH: errno %d\n", errno);
    ok(_spawnvp(_P_WAIT, base, args) == 42, "_spawnvp through PATH\n");
    ok(_spawnlp(_P_WAIT, base, quoted, "child", "exit", "8", NULL) == 8, "_spawnlp through PATH\n");
    char sub[MAX_PATH];
    snprintf(sub, sizeof sub, "nosuchdir\\%s", base);
    errno = 0;
    ok(_spawnvp(_P_WAIT, sub, args) == -1 && errno == ENOENT, "_spawnvp searched PATH for a name with a path\n");
    _putenv_s("PATH", path);
    SetCurrentDirectoryA(cwd);

    /* The environment of the e variants. */
    const char *eargs[] = {quoted, "child", "env", NULL};
    const char *env[] = {"WR_SPAWN_VAR=yes", NULL};
    ok(_spawnve(_P_WAIT, self, eargs, env) == 33, "_spawnve environment\n");
    ok(_spawnv(_P_WAIT, self, eargs) == 34, "_spawnv inherits the environment (unset)\n");

    /* P_NOWAIT returns a process handle for _cwait. */
    const char *nargs[] = {quoted, "child", "exit", "300", NULL};
    intptr_t h = _spawnv(_P_NOWAIT, self, nargs);
    ok(h != -1 && h != 0, "_spawnv P_NOWAIT: %p\n", (void *)h);
    int status = -1;
    ok(_cwait(&status, h, 0) == h && status == 300, "_cwait: status %d\n", status);

    /* Missing program: -1, errno ENOENT. */
    errno = 0;
    const char *margs[] = {"nope", NULL};
    ok(_spawnv(_P_WAIT, "wr_no_such_program.exe", margs) == -1 && errno == ENOENT, "missing program: errno %d\n", errno);

    /* system() runs a program. */
    char cmd[MAX_PATH + 64];
    snprintf(cmd, sizeof cmd, "%s child exit 5", quoted);
    ok(system(cmd) == 5, "system\n");

    /* _popen: read the child's stdout, then write to a child's stdin. */
    snprintf(cmd, sizeof cmd, "%s child args one two three", quoted);
    FILE *p = _popen(cmd, "r");
    ok(p != NULL, "_popen(r) failed\n");
    char buf[128] = {0};
    if (p) {
        fgets(buf, sizeof buf, p);
        ok(!strcmp(buf, "one|two|three"), "_popen output [%s]\n", buf);
        ok(_pclose(p) == 3, "_pclose exit code\n");
    }
    snprintf(cmd, sizeof cmd, "%s child sum", quoted);
    p = _popen(cmd, "w");
    ok(p != NULL, "_popen(w) failed\n");
    if (p) {
        fprintf(p, "10 20 12\n");
        ok(_pclose(p) == 42, "_pclose of a writer\n");
    }
    return winetest_done();
}

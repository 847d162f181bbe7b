/* crt_env.c: msvcrt's environment arrays. _putenv edits _environ and _wenviron together (a new
 * variable is appended, a removed one closes the gap, a replaced one keeps its place), leaves
 * __initenv alone, and passes the change to the process environment; getenv_s/_dupenv_s/_wgetenv_s
 * and _putenv_s; _putenv's errors; _searchenv. */
#include "ok.h"
#include <errno.h>
#include <direct.h>

extern char** __initenv;  /* msvcrt's start-up copy of the environment */

static int count(char** env) {
    int n = 0;
    while (env[n]) n++;
    return n;
}
static int index_of(char** env, const char* entry) {
    for (int i = 0; env[i]; i++)
        if (!strcmp(env[i], entry)) return i;
    return -1;
}
static int windex_of(wchar_t** env, const wchar_t* entry) {
    for (int i = 0; env[i]; i++)
        if (!wcscmp(env[i], entry)) return i;
    return -1;
}

START_TEST(crt_env)
{
    char buf[64];
    size_t n;
    char** initial = __initenv;
    int before = count(_environ);

    ok(_putenv("CRT_ENV_A=one") == 0, "_putenv\n");
    ok(count(_environ) == before + 1, "one more entry: %d -> %d\n", before, count(_environ));
    ok(index_of(_environ, "CRT_ENV_A=one") == before, "a new variable goes at the end: %d\n",
       index_of(_environ, "CRT_ENV_A=one"));
    ok(_wenviron && windex_of(_wenviron, L"CRT_ENV_A=one") >= 0, "_wenviron follows _putenv\n");
    ok(__initenv == initial && index_of(__initenv, "CRT_ENV_A=one") < 0, "__initenv keeps the start-up environment\n");
    ok(GetEnvironmentVariableA("CRT_ENV_A", buf, sizeof(buf)) == 3 && !strcmp(buf, "one"),
       "the process environment follows\n");

    ok(_putenv("CRT_ENV_B=two") == 0 && _putenv("crt_env_a=uno") == 0, "_putenv replace (any case)\n");
    ok(index_of(_environ, "crt_env_a=uno") == before, "a replaced variable keeps its place\n");
    ok(!strcmp(getenv("CRT_ENV_A"), "uno"), "getenv after replace: %s\n", getenv("CRT_ENV_A"));
    ok(_putenv("CRT_ENV_A=") == 0, "_putenv remove\n");
    ok(getenv("CRT_ENV_A") == NULL && index_of(_environ, "CRT_ENV_B=two") == before, "removed, the gap closed\n");
    ok(_wgetenv(L"CRT_ENV_A") == NULL && _wgetenv(L"crt_env_b") && !wcscmp(_wgetenv(L"crt_env_b"), L"two"),
       "_wgetenv\n");
    ok(_putenv("CRT_ENV_NONE=") == 0, "removing a missing variable is no error\n");

    errno = 0;
    ok(_putenv("NOEQUALS") == -1 && errno == EINVAL, "_putenv without '=': errno %d\n", errno);
    ok(_wputenv(L"CRT_ENV_W=wide") == 0 && !strcmp(getenv("CRT_ENV_W"), "wide"), "_wputenv updates _environ too\n");

    ok(getenv_s(&n, buf, sizeof(buf), "CRT_ENV_B") == 0 && n == 4 && !strcmp(buf, "two"), "getenv_s: %u\n", (unsigned)n);
    ok(getenv_s(&n, NULL, 0, "CRT_ENV_B") == 0 && n == 4, "getenv_s size query\n");
    ok(getenv_s(&n, buf, 2, "CRT_ENV_B") == ERANGE && n == 4, "getenv_s too small\n");
    ok(getenv_s(&n, buf, sizeof(buf), "CRT_ENV_MISSING") == 0 && n == 0 && buf[0] == 0, "getenv_s missing\n");
    errno_t(__cdecl * p_dupenv_s)(char**, size_t*, const char*) =
        (void*)GetProcAddress(GetModuleHandleA("msvcrt.dll"), "_dupenv_s");
    if (p_dupenv_s) {
        char* dup = NULL;
        ok(p_dupenv_s(&dup, &n, "CRT_ENV_B") == 0 && dup && !strcmp(dup, "two") && n == 4, "_dupenv_s\n");
        free(dup);
    } else {
        skip("no _dupenv_s in this msvcrt.dll\n");
    }
    ok(_putenv_s("CRT_ENV_S", "val") == 0 && !strcmp(getenv("CRT_ENV_S"), "val"), "_putenv_s\n");
    ok(_putenv_s("CRT_ENV_S", "") == 0 && getenv("CRT_ENV_S") == NULL, "_putenv_s with \"\" removes\n");

    /* _searchenv: found in a directory of the list, as a full path. */
    char cwd[MAX_PATH], found[MAX_PATH], list[2 * MAX_PATH];
    _getcwd(cwd, sizeof(cwd));
    _mkdir("crt_env_dir");
    FILE* f = fopen("crt_env_dir\\needle.txt", "w");
    if (f) fclose(f);
    snprintf(list, sizeof(list), "CRT_ENV_PATH=C:\\no_such;%s\\crt_env_dir", cwd);
    _putenv(list);
    _searchenv("needle.txt", "CRT_ENV_PATH", found);
    snprintf(list, sizeof(list), "%s\\crt_env_dir\\needle.txt", cwd);
    ok(!_stricmp(found, list), "_searchenv: %s, expected %s\n", found, list);
    errno = 0;
    _searchenv("haystack.txt", "CRT_ENV_PATH", found);
    ok(found[0] == 0 && errno == ENOENT, "_searchenv missing: errno %d\n", errno);
    _unlink("crt_env_dir\\needle.txt");
    _rmdir("crt_env_dir");
    _putenv("CRT_ENV_PATH=");
    _putenv("CRT_ENV_B=");
    _putenv("CRT_ENV_W=");
}

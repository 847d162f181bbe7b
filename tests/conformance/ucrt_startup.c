// build: -D_UCRT -specs=@UCRT_SPECS@ -Wno-format
/* Start-up and termination of a program built for the Universal CRT: argv and the environment as
 * the UCRT start-up code configures them, the onexit tables, atexit order, errno and modes. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include "ok.h"

typedef void (__cdecl *pvfv)(void);
typedef struct { pvfv *first, *last, *end; } onexit_table;
__declspec(dllimport) int __cdecl _initialize_onexit_table(onexit_table*);
__declspec(dllimport) int __cdecl _register_onexit_function(onexit_table*, pvfv);
__declspec(dllimport) int __cdecl _execute_onexit_table(onexit_table*);
__declspec(dllimport) char** __cdecl _get_initial_narrow_environment(void);
__declspec(dllimport) int __cdecl _crt_atexit(pvfv);

static char order[16];
static int norder;
static void __cdecl f1(void) { order[norder++] = '1'; }
static void __cdecl f2(void) { order[norder++] = '2'; }
static void __cdecl f3(void) { order[norder++] = '3'; }

static void __cdecl last_atexit(void) {
    /* Registered last, so it runs first: the test's own atexit (registered before) still reports. */
    ok(1, "atexit ran\n");
}

START_TEST(ucrt_startup)
{
    int argc = *__p___argc();
    char** argv = *__p___argv();
    wchar_t** wargv = *__p___wargv();
    ok(argc >= 1 && argv && argv[0] && strstr(argv[0], "ucrt_startup"), "argv[0] = %s\n", argv ? argv[0] : "(null)");
    ok(argv[argc] == NULL, "argv is not NULL-terminated\n");
    ok(wargv && wargv[0] && wcsstr(wargv[0], L"ucrt_startup"), "wargv[0]\n");

    /* The environment: _environ/getenv and the initial block agree. */
    ok(_putenv("UCRT_TEST_VAR=value 1") == 0, "_putenv\n");
    const char* v = getenv("UCRT_TEST_VAR");
    ok(v && !strcmp(v, "value 1"), "getenv: %s\n", v ? v : "(null)");
    int found = 0;
    for (char** e = *__p__environ(); e && *e; e++)
        if (!strcmp(*e, "UCRT_TEST_VAR=value 1")) found = 1;
    ok(found, "_environ lacks the new variable\n");
    char** initial = _get_initial_narrow_environment();
    ok(initial != NULL && initial[0] != NULL, "initial environment is empty\n");
    ok(_wgetenv(L"UCRT_TEST_VAR") && !wcscmp(_wgetenv(L"UCRT_TEST_VAR"), L"value 1"), "_wgetenv\n");

    /* onexit tables: last registered runs first, and the table is emptied. */
    onexit_table t = {0, 0, 0};
    ok(_initialize_onexit_table(&t) == 0, "_initialize_onexit_table\n");
    ok(_register_onexit_function(&t, f1) == 0 && _register_onexit_function(&t, f2) == 0 &&
       _register_onexit_function(&t, f3) == 0, "_register_onexit_function\n");
    ok(_execute_onexit_table(&t) == 0, "_execute_onexit_table\n");
    order[norder] = 0;
    ok(!strcmp(order, "321"), "onexit order: %s\n", order);
    ok(t.first == NULL && t.last == NULL, "table not emptied\n");
    norder = 0;
    ok(_execute_onexit_table(&t) == 0 && norder == 0, "empty table ran functions\n");

    /* errno and modes. */
    errno = 0;
    ok(_close(-5) == -1 && errno == EBADF, "errno after _close(-5): %d\n", errno);
    int e = 0;
    ok(_get_errno(&e) == 0 && e == EBADF, "_get_errno: %d\n", e);
    ok(_set_errno(7) == 0 && errno == 7, "_set_errno\n");
    int mode = 0;
    ok(_get_fmode(&mode) == 0, "_get_fmode\n");
    ok(_set_fmode(_O_BINARY) == 0 && _get_fmode(&mode) == 0 && mode == _O_BINARY, "_set_fmode binary\n");
    ok(_set_fmode(_O_TEXT) == 0, "_set_fmode text\n");
    int prev = _configthreadlocale(_ENABLE_PER_THREAD_LOCALE);
    ok(prev == _DISABLE_PER_THREAD_LOCALE, "_configthreadlocale: %d\n", prev);
    ok(_configthreadlocale(0) == _ENABLE_PER_THREAD_LOCALE, "_configthreadlocale query\n");
    _configthreadlocale(-1);
    ok(_set_new_mode(1) == 0 && _query_new_mode() == 1, "_set_new_mode\n");
    _set_new_mode(0);
    ok(_crt_atexit(last_atexit) == 0, "_crt_atexit\n");
}

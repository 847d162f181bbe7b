// build: -lshell32
/* shell32_basic.c: SHGetKnownFolderPath for the folders console programs ask for (they agree with the
 * environment: USERPROFILE, APPDATA, LOCALAPPDATA), an unknown folder, and CommandLineToArgvW's
 * quoting rules. */
#include "ok.h"
#include <shlobj.h>

static const GUID profile = {0x5E6C858F, 0x0E22, 0x4760, {0x9A, 0xFE, 0xEA, 0x33, 0x17, 0xB6, 0x71, 0x73}};
static const GUID roaming = {0x3EB685DB, 0x65F9, 0x4CF6, {0xA0, 0x3A, 0xE3, 0xEF, 0x65, 0x72, 0x9F, 0x3D}};
static const GUID local = {0xF1B32785, 0x6FBA, 0x4FCF, {0x9D, 0x55, 0x7B, 0x8E, 0x7F, 0x15, 0x70, 0x91}};
static const GUID bogus = {0x12345678, 0x1234, 0x1234, {1, 2, 3, 4, 5, 6, 7, 8}};

static void check_folder(const GUID* id, const WCHAR* var) {
    WCHAR env[MAX_PATH];
    PWSTR path = (PWSTR)1;
    HRESULT hr = SHGetKnownFolderPath(id, 0, NULL, &path);
    DWORD n = GetEnvironmentVariableW(var, env, MAX_PATH);
    ok(hr == S_OK && path, "SHGetKnownFolderPath for %ls: %#lx\n", var, hr);
    if (hr == S_OK && n) ok(!lstrcmpiW(path, env), "%ls: known folder %ls, environment %ls\n", var, path, env);
}

static void check_split(const WCHAR* line, int want_argc, const WCHAR** want) {
    int argc = -1, i;
    LPWSTR* argv = CommandLineToArgvW(line, &argc);
    ok(argv && argc == want_argc, "%ls: argc %d, expected %d\n", line, argc, want_argc);
    if (!argv || argc != want_argc) return;
    for (i = 0; i < argc; i++) ok(!wcscmp(argv[i], want[i]), "%ls: argv[%d] = [%ls], expected [%ls]\n", line, i, argv[i], want[i]);
    ok(argv[argc] == NULL, "argv[argc] is not NULL\n");
    LocalFree(argv);
}

START_TEST(shell32_basic)
{
    PWSTR path = (PWSTR)1;
    int argc;
    LPWSTR* argv;
    WCHAR self[MAX_PATH];

    check_folder(&profile, L"USERPROFILE");
    check_folder(&roaming, L"APPDATA");
    check_folder(&local, L"LOCALAPPDATA");
    ok(SHGetKnownFolderPath(&bogus, 0, NULL, &path) == E_INVALIDARG && path == NULL, "an unknown folder: path %p\n", path);

    {
        const WCHAR* a[] = {L"p.exe", L"hello there.txt"};
        check_split(L"p.exe \"hello there.txt\"", 2, a);
    }
    {
        const WCHAR* a[] = {L"p.exe", L"hello\"there"};
        check_split(L"p.exe \"hello\\\"there\"", 2, a);
    }
    {
        const WCHAR* a[] = {L"p.exe", L"hello\\"};
        check_split(L"p.exe \"hello\\\\\"", 2, a);
    }
    {
        const WCHAR* a[] = {L"C:\\a b\\p.exe", L"a\\\\b", L"c"};
        check_split(L"\"C:\\a b\\p.exe\" a\\\\b   c", 3, a);
    }
    argv = CommandLineToArgvW(L"", &argc);
    GetModuleFileNameW(NULL, self, MAX_PATH);
    ok(argv && argc == 1 && !lstrcmpiW(argv[0], self), "an empty command line gives the program path: %d %ls\n", argc,
       argv ? argv[0] : L"(null)");
    LocalFree(argv);
}

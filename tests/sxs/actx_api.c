/* Activation-context API and isolation-aware LoadLibrary. Run from a directory laid out by
   run_sxs.sh:  actx_api.exe (RT_MANIFEST 2: depends on Sxs.Private 1.0.0.0),
   Sxs.Private/Sxs.Private.manifest + Sxs.Private/sxslib.dll, bad.manifest (a missing dependency).
   sxslib.dll is nowhere on the normal search path: only the activated context finds it. */
#include "ok.h"

static const WCHAR* ends_with(const WCHAR* s, const WCHAR* tail) {
    size_t a = s ? wcslen(s) : 0, b = wcslen(tail);
    return a >= b && !_wcsicmp(s + a - b, tail) ? s : NULL;
}

START_TEST(actx_api)
{
    HANDLE cur = (HANDLE)0xdead;
    ok(GetCurrentActCtx(&cur) && cur == NULL, "GetCurrentActCtx: %p, expected NULL with nothing activated\n", cur);
    SetLastError(0xdeadbeef);
    ok(LoadLibraryA("sxslib.dll") == NULL, "sxslib.dll loaded without an activation context\n");

    /* The isolation-aware pattern (winbase.inl): a context from the module's own resource 2. */
    ACTCTXW ac = {sizeof ac};
    ac.dwFlags = ACTCTX_FLAG_HMODULE_VALID | ACTCTX_FLAG_RESOURCE_NAME_VALID;
    ac.hModule = GetModuleHandleW(NULL);
    ac.lpResourceName = MAKEINTRESOURCEW(2);
    HANDLE h = CreateActCtxW(&ac);
    ok(h != INVALID_HANDLE_VALUE, "CreateActCtxW(resource 2) failed: %lu\n", GetLastError());
    if (h == INVALID_HANDLE_VALUE) return;

    ULONG_PTR cookie = 0;
    ok(ActivateActCtx(h, &cookie), "ActivateActCtx failed: %lu\n", GetLastError());
    ok(GetCurrentActCtx(&cur) && cur == h, "GetCurrentActCtx: %p, expected %p\n", cur, h);
    ReleaseActCtx(cur);

    ACTCTX_SECTION_KEYED_DATA kd;
    memset(&kd, 0, sizeof kd);
    kd.cbSize = sizeof kd;
    ok(FindActCtxSectionStringW(FIND_ACTCTX_SECTION_KEY_RETURN_HACTCTX, NULL, ACTIVATION_CONTEXT_SECTION_DLL_REDIRECTION,
                                L"SXSLIB.DLL", &kd),
       "FindActCtxSectionStringW failed: %lu\n", GetLastError());
    ok(kd.ulDataFormatVersion == 1 && kd.lpData && kd.ulLength >= 20, "keyed data: version %lu, data %p, length %lu\n",
       kd.ulDataFormatVersion, kd.lpData, kd.ulLength);
    ok(kd.hActCtx == h, "keyed data: context %p, expected %p\n", kd.hActCtx, h);
    ok(kd.ulAssemblyRosterIndex == 2, "roster index %lu, expected 2\n", kd.ulAssemblyRosterIndex);
    if (kd.hActCtx) ReleaseActCtx(kd.hActCtx);
    SetLastError(0xdeadbeef);
    ok(!FindActCtxSectionStringW(0, NULL, ACTIVATION_CONTEXT_SECTION_DLL_REDIRECTION, L"nothere.dll", &kd) &&
       GetLastError() == ERROR_SXS_KEY_NOT_FOUND, "FindActCtxSectionStringW(nothere.dll): error %lu\n", GetLastError());

    ACTIVATION_CONTEXT_BASIC_INFORMATION basic;
    SIZE_T got = 0;
    ok(QueryActCtxW(QUERY_ACTCTX_FLAG_NO_ADDREF, h, NULL, ActivationContextBasicInformation, &basic, sizeof basic, &got) &&
       basic.hActCtx == h && got == sizeof basic, "QueryActCtxW(basic): context %p size %lu\n", basic.hActCtx, (unsigned long)got);

    SetLastError(0xdeadbeef);
    ok(!QueryActCtxW(0, h, NULL, ActivationContextDetailedInformation, NULL, 0, &got) &&
       GetLastError() == ERROR_INSUFFICIENT_BUFFER && got > sizeof(ACTIVATION_CONTEXT_DETAILED_INFORMATION),
       "QueryActCtxW(detailed, no buffer): error %lu, needed %lu\n", GetLastError(), (unsigned long)got);
    BYTE buf[4096];
    ACTIVATION_CONTEXT_DETAILED_INFORMATION* det = (void*)buf;
    ok(QueryActCtxW(0, h, NULL, ActivationContextDetailedInformation, buf, sizeof buf, &got), "QueryActCtxW(detailed): %lu\n",
       GetLastError());
    ok(det->ulAssemblyCount == 2, "assembly count %lu, expected 2 (the root manifest and Sxs.Private)\n", det->ulAssemblyCount);
    ok(ends_with(det->lpRootManifestPath, L"\\actx_api.exe") != NULL, "root manifest path %ls\n",
       det->lpRootManifestPath ? det->lpRootManifestPath : L"(null)");
    ok(det->ulRootManifestPathType == ACTIVATION_CONTEXT_PATH_TYPE_WIN32_FILE, "root manifest path type %lu\n",
       det->ulRootManifestPathType);

    DWORD index = 2;
    ACTIVATION_CONTEXT_ASSEMBLY_DETAILED_INFORMATION* asm_info = (void*)buf;
    ok(QueryActCtxW(0, h, &index, AssemblyDetailedInformationInActivationContext, buf, sizeof buf, &got),
       "QueryActCtxW(assembly 2): %lu\n", GetLastError());
    ok(asm_info->lpAssemblyEncodedAssemblyIdentity && !wcsncmp(asm_info->lpAssemblyEncodedAssemblyIdentity, L"Sxs.Private,", 12),
       "encoded identity %ls\n", asm_info->lpAssemblyEncodedAssemblyIdentity);
    ok(asm_info->ulFileCount == 1, "file count %lu\n", asm_info->ulFileCount);
    ok(ends_with(asm_info->lpAssemblyDirectoryName, L"\\Sxs.Private") != NULL, "assembly directory %ls\n",
       asm_info->lpAssemblyDirectoryName);

    /* Isolation-aware LoadLibrary: the active context redirects sxslib.dll to the assembly's folder. */
    HMODULE lib = LoadLibraryA("sxslib.dll");
    ok(lib != NULL, "LoadLibraryA(sxslib.dll) with the context active failed: %lu\n", GetLastError());
    if (lib) {
        int (*version)(void) = (int (*)(void))GetProcAddress(lib, "sxslib_version");
        ok(version && version() == 1, "sxslib_version missing or wrong\n");
        char path[MAX_PATH];
        GetModuleFileNameA(lib, path, sizeof path);
        ok(strstr(path, "\\Sxs.Private\\sxslib.dll") != NULL, "sxslib.dll loaded from %s\n", path);
    }

    ok(DeactivateActCtx(0, cookie), "DeactivateActCtx failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!DeactivateActCtx(0, cookie), "DeactivateActCtx of a popped cookie succeeded\n");
    ok(GetCurrentActCtx(&cur) && cur == NULL, "GetCurrentActCtx after deactivation: %p\n", cur);
    ok(ZombifyActCtx(h), "ZombifyActCtx failed: %lu\n", GetLastError());
    ReleaseActCtx(h);

    /* A manifest whose dependency is nowhere: ERROR_SXS_CANT_GEN_ACTCTX. */
    ACTCTXA bad = {sizeof bad};
    bad.lpSource = "bad.manifest";
    SetLastError(0xdeadbeef);
    HANDLE hb = CreateActCtxA(&bad);
    ok(hb == INVALID_HANDLE_VALUE && GetLastError() == ERROR_SXS_CANT_GEN_ACTCTX, "CreateActCtxA(bad.manifest): %p, error %lu\n",
       hb, GetLastError());
    bad.lpSource = "no-such-file.manifest";
    SetLastError(0xdeadbeef);
    hb = CreateActCtxA(&bad);
    ok(hb == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_NOT_FOUND, "CreateActCtxA(missing file): %p, error %lu\n",
       hb, GetLastError());
    /* A context from a manifest file, with the assembly directory given. */
    ACTCTXA file = {sizeof file};
    file.lpSource = "Sxs.Private\\Sxs.Private.manifest";
    HANDLE hf = CreateActCtxA(&file);
    ok(hf != INVALID_HANDLE_VALUE, "CreateActCtxA(Sxs.Private.manifest) failed: %lu\n", GetLastError());
    if (hf != INVALID_HANDLE_VALUE) ReleaseActCtx(hf);
}

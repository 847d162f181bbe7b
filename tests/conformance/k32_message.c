/* FormatMessageA/W: system messages and message strings with inserts. */
#include "ok.h"

START_TEST(k32_message)
{
    char buf[256];
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_FILE_NOT_FOUND, 0, buf, sizeof buf, NULL);
    ok(n == strlen(buf), "returned %lu for \"%s\"\n", n, buf);
    ok(!strcmp(buf, "The system cannot find the file specified.\r\n"), "message \"%s\"\n", buf);

    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_MAX_WIDTH_MASK, NULL, ERROR_ACCESS_DENIED, 0, buf,
                       sizeof buf, NULL);
    ok(!strcmp(buf, "Access is denied. ") || !strcmp(buf, "Access is denied."), "MAX_WIDTH_MASK: \"%s\"\n", buf);

    SetLastError(0xdeadbeef);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x12345678, 0, buf, sizeof buf, NULL);
    ok(n == 0 && GetLastError() == ERROR_MR_MID_NOT_FOUND, "unknown id: %lu, error %lu\n", n, GetLastError());

    SetLastError(0xdeadbeef);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_FILE_NOT_FOUND, 0, buf, 5, NULL);
    ok(n == 0 && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "small buffer: %lu, error %lu\n", n, GetLastError());

    char *alloc = NULL;
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL, ERROR_INVALID_PARAMETER, 0,
                       (char *)&alloc, 0, NULL);
    ok(n > 0 && alloc && !strcmp(alloc, "The parameter is incorrect.\r\n"), "ALLOCATE_BUFFER: \"%s\"\n", alloc ? alloc : "");
    LocalFree(alloc);

    DWORD_PTR args[] = {(DWORD_PTR)"disk", 42, (DWORD_PTR)"x"};
    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY, "%1 has %2!d! files%n%%done%0 ignored",
                       0, 0, buf, sizeof buf, (va_list *)args);
    ok(!strcmp(buf, "disk has 42 files\r\n%done"), "inserts: \"%s\"\n", buf);
    ok(n == strlen(buf), "returned %lu\n", n);

    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS, "keep %1 and %2!d!", 0, 0, buf,
                       sizeof buf, NULL);
    ok(!strcmp(buf, "keep %1 and %2!d!"), "IGNORE_INSERTS: \"%s\"\n", buf);

    WCHAR wbuf[128];
    DWORD_PTR wargs[] = {(DWORD_PTR)L"wide", 7};
    n = FormatMessageW(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY, L"%1:%2!04x!", 0, 0, wbuf, 128,
                       (va_list *)wargs);
    ok(n == 9 && !wcscmp(wbuf, L"wide:0007"), "FormatMessageW: %lu\n", n);
}

/* stdio_text.c: msvcrt stdio in text and binary mode: CRLF translation on write and read, Ctrl+Z as
 * end of file, ftell/fseek in both modes, buffering (setvbuf, fflush), ungetc, fgets, feof/ferror.
 *
 * Modes (loader_cli.sh compares the bytes):
 *   stdio_text.exe          file checks (CTest)
 *   stdio_text.exe stdout   writes a fixed sequence to stdout/stderr in text, then binary, then text mode
 *   stdio_text.exe stdin    reads stdin in text mode and prints what it got as hex (binary stdout)
 * Files are created in the current directory and deleted again. */
#include "ok.h"
#include <fcntl.h>
#include <io.h>

static char fname[64];

static void write_raw(const char* data, int len) {
    HANDLE h = CreateFileA(fname, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD n = 0;
    ok(h != INVALID_HANDLE_VALUE, "CreateFileA(%s) failed: %lu\n", fname, GetLastError());
    if (h == INVALID_HANDLE_VALUE) return;
    ok(WriteFile(h, data, len, &n, NULL) && n == (DWORD)len, "WriteFile: wrote %lu of %d\n", n, len);
    CloseHandle(h);
}

/* The file's bytes, read with fopen "rb" (and checked against ReadFile, so that a fault in "rb" shows). */
static int read_back(char* buf, int max) {
    FILE* f = fopen(fname, "rb");
    int n;
    HANDLE h;
    DWORD got = 0;
    char raw[512];
    ok(f != NULL, "fopen(%s, \"rb\") failed\n", fname);
    if (!f) return -1;
    n = (int)fread(buf, 1, max, f);
    fclose(f);
    h = CreateFileA(fname, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) {
        ReadFile(h, raw, sizeof(raw), &got, NULL);
        CloseHandle(h);
        ok((int)got == n && !memcmp(raw, buf, n), "fread \"rb\" gave %s, ReadFile gave %s\n", wine_dbgstr_an(buf, n),
           wine_dbgstr_an(raw, got));
    }
    return n;
}

#define check_bytes(got, n, exp) check_bytes_(__LINE__, got, n, exp, sizeof(exp) - 1)
static void check_bytes_(int line, const char* got, int n, const char* exp, int explen) {
    winetest_set_location(__FILE__, line);
    winetest_ok(n == explen && !memcmp(got, exp, explen), "expected %s, got %s\n", wine_dbgstr_an(exp, explen),
                wine_dbgstr_an(got, n < 0 ? 0 : n));
}

static DWORD size_on_disk(FILE* f) {
    return GetFileSize((HANDLE)_get_osfhandle(_fileno(f)), NULL);
}

static void test_write_modes(void) {
    static const char* modes[] = {"w", "wt", "wb"};
    char buf[256];
    int i, n;
    for (i = 0; i < 3; i++) {
        FILE* f = fopen(fname, modes[i]);
        ok(f != NULL, "fopen(\"%s\") failed\n", modes[i]);
        if (!f) continue;
        ok(fputs("a\nb\n", f) >= 0, "fputs failed\n");
        ok(fputc('\n', f) == '\n', "fputc failed\n");
        ok(fwrite("c\r\n", 1, 3, f) == 3, "fwrite did not report 3 items\n");
        ok(fprintf(f, "%d\n", 42) == 3, "fprintf did not return 3 (characters before translation)\n");
        ok(fclose(f) == 0, "fclose failed\n");
        n = read_back(buf, sizeof(buf));
        if (i < 2) check_bytes(buf, n, "a\r\nb\r\n\r\nc\r\r\n42\r\n");  /* every \n gets a \r, even after \r */
        else check_bytes(buf, n, "a\nb\n\nc\r\n42\n");
    }
}

static void test_read_text(void) {
    char buf[256];
    FILE* f;
    int n;
    /* CRLF -> LF; a lone CR stays; CR CR LF -> CR LF; Ctrl+Z ends the file. */
    static const char data[] = "l1\r\nl2\r\r\nl3\rx\n\x1atail\r\n";
    write_raw(data, sizeof(data) - 1);

    f = fopen(fname, "r");
    ok(f != NULL, "fopen r failed\n");
    if (!f) return;
    ok(fgets(buf, sizeof(buf), f) == buf && !strcmp(buf, "l1\n"), "fgets 1: expected \"l1\\n\", got %s\n", wine_dbgstr_a(buf));
    ok(fgets(buf, sizeof(buf), f) == buf && !strcmp(buf, "l2\r\n"), "fgets 2: expected \"l2\\r\\n\", got %s\n", wine_dbgstr_a(buf));
    ok(fgets(buf, sizeof(buf), f) == buf && !strcmp(buf, "l3\rx\n"), "fgets 3: expected \"l3\\rx\\n\", got %s\n", wine_dbgstr_a(buf));
    ok(!feof(f), "feof set before the end\n");
    buf[0] = 'Q';
    ok(fgets(buf, sizeof(buf), f) == NULL, "fgets after Ctrl+Z: expected NULL, got %s\n", wine_dbgstr_a(buf));
    ok(feof(f) != 0, "feof not set at Ctrl+Z\n");
    ok(!ferror(f), "ferror set at end of file\n");
    ok(fgetc(f) == EOF, "fgetc after Ctrl+Z did not return EOF\n");
    rewind(f);
    ok(!feof(f), "feof still set after rewind\n");
    n = (int)fread(buf, 1, sizeof(buf), f);
    check_bytes(buf, n, "l1\nl2\r\nl3\rx\n");
    fclose(f);

    f = fopen(fname, "rb");
    n = f ? (int)fread(buf, 1, sizeof(buf), f) : -1;
    check_bytes(buf, n, "l1\r\nl2\r\r\nl3\rx\n\x1atail\r\n");  /* binary: nothing changes, Ctrl+Z is data */
    if (f) fclose(f);

    /* low-level _read in text mode translates too and returns the translated count */
    {
        int fd = _open(fname, _O_RDONLY | _O_TEXT);
        ok(fd >= 0, "_open failed\n");
        if (fd >= 0) {
            n = _read(fd, buf, sizeof(buf));
            check_bytes(buf, n, "l1\nl2\r\nl3\rx\n");
            ok(_read(fd, buf, sizeof(buf)) == 0, "_read after Ctrl+Z did not return 0\n");
            _close(fd);
        }
    }
}

static void test_seek_tell(void) {
    FILE* f;
    int c;
    long pos;
    write_raw("0\r\n1\r\n2\r\n", 9);

    f = fopen(fname, "r");
    if (!ok(f != NULL, "fopen r failed\n")) return;
    ok(ftell(f) == 0, "ftell at start: %ld\n", ftell(f));
    c = fgetc(f);
    ok(c == '0', "fgetc: expected '0', got %d\n", c);
    c = fgetc(f);
    ok(c == '\n', "fgetc: expected '\\n', got %d\n", c);
    pos = ftell(f);
    ok(pos == 3, "text ftell after \"0\\r\\n\": expected 3 (file offset), got %ld\n", pos);
    ok(fseek(f, 6, SEEK_SET) == 0, "fseek 6 failed\n");
    c = fgetc(f);
    ok(c == '2', "fgetc after fseek(6): expected '2', got %d\n", c);
    ok(fseek(f, pos, SEEK_SET) == 0, "fseek back failed\n");
    c = fgetc(f);
    ok(c == '1', "fgetc after fseek(ftell): expected '1', got %d\n", c);
    ok(fseek(f, 0, SEEK_END) == 0, "fseek end failed\n");
    ok(ftell(f) == 9, "ftell at end: expected 9, got %ld\n", ftell(f));
    ok(fgetc(f) == EOF && feof(f), "fgetc at end did not give EOF\n");
    ok(fseek(f, -3, SEEK_END) == 0 && !feof(f), "fseek clears EOF\n");
    c = fgetc(f);
    ok(c == '2', "fgetc after fseek(-3, END): expected '2', got %d\n", c);
    ok(fseek(f, -100, SEEK_SET) != 0, "fseek to a negative position succeeded\n");
    fclose(f);

    f = fopen(fname, "rb");
    if (!ok(f != NULL, "fopen rb failed\n")) return;
    fgetc(f);
    fgetc(f);
    pos = ftell(f);
    ok(pos == 2, "binary ftell after 2 bytes: expected 2, got %ld\n", pos);
    c = fgetc(f);
    ok(c == '\n', "binary fgetc: expected '\\n', got %d\n", c);
    fclose(f);

    /* Writing in text mode: ftell counts the CR each LF will get. */
    f = fopen(fname, "w");
    if (!ok(f != NULL, "fopen w failed\n")) return;
    fputs("ab\ncd\n", f);
    pos = ftell(f);
    ok(pos == 8, "text ftell after writing \"ab\\ncd\\n\": expected 8, got %ld\n", pos);
    fclose(f);

    /* "w+": write, seek back, read */
    f = fopen(fname, "w+b");
    if (!ok(f != NULL, "fopen w+b failed\n")) return;
    fputs("hello", f);
    ok(fseek(f, 1, SEEK_SET) == 0, "fseek failed\n");
    c = fgetc(f);
    ok(c == 'e', "w+ read after seek: expected 'e', got %d\n", c);
    fclose(f);

    /* "a": appends */
    f = fopen(fname, "ab");
    if (!ok(f != NULL, "fopen ab failed\n")) return;
    fputs("!", f);
    fclose(f);
    {
        char buf[64];
        int n = read_back(buf, sizeof(buf));
        check_bytes(buf, n, "hello!");
    }
}

static void test_buffering(void) {
    FILE* f;
    static char user_buf[64];
    char buf[256];
    int n;

    /* A file stream is fully buffered: nothing reaches the file before fflush. */
    f = fopen(fname, "wb");
    if (!ok(f != NULL, "fopen wb failed\n")) return;
    fputs("abc", f);
    ok(size_on_disk(f) == 0, "buffered: expected 0 bytes on disk before fflush, got %lu\n", size_on_disk(f));
    ok(fflush(f) == 0, "fflush failed\n");
    ok(size_on_disk(f) == 3, "expected 3 bytes on disk after fflush, got %lu\n", size_on_disk(f));
    fclose(f);

    /* _IONBF: every write goes straight to the file. */
    f = fopen(fname, "wb");
    if (!ok(f != NULL, "fopen wb failed\n")) return;
    ok(setvbuf(f, NULL, _IONBF, 0) == 0, "setvbuf _IONBF failed\n");
    fputc('x', f);
    ok(size_on_disk(f) == 1, "unbuffered: expected 1 byte on disk, got %lu\n", size_on_disk(f));
    fputs("yz", f);
    ok(size_on_disk(f) == 3, "unbuffered: expected 3 bytes on disk, got %lu\n", size_on_disk(f));
    fclose(f);

    /* _IOFBF with the program's own buffer */
    f = fopen(fname, "wb");
    if (!ok(f != NULL, "fopen wb failed\n")) return;
    ok(setvbuf(f, user_buf, _IOFBF, sizeof(user_buf)) == 0, "setvbuf _IOFBF failed\n");
    fputs("0123456789", f);
    ok(size_on_disk(f) == 0, "user buffer: expected 0 bytes on disk, got %lu\n", size_on_disk(f));
    ok(!memcmp(user_buf, "0123456789", 10), "the data is not in the program's buffer: %s\n", wine_dbgstr_an(user_buf, 10));
    for (n = 0; n < 10; n++) fputs("0123456789", f);
    ok(size_on_disk(f) >= 64, "user buffer of 64: expected at least 64 bytes on disk after 110, got %lu\n", size_on_disk(f));
    fclose(f);
    n = read_back(buf, sizeof(buf));
    ok(n == 110, "expected 110 bytes in the file, got %d\n", n);

    /* fflush(NULL) flushes every output stream */
    f = fopen(fname, "wb");
    if (!ok(f != NULL, "fopen wb failed\n")) return;
    fputs("abc", f);
    ok(fflush(NULL) == 0, "fflush(NULL) failed\n");
    ok(size_on_disk(f) == 3, "fflush(NULL): expected 3 bytes on disk, got %lu\n", size_on_disk(f));
    fclose(f);
}

static void test_ungetc_fgets_errors(void) {
    FILE* f;
    char buf[16];
    int c;
    write_raw("xyz\nabcdef\n", 11);

    f = fopen(fname, "rb");
    if (!ok(f != NULL, "fopen rb failed\n")) return;
    c = fgetc(f);
    ok(c == 'x', "fgetc: expected 'x', got %d\n", c);
    ok(ungetc('q', f) == 'q', "ungetc did not return its argument\n");
    c = fgetc(f);
    ok(c == 'q', "fgetc after ungetc: expected 'q', got %d\n", c);
    c = fgetc(f);
    ok(c == 'y', "fgetc: expected 'y', got %d\n", c);
    ok(ungetc(EOF, f) == EOF, "ungetc(EOF) did not return EOF\n");
    c = fgetc(f);
    ok(c == 'z', "fgetc after ungetc(EOF): expected 'z', got %d\n", c);

    ok(fgets(buf, sizeof(buf), f) == buf && !strcmp(buf, "\n"), "fgets: expected \"\\n\", got %s\n", wine_dbgstr_a(buf));
    ok(fgets(buf, 3, f) == buf && !strcmp(buf, "ab"), "fgets(n=3): expected \"ab\", got %s\n", wine_dbgstr_a(buf));
    ok(fgets(buf, sizeof(buf), f) == buf && !strcmp(buf, "cdef\n"), "fgets: expected \"cdef\\n\", got %s\n", wine_dbgstr_a(buf));
    ok(!feof(f), "feof set before reading past the end\n");
    ok(fgets(buf, sizeof(buf), f) == NULL, "fgets at end did not return NULL\n");
    ok(feof(f) != 0, "feof not set after reading past the end\n");
    ok(!ferror(f), "ferror set at end of file\n");
    c = ungetc('k', f);
    ok(c == 'k' && !feof(f), "ungetc at EOF: expected 'k' and EOF cleared, got %d feof %d\n", c, feof(f));
    ok(fgetc(f) == 'k', "fgetc after ungetc at EOF did not give 'k'\n");
    clearerr(f);
    ok(!feof(f) && !ferror(f), "clearerr did not clear\n");
    /* writing to a read-only stream fails and sets the error flag */
    ok(fputc('a', f) == EOF, "fputc on an \"rb\" stream did not fail\n");
    ok(ferror(f) != 0, "ferror not set after fputc on an \"rb\" stream\n");
    clearerr(f);
    ok(!ferror(f), "clearerr did not clear the error flag\n");
    fclose(f);

    /* reading from a write-only stream fails and sets the error flag */
    f = fopen(fname, "wb");
    if (!ok(f != NULL, "fopen wb failed\n")) return;
    ok(fgetc(f) == EOF, "fgetc on a \"wb\" stream did not fail\n");
    ok(ferror(f) != 0, "ferror not set after fgetc on a \"wb\" stream\n");
    fclose(f);

    /* fopen of a missing file: NULL and errno ENOENT */
    errno = 0;
    f = fopen("no_such_dir_winrun\\no_such_file.txt", "r");
    ok(f == NULL, "fopen of a missing file succeeded\n");
    ok(errno == ENOENT, "fopen of a missing file: errno expected ENOENT (%d), got %d\n", ENOENT, errno);
}

static void test_lowio_setmode(void) {
    int fd, old;
    char buf[64];
    int n;
    fd = _open(fname, _O_WRONLY | _O_CREAT | _O_TRUNC | _O_TEXT, 0600);
    if (!ok(fd >= 0, "_open failed\n")) return;
    n = _write(fd, "a\nb", 3);
    ok(n == 3, "_write in text mode: expected 3 (bytes of the caller's buffer), got %d\n", n);
    old = _setmode(fd, _O_BINARY);
    ok(old == _O_TEXT, "_setmode: expected the old mode _O_TEXT (0x%x), got 0x%x\n", _O_TEXT, old);
    n = _write(fd, "\n", 1);
    ok(n == 1, "_write in binary mode: expected 1, got %d\n", n);
    old = _setmode(fd, _O_TEXT);
    ok(old == _O_BINARY, "_setmode: expected the old mode _O_BINARY (0x%x), got 0x%x\n", _O_BINARY, old);
    _close(fd);
    n = read_back(buf, sizeof(buf));
    check_bytes(buf, n, "a\r\nb\n");

    old = _setmode(_fileno(stdout), _O_TEXT);
    ok(old == _O_TEXT, "stdout starts in text mode: expected 0x%x, got 0x%x\n", _O_TEXT, old);
}

/* loader_cli.sh: the exact bytes of stdout and stderr */
static int mode_stdout(void) {
    printf("p1\n");
    puts("p2");
    fputc('\n', stdout);
    fwrite("w\n", 1, 2, stdout);
    fputs("cr\r\n", stdout);
    fflush(stdout);
    fputs("e1\n", stderr);
    _setmode(_fileno(stdout), _O_BINARY);
    printf("b1\n");
    fwrite("b2\r\n", 1, 4, stdout);
    fflush(stdout);
    _setmode(_fileno(stdout), _O_TEXT);
    printf("t2\n");
    return 0;
}

static int mode_stdin(void) {
    unsigned char buf[4096];
    int n = (int)fread(buf, 1, sizeof(buf), stdin), i;
    _setmode(_fileno(stdout), _O_BINARY);
    printf("read %d:", n);
    for (i = 0; i < n; i++) printf("%02x", buf[i]);
    printf("\neof %d\n", feof(stdin) ? 1 : 0);
    return 0;
}

static void test_stdio_text(void) {
    sprintf(fname, "stdio_text_%lu.tmp", GetCurrentProcessId());
    test_write_modes();
    test_read_text();
    test_seek_tell();
    test_buffering();
    test_ungetc_fgets_errors();
    test_lowio_setmode();
    ok(DeleteFileA(fname), "DeleteFileA(%s) failed: %lu\n", fname, GetLastError());
}

int main(int argc, char** argv) {
    if (argc > 1 && !strcmp(argv[1], "stdout")) return mode_stdout();
    if (argc > 1 && !strcmp(argv[1], "stdin")) return mode_stdin();
    winetest_init("stdio_text", argc, argv);
    test_stdio_text();
    return winetest_done();
}

/* crt_file.c: msvcrt's file-system functions and the stdio pieces around them: _mkdir/_rmdir/_chdir/
 * _getcwd, _stat/_fstat (st_mode bits, sizes, errors), _access/_chmod, rename/_unlink, _findfirst and
 * DOS wildcards, _fullpath/_splitpath/_makepath, _utime, _filelengthi64/_telli64, _mktemp, tmpfile,
 * fgetpos/fsetpos, freopen, fputwc/fgetwc on text and binary streams, perror through fd 2.
 * Works in a directory of its own under the current one. */
#include "ok.h"
#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utime.h>
#include <wchar.h>

static const char dir[] = "crt_file_tmp";

static void write_file(const char* name, const char* text) {
    FILE* f = fopen(name, "w");
    ok(f != NULL, "fopen %s: errno %d\n", name, errno);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static long read_file(const char* name, char* buf, int size) {
    FILE* f = fopen(name, "rb");
    if (!f) return -1;
    long n = (long)fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
    return n;
}

static void test_dirs(void) {
    char cwd[MAX_PATH], small[4];
    ok(_getcwd(cwd, sizeof(cwd)) == cwd, "_getcwd\n");
    ok(cwd[1] == ':' && cwd[2] == '\\', "_getcwd gives a Windows path: %s\n", cwd);
    errno = 0;
    ok(_getcwd(small, sizeof(small)) == NULL && errno == ERANGE, "_getcwd small buffer: errno %d\n", errno);
    char* dyn = _getcwd(NULL, 0);
    ok(dyn && !strcmp(dyn, cwd), "_getcwd(NULL, 0) allocates\n");
    free(dyn);
    ok(_getdrive() == toupper(cwd[0]) - 'A' + 1, "_getdrive %d\n", _getdrive());

    ok(_mkdir(dir) == 0, "_mkdir: errno %d\n", errno);
    errno = 0;
    ok(_mkdir(dir) == -1 && errno == EEXIST, "_mkdir existing: errno %d\n", errno);
    errno = 0;
    ok(_mkdir("crt_no_such_dir\\sub") == -1 && errno == ENOENT, "_mkdir without parent: errno %d\n", errno);
    ok(_chdir(dir) == 0, "_chdir: errno %d\n", errno);
    char here[MAX_PATH];
    _getcwd(here, sizeof(here));
    ok(strlen(here) == strlen(cwd) + 1 + strlen(dir) && !_stricmp(here + strlen(cwd) + 1, dir),
       "_getcwd after _chdir: %s\n", here);
    errno = 0;
    ok(_chdir("no_such_dir") == -1 && errno == ENOENT, "_chdir missing: errno %d\n", errno);
}

static void test_stat(void) {
    struct _stat64 st;
    struct _stat64i32 st32;
    int fd;

    write_file("a.txt", "hello\n");
    ok(_stat64("a.txt", &st) == 0, "_stat64: errno %d\n", errno);
    ok(st.st_size == 7, "text mode wrote CR LF: size %d\n", (int)st.st_size);
    ok((st.st_mode & _S_IFMT) == _S_IFREG, "regular file: mode %#x\n", st.st_mode);
    ok((st.st_mode & 0777) == 0666, "read/write bits copied to group and other: %#o\n", st.st_mode & 0777);
    ok(st.st_nlink == 1 && st.st_uid == 0 && st.st_gid == 0 && st.st_ino == 0, "nlink/uid/gid/ino\n");
    ok(st.st_dev == (unsigned)(_getdrive() - 1) && st.st_rdev == st.st_dev, "st_dev is the drive: %u\n", st.st_dev);
    ok(st.st_mtime > 1000000000 && st.st_mtime >= st.st_ctime - 1, "times\n");
    ok(_stat("a.txt", (struct _stat*)&st32) == 0 && st32.st_size == 7, "_stat\n");

    ok(_stat64(".", &st) == 0 && (st.st_mode & _S_IFMT) == _S_IFDIR, "directory: mode %#x\n", st.st_mode);
    ok((st.st_mode & 0777) == 0777, "a directory is rwx: %#o\n", st.st_mode & 0777);

    write_file("run.exe", "MZ");
    ok(_stat64("run.exe", &st) == 0 && (st.st_mode & 0777) == 0777, ".exe is executable: %#o\n", st.st_mode & 0777);

    errno = 0;
    ok(_stat64("a.txt\\", &st) == -1 && errno == ENOENT, "trailing backslash on a file: errno %d\n", errno);
    errno = 0;
    ok(_stat64("nope.txt", &st) == -1 && errno == ENOENT, "missing: errno %d\n", errno);
    errno = 0;
    ok(_stat64("a*.txt", &st) == -1 && errno == ENOENT, "wildcards: errno %d\n", errno);

    fd = _open("a.txt", _O_RDONLY);
    ok(fd >= 0, "_open\n");
    ok(_fstat64(fd, &st) == 0 && st.st_size == 7 && (st.st_mode & _S_IFMT) == _S_IFREG, "_fstat64\n");
    ok(_filelengthi64(fd) == 7 && _filelength(fd) == 7, "_filelength\n");
    char c[3];
    _read(fd, c, 3);
    ok(_telli64(fd) == 3 && _tell(fd) == 3, "_telli64\n");
    ok(_eof(fd) == 0, "_eof before the end\n");
    _lseek(fd, 0, SEEK_END);
    ok(_eof(fd) == 1, "_eof at the end\n");
    _close(fd);
    errno = 0;
    ok(_fstat64(99, &st) == -1 && errno == EBADF, "_fstat64 bad fd: errno %d\n", errno);

    struct _stat64 con;
    ok(_fstat64(_fileno(stdout), &con) == 0, "_fstat64 of stdout\n");
}

static void test_access_chmod(void) {
    ok(_access("a.txt", 0) == 0 && _access("a.txt", 6) == 0, "_access\n");
    errno = 0;
    ok(_access("nope", 0) == -1 && errno == ENOENT, "_access missing: errno %d\n", errno);
    ok(_chmod("a.txt", _S_IREAD) == 0, "_chmod read-only\n");
    errno = 0;
    ok(_access("a.txt", 2) == -1 && errno == EACCES, "_access write on read-only: errno %d\n", errno);
    struct _stat64 st;
    _stat64("a.txt", &st);
    ok((st.st_mode & 0777) == 0444, "read-only mode %#o\n", st.st_mode & 0777);
    ok(_chmod("a.txt", _S_IREAD | _S_IWRITE) == 0 && _access("a.txt", 2) == 0, "_chmod writable\n");
    errno = 0;
    ok(_chmod("nope", _S_IWRITE) == -1 && errno == ENOENT, "_chmod missing: errno %d\n", errno);
}

static void test_utime(void) {
    struct __utimbuf64 t = {1000000000, 1234567890};
    struct _stat64 st;
    ok(_utime64("a.txt", &t) == 0, "_utime64: errno %d\n", errno);
    ok(_stat64("a.txt", &st) == 0 && st.st_mtime == 1234567890, "mtime set: %lld\n", (long long)st.st_mtime);
    ok(_utime64("a.txt", NULL) == 0 && _stat64("a.txt", &st) == 0 && st.st_mtime > 1234567890, "_utime64 now\n");
}

static void test_rename_unlink(void) {
    char buf[64];
    ok(rename("a.txt", "b.txt") == 0, "rename: errno %d\n", errno);
    ok(_access("a.txt", 0) == -1 && _access("b.txt", 0) == 0, "renamed\n");
    write_file("c.txt", "c");
    errno = 0;
    ok(rename("c.txt", "b.txt") == -1 && (errno == EEXIST || errno == EACCES),
       "rename onto an existing file fails: errno %d\n", errno);
    ok(read_file("b.txt", buf, sizeof(buf)) == 7, "target untouched\n");
    errno = 0;
    ok(rename("nope", "x") == -1 && errno == ENOENT, "rename missing: errno %d\n", errno);
    errno = 0;
    ok(_unlink("nope") == -1 && errno == ENOENT, "_unlink missing: errno %d\n", errno);
    ok(remove("c.txt") == 0 && _access("c.txt", 0) == -1, "remove\n");
}

static void test_find(void) {
    struct _finddata64i32_t fd;
    struct __finddata64_t fd64;
    struct _wfinddata64_t wfd;
    intptr_t h;
    char names[8][64];
    int n = 0;

    write_file("Zeta.txt", "z");
    write_file("alpha.txt", "a");
    write_file("Makefile", "m");
    _mkdir("subdir");

    h = _findfirst("*.txt", &fd);
    ok(h != -1, "_findfirst *.txt\n");
    if (h != -1) {
        do strcpy(names[n++], fd.name);
        while (n < 8 && _findnext(h, &fd) == 0);
        errno = 0;
        ok(_findnext(h, &fd) == -1 && errno == ENOENT, "_findnext at the end: errno %d\n", errno);
        ok(_findclose(h) == 0, "_findclose\n");
    }
    ok(n == 3 && !strcmp(names[0], "alpha.txt") && !strcmp(names[1], "b.txt") && !strcmp(names[2], "Zeta.txt"),
       "sorted case-insensitively: %d %s %s %s\n", n, names[0], n > 1 ? names[1] : "", n > 2 ? names[2] : "");

    h = _findfirst64("*.*", &fd64);
    ok(h != -1 && !strcmp(fd64.name, ".") && (fd64.attrib & _A_SUBDIR), "\".\" comes first: %s\n", fd64.name);
    n = 0;
    int saw_makefile = 0, saw_subdir = 0;
    if (h != -1) {
        do {
            n++;
            if (!strcmp(fd64.name, "Makefile")) saw_makefile = 1, ok(fd64.size == 1, "size of Makefile\n");
            if (!strcmp(fd64.name, "subdir")) saw_subdir = 1, ok(fd64.attrib == _A_SUBDIR, "subdir attrib %#x\n", fd64.attrib);
            if (!strcmp(fd64.name, "alpha.txt")) ok(fd64.attrib == _A_ARCH, "file attrib %#x\n", fd64.attrib);
        } while (_findnext64(h, &fd64) == 0);
        _findclose(h);
    }
    ok(saw_makefile && saw_subdir, "*.* matches names without a dot\n");
    ok(n == 8, ". .. alpha.txt b.txt Makefile run.exe subdir Zeta.txt: %d entries\n", n);

    h = _findfirst("ALPHA.TXT", &fd);
    ok(h != -1 && !strcmp(fd.name, "alpha.txt"), "exact name found case-insensitively: %s\n", h != -1 ? fd.name : "");
    if (h != -1) _findclose(h);
    h = _findfirst("?eta.*", &fd);
    ok(h != -1 && !strcmp(fd.name, "Zeta.txt"), "'?' matches one character\n");
    if (h != -1) _findclose(h);
    errno = 0;
    ok(_findfirst("*.none", &fd) == -1 && errno == ENOENT, "no match: errno %d\n", errno);
    errno = 0;
    ok(_findclose(12345) == -1, "_findclose bad handle\n");

    h = _wfindfirst64(L"z*", &wfd);
    ok(h != -1 && !wcscmp(wfd.name, L"Zeta.txt"), "_wfindfirst64\n");
    if (h != -1) _findclose(h);

    errno = 0;
    ok(_rmdir(".") == -1, "_rmdir of the current directory fails\n");
    write_file("subdir\\inner", "x");
    errno = 0;
    ok(_rmdir("subdir") == -1 && errno == ENOTEMPTY, "_rmdir non-empty: errno %d\n", errno);
    _unlink("subdir\\inner");
    ok(_rmdir("subdir") == 0, "_rmdir\n");
    _unlink("Zeta.txt");
    _unlink("alpha.txt");
    _unlink("Makefile");
}

static void test_paths(void) {
    char cwd[MAX_PATH], full[MAX_PATH], expect[MAX_PATH];
    char drive[_MAX_DRIVE], dirpart[_MAX_DIR], fname[_MAX_FNAME], ext[_MAX_EXT], path[_MAX_PATH];

    _getcwd(cwd, sizeof(cwd));
    ok(_fullpath(full, "x\\..\\y.txt", sizeof(full)) == full, "_fullpath\n");
    snprintf(expect, sizeof(expect), "%s\\y.txt", cwd);
    ok(!strcmp(full, expect), "_fullpath: %s, expected %s\n", full, expect);
    ok(_fullpath(full, "C:\\a/b\\.\\c", sizeof(full)) && !strcmp(full, "C:\\a\\b\\c"), "_fullpath absolute: %s\n", full);
    char* dyn = _fullpath(NULL, "q", 0);
    ok(dyn != NULL, "_fullpath allocates\n");
    free(dyn);
    errno = 0;
    ok(_fullpath(full, "x", 3) == NULL && errno == ERANGE, "_fullpath small buffer: errno %d\n", errno);

    _splitpath("C:\\dir\\sub\\file.tar.gz", drive, dirpart, fname, ext);
    ok(!strcmp(drive, "C:") && !strcmp(dirpart, "\\dir\\sub\\") && !strcmp(fname, "file.tar") && !strcmp(ext, ".gz"),
       "_splitpath: %s|%s|%s|%s\n", drive, dirpart, fname, ext);
    _splitpath("name", drive, dirpart, fname, ext);
    ok(!drive[0] && !dirpart[0] && !strcmp(fname, "name") && !ext[0], "_splitpath bare name\n");
    _makepath(path, "D", "top\\dir", "f", "txt");
    ok(!strcmp(path, "D:top\\dir\\f.txt"), "_makepath: %s\n", path);
    _makepath(path, NULL, "a/", "b", ".c");
    ok(!strcmp(path, "a/b.c"), "_makepath keeps '/': %s\n", path);

    char tmpl[] = "tmpXXXXXX";
    ok(_mktemp(tmpl) == tmpl, "_mktemp\n");
    char pid[8];
    snprintf(pid, sizeof(pid), "%05lu", GetCurrentProcessId() % 100000);
    ok(tmpl[3] == 'a' && !strcmp(tmpl + 4, pid), "_mktemp: %s (pid %s)\n", tmpl, pid);
    char bad[] = "tmpXX";
    errno = 0;
    ok(_mktemp(bad) == NULL && errno == EINVAL, "_mktemp needs six X\n");
}

static void test_streams(void) {
    char buf[64];
    fpos_t pos;
    FILE* f = fopen("s.txt", "w+");
    ok(f != NULL, "fopen w+\n");
    if (!f) return;
    fputs("line1\nline2\n", f);
    rewind(f);
    fgets(buf, sizeof(buf), f);
    ok(fgetpos(f, &pos) == 0 && pos == 7, "fgetpos after a CR LF line: %lld\n", (long long)pos);
    fgets(buf, sizeof(buf), f);
    ok(!strcmp(buf, "line2\n"), "second line\n");
    ok(fsetpos(f, &pos) == 0, "fsetpos\n");
    fgets(buf, sizeof(buf), f);
    ok(!strcmp(buf, "line2\n"), "back to the second line: %s\n", buf);
    fclose(f);

    /* freopen keeps the FILE. */
    FILE* g = fopen("s.txt", "r");
    FILE* g2 = freopen("t.txt", "w", g);
    ok(g2 == g, "freopen returns the same stream\n");
    fputs("x", g2);
    fclose(g2);
    ok(read_file("t.txt", buf, sizeof(buf)) == 1, "freopen wrote the new file\n");

    /* Wide characters: "C" locale bytes in text mode, raw UTF-16 in binary mode. */
    f = fopen("w.txt", "w");
    ok(fputwc(L'A', f) == L'A', "fputwc text\n");
    ok(fputwc(0xe9, f) == 0xe9, "fputwc Latin-1 in text mode\n");
    errno = 0;
    ok(fputwc(0x20ac, f) == WEOF && errno == EILSEQ, "fputwc of U+20AC in text mode: errno %d\n", errno);
    ok(fputws(L"\n", f) >= 0, "fputws\n");
    fclose(f);
    ok(read_file("w.txt", buf, sizeof(buf)) == 4 && !memcmp(buf, "A\xe9\r\n", 4), "text-mode wide output bytes\n");
    f = fopen("w.bin", "wb");
    fputwc(0x20ac, f);
    fputws(L"\nz", f);
    fclose(f);
    ok(read_file("w.bin", buf, sizeof(buf)) == 6 && !memcmp(buf, "\xac\x20\n\0z\0", 6), "binary wide output bytes\n");
    f = fopen("w.bin", "rb");
    ok(fgetwc(f) == 0x20ac, "fgetwc binary\n");
    ok(ungetwc(0x1234, f) == 0x1234 && fgetwc(f) == 0x1234, "ungetwc binary\n");
    wchar_t wl[8];
    ok(fgetws(wl, 8, f) == wl && !wcscmp(wl, L"\n"), "fgetws stops after '\\n'\n");
    fclose(f);
    f = fopen("w.txt", "r");
    ok(fgetwc(f) == L'A' && fgetwc(f) == 0xe9 && fgetwc(f) == L'\n' && fgetwc(f) == WEOF, "fgetwc text\n");
    fclose(f);

    f = tmpfile();
    ok(f != NULL, "tmpfile: errno %d\n", errno);
    if (f) {
        fputs("temp", f);
        rewind(f);
        ok(fgets(buf, sizeof(buf), f) && !strcmp(buf, "temp"), "tmpfile reads back\n");
        fclose(f);
    }
    _unlink("s.txt");
    _unlink("t.txt");
    _unlink("w.txt");
    _unlink("w.bin");
}

static void test_perror(void) {
    char buf[128];
    int saved = _dup(2);
    int fd = _open("err.txt", _O_CREAT | _O_TRUNC | _O_WRONLY, _S_IREAD | _S_IWRITE);
    ok(saved >= 0 && fd >= 0, "_dup/_open\n");
    ok(_dup2(fd, 2) == 0, "_dup2\n");
    errno = ENOENT;
    perror("prefix");
    errno = EACCES;
    perror(NULL);
    _dup2(saved, 2);
    _close(saved);
    _close(fd);
    long n = read_file("err.txt", buf, sizeof(buf));
    ok(n > 0 && !strcmp(buf, "prefix: No such file or directory\r\nPermission denied\r\n"), "perror output: %s\n",
       wine_dbgstr_a(buf));
    _unlink("err.txt");
}

START_TEST(crt_file)
{
    char start[MAX_PATH];
    _getcwd(start, sizeof(start));
    test_dirs();
    test_stat();
    test_access_chmod();
    test_utime();
    test_rename_unlink();
    test_find();
    test_paths();
    test_streams();
    test_perror();
    _unlink("b.txt");
    _unlink("run.exe");
    ok(_chdir(start) == 0, "_chdir back\n");
    ok(_rmdir(dir) == 0, "_rmdir %s: errno %d\n", dir, errno);
}

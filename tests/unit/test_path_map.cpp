// resolve_case: case-insensitive lookup per component and the directory-listing cache behind it.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "kernel32/path_map.h"

using winrun::paths::note_created;
using winrun::paths::resolve_case;

namespace {
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/winrun-unit-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { (void)!system(("rm -rf " + path).c_str()); }
    void touch(const std::string& rel) const { close(::open((path + "/" + rel).c_str(), O_CREAT | O_WRONLY, 0644)); }
};
}  // namespace

TEST_CASE("resolve_case finds names in any spelling, component by component") {
    TempDir t;
    mkdir((t.path + "/SubDir").c_str(), 0755);
    t.touch("SubDir/File.TXT");
    CHECK(resolve_case(t.path + "/subdir/file.txt") == t.path + "/SubDir/File.TXT");
    CHECK(resolve_case(t.path + "/SUBDIR") == t.path + "/SubDir");
    bool exists = true;
    struct stat st;
    // A missing last name keeps its spelling but gets the directory as stored.
    CHECK(resolve_case(t.path + "/subdir/new.txt", &st, &exists) == t.path + "/SubDir/new.txt");
    CHECK_FALSE(exists);
    // A missing directory leaves the path as given.
    CHECK(resolve_case(t.path + "/nodir/x.txt", &st, &exists) == t.path + "/nodir/x.txt");
    CHECK_FALSE(exists);
    CHECK(resolve_case(t.path + "/subdir/file.txt", &st, &exists) == t.path + "/SubDir/File.TXT");
    CHECK(exists);
    CHECK(S_ISREG(st.st_mode));
}

TEST_CASE("the listing cache sees files created behind its back") {
    TempDir t;
    t.touch("a.txt");
    CHECK(resolve_case(t.path + "/B.txt") == t.path + "/B.txt");  // caches the listing {a.txt}
    // Another process creates b.txt: the directory's mtime/ctime move, so the listing is re-read.
    // (Sleep past coarse timestamp granularity so the change is visible in the stamp.)
    usleep(20000);
    t.touch("b.txt");
    CHECK(resolve_case(t.path + "/B.txt") == t.path + "/b.txt");
    // A change made through winrun updates the cached listing without a re-read.
    t.touch("c.txt");
    note_created(t.path + "/c.txt");
    CHECK(resolve_case(t.path + "/C.TXT") == t.path + "/c.txt");
}

TEST_CASE("relative names stay relative") {
    TempDir t;
    t.touch("Rel.txt");
    char old[4096];
    REQUIRE(getcwd(old, sizeof old));
    REQUIRE(chdir(t.path.c_str()) == 0);
    CHECK(resolve_case("rel.txt") == "Rel.txt");
    CHECK(resolve_case("new.txt") == "new.txt");
    REQUIRE(chdir(old) == 0);
}

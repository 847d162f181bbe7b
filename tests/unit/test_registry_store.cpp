// The registry store's text format (libkernel32/advapi32/reg_store.cpp) and hive files
// (reg_hive.cpp): round trips of every kind of value and name, and clean refusal of damaged input.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "advapi32/reg_hive.h"
#include "advapi32/reg_store.h"

using namespace winrun::reg;

namespace {

std::unique_ptr<Key> sample() {
    auto root = std::make_unique<Key>();
    Key& a = root->add(u"Software");
    a.id = 0x1234abcd;
    a.last_write = 133500000000000000;
    Key& b = a.add(u"Odd \"name\" ]\\x");  // a backslash cannot be in a key name: replaced below
    b.name = u"Odd \"name\" ] x\n\t\u00e9\U0001F600";
    a.set_value(u"", REG_SZ, sz_data(u"default"));
    a.set_value(u"Str", REG_SZ, sz_data(u"line1\nline2 \"q\" \\ \u00fc"));
    a.set_value(u"Exp", REG_EXPAND_SZ, sz_data(u"%SystemRoot%\\x"));
    a.set_value(u"Multi", REG_MULTI_SZ, sz_data(std::u16string(u"a\0b\0", 4)));
    a.set_value(u"Dw", REG_DWORD, dword_data(0xdeadbeef));
    a.set_value(u"Qw", REG_QWORD, {1, 2, 3, 4, 5, 6, 7, 8});
    a.set_value(u"Bin", REG_BINARY, {0, 0xff, 0x10});
    a.set_value(u"Empty", REG_BINARY, {});
    a.set_value(u"ShortDw", REG_DWORD, {1, 2});
    a.set_value(u"NoNul", REG_SZ, {'a', 0, 'b', 0});
    a.set_value(u"OddSz", REG_SZ, {'a', 0, 'b'});
    a.set_value(u"Custom", 0x12345, {9});
    std::u16string lone = u"x";
    lone += char16_t(0xD800);
    lone += u'\x01';
    a.set_value(lone, REG_SZ, sz_data(lone));
    root->add(u"empty key");
    return root;
}

void require_equal(const Key& x, const Key& y) {
    REQUIRE(x.name == y.name);
    REQUIRE(x.id == y.id);
    REQUIRE(x.last_write == y.last_write);
    REQUIRE(x.values.size() == y.values.size());
    for (size_t i = 0; i < x.values.size(); i++) {
        REQUIRE(x.values[i].name == y.values[i].name);
        REQUIRE(x.values[i].type == y.values[i].type);
        REQUIRE(x.values[i].data == y.values[i].data);
    }
    REQUIRE(x.subkeys.size() == y.subkeys.size());
    for (size_t i = 0; i < x.subkeys.size(); i++) require_equal(*x.subkeys[i], *y.subkeys[i]);
}

std::string error_of(std::string_view text) {
    auto r = parse(text);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

}  // namespace

TEST_CASE("registry: names compare case-insensitively and subkeys stay sorted") {
    Key k;
    k.add(u"zeta");
    k.add(u"Alpha");
    k.add(u"beta");
    REQUIRE(k.subkeys[0]->name == u"Alpha");
    REQUIRE(k.subkeys[2]->name == u"zeta");
    REQUIRE(k.find(u"ALPHA") == k.subkeys[0].get());
    REQUIRE(k.find(u"\u00c9t\u00e9") == nullptr);
    k.add(u"\u00e9t\u00e9");
    REQUIRE(k.find(u"\u00c9T\u00c9") != nullptr);
    k.set_value(u"V", REG_SZ, sz_data(u"1"));
    k.set_value(u"w", REG_SZ, sz_data(u"2"));
    k.set_value(u"v", REG_DWORD, dword_data(3));
    REQUIRE(k.values.size() == 2);
    REQUIRE(k.values[0].name == u"V");  // replaced in place, spelling kept
    REQUIRE(k.values[0].type == REG_DWORD);
}

TEST_CASE("registry: every value kind survives a round trip") {
    auto root = sample();
    std::string text = serialise(*root);
    auto back = parse(text);
    INFO(text);
    REQUIRE(back.ok());
    require_equal(*root, *back.value());
    // and the text is stable
    REQUIRE(serialise(*back.value()) == text);
}

TEST_CASE("registry: the text is readable") {
    std::string text = serialise(*sample());
    REQUIRE(text.rfind("WINRUN REGISTRY 1\n", 0) == 0);
    REQUIRE(text.find("[Software] t=133500000000000000 id=000000001234abcd\n") != std::string::npos);
    REQUIRE(text.find("@=\"default\"\n") != std::string::npos);
    REQUIRE(text.find("\"Dw\"=dword:deadbeef\n") != std::string::npos);
    REQUIRE(text.find("\"Exp\"=str(2):\"%SystemRoot%\\\\x\"\n") != std::string::npos);
    REQUIRE(text.find("\"Bin\"=hex:00,ff,10\n") != std::string::npos);
    REQUIRE(text.find("\"OddSz\"=hex(1):61,00,62\n") != std::string::npos);
    REQUIRE(text.find("\"Custom\"=hex(12345):09\n") != std::string::npos);
    REQUIRE(text.find("[empty key]\n") != std::string::npos);
}

TEST_CASE("registry: hand-written files parse") {
    auto r = parse("WINRUN REGISTRY 1\r\n; comment\n\n  [A\\\\B]\n\"x\" = dword:00000001\n[a]\n@=hex(0):\n");
    REQUIRE(r.ok());
    Key& root = *r.value();
    REQUIRE(root.find(u"a") != nullptr);
    REQUIRE(root.find(u"A")->find(u"b")->find_value(u"X")->data == dword_data(1));
    REQUIRE(root.find(u"a")->find_value(u"")->type == REG_NONE);
}

TEST_CASE("registry: damaged input is refused with the line named") {
    REQUIRE(error_of("").find("line 1") != std::string::npos);
    REQUIRE(error_of("REGEDIT4\n").find("line 1") != std::string::npos);
    REQUIRE(error_of("WINRUN REGISTRY 1\n[A]\n\"x\"=dword:1\n").find("line 3") != std::string::npos);
    error_of("WINRUN REGISTRY 1\n[A\n");
    error_of("WINRUN REGISTRY 1\n[A\\\\\\\\B]\n");       // empty component
    error_of("WINRUN REGISTRY 1\n\"x\"=\"unterminated\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=\"bad \\q escape\"\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=\"bad \\u12 escape\"\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=hex:1,2\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=hex:01,\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=hex(zz):01\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=qword:01\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=str(x):\"a\"\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=\"a\" trailing\n");
    error_of("WINRUN REGISTRY 1\nrandom text\n");
    error_of("WINRUN REGISTRY 1\n\"x\"=\"\xff\xfe\"\n");       // not UTF-8
    error_of("WINRUN REGISTRY 1\n\"x\"=\"\xed\xa0\x80\"\n");   // an encoded surrogate
    error_of("WINRUN REGISTRY 1\n\"x\"=\"\xe2\x82\"\n");       // truncated sequence
    error_of("WINRUN REGISTRY 1\n[A] t=12x\n");
    error_of("WINRUN REGISTRY 1\n[A] t=012345678901234567\"=d\n");  // found by fuzz_registry: no overflow
    error_of(std::string("WINRUN REGISTRY 1\n\"x\"=\"a\0b\"\n", 26));  // a raw control character
}

TEST_CASE("registry: truncations of a valid file never crash") {
    std::string text = serialise(*sample());
    for (size_t n = 0; n <= text.size(); n++) {
        auto r = parse(std::string_view(text).substr(0, n));
        (void)r;
    }
}

namespace {
std::unique_ptr<Key> test_defaults() {
    auto k = std::make_unique<Key>();
    k->add(u"Default").set_value(u"v", REG_DWORD, dword_data(7));
    return k;
}
std::string read_file(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
}  // namespace

TEST_CASE("registry: a hive file is created lazily, written atomically, reloaded when replaced") {
    char tmpl[] = "/tmp/winrun-hive-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    std::string dir = tmpl, path = dir + "/sub/h.reg";
    {
        Hive h(path, test_defaults);
        REQUIRE(h.read().find(u"default") != nullptr);
        REQUIRE(read_file(path).rfind("WINRUN REGISTRY 1", 0) == 0);
        REQUIRE(h.modify([](Key& root, bool& changed) -> uint32_t {
            root.add(u"New");
            changed = true;
            return 0;
        }) == 0);
        REQUIRE(read_file(path).find("[New]") != std::string::npos);
        // another "process" replaces the file
        Hive other(path, test_defaults);
        REQUIRE(other.read().find(u"new") != nullptr);
        REQUIRE(other.modify([](Key& root, bool& changed) -> uint32_t {
            root.remove(u"New");
            changed = true;
            return 0;
        }) == 0);
        REQUIRE(h.read().find(u"New") == nullptr);
        // an error from the change writes nothing
        std::string before = read_file(path);
        REQUIRE(h.modify([](Key& root, bool& changed) -> uint32_t {
            root.add(u"Half");
            changed = true;
            return 2;
        }) == 2);
        REQUIRE(read_file(path) == before);
    }
    {
        // a damaged file: default content, and a .corrupt copy at the next write
        std::ofstream(path, std::ios::binary) << "WINRUN REGISTRY 1\n[x\n";
        Hive h(path, test_defaults);
        REQUIRE(h.read().find(u"Default") != nullptr);
        REQUIRE(h.modify([](Key& root, bool& changed) -> uint32_t {
            root.add(u"After");
            changed = true;
            return 0;
        }) == 0);
        REQUIRE(read_file(path + ".corrupt") == "WINRUN REGISTRY 1\n[x\n");
        REQUIRE(read_file(path).find("[After]") != std::string::npos);
    }
    std::string cmd = "rm -rf '" + dir + "'";
    REQUIRE(system(cmd.c_str()) == 0);
}

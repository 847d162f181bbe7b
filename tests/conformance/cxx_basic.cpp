// build: -static
/* cxx_basic.cpp: a statically linked libstdc++ program: global constructors, std::string,
 * std::vector, std::map, std::unordered_map, std::sort, iostreams, std::ostringstream and
 * floating-point formatting. No exceptions are thrown here (cxx_exceptions.cpp has them).
 * cxx_dynamic.cpp compiles this same file against libstdc++-6.dll.
 * Prints one iostream line that loader_cli.sh looks for: "iostream: 42 3.5 ff hello". */
#include <algorithm>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "ok.h"

#ifndef CXX_TEST_NAME
#define CXX_TEST_NAME cxx_basic
#endif

namespace {
int g_ctor_runs = 0;
struct GlobalInit {
    int value;
    GlobalInit() : value(1234) { g_ctor_runs++; }
};
GlobalInit g_init;
std::string g_string = "global string with heap storage beyond the small buffer";

int counted() {
    static int calls = 0;
    static const int once = ++calls;  // a function-local static is initialised once
    return once;
}
}  // namespace

static void test_globals() {
    ok(g_ctor_runs == 1, "global constructor ran %d times, expected once before main\n", g_ctor_runs);
    ok(g_init.value == 1234, "global object: expected 1234, got %d\n", g_init.value);
    ok(g_string.size() == strlen("global string with heap storage beyond the small buffer") && g_string.compare(0, 6, "global") == 0,
       "global std::string: %s\n", g_string.c_str());
    counted();
    ok(counted() == 1, "function-local static initialised more than once\n");
}

static void test_string() {
    std::string s = "hello";
    s += ", ";
    s += std::string("world");
    ok(s == "hello, world", "concatenation: %s\n", s.c_str());
    ok(s.find("world") == 7, "find: expected 7, got %d\n", (int)s.find("world"));
    ok(s.find("xyz") == std::string::npos, "find of a missing substring is not npos\n");
    ok(s.substr(7, 3) == "wor", "substr: %s\n", s.substr(7, 3).c_str());
    ok(std::to_string(42) == "42" && std::to_string(-7) == "-7", "to_string: %s %s\n", std::to_string(42).c_str(),
       std::to_string(-7).c_str());
    std::string big(100000, 'x');
    big[50000] = 'y';
    ok(big.size() == 100000 && big.find('y') == 50000, "a 100000-character string is wrong\n");
    std::wstring w = L"wide \x00e9";
    ok(w.size() == 6 && w[5] == 0xe9, "std::wstring: size %d\n", (int)w.size());
}

static void test_containers() {
    std::vector<int> v;
    for (int i = 0; i < 1000; i++) v.push_back(i);
    ok(v.size() == 1000, "vector size %d\n", (int)v.size());
    ok(std::accumulate(v.begin(), v.end(), 0) == 499500, "vector sum %d\n", std::accumulate(v.begin(), v.end(), 0));
    v.erase(v.begin(), v.begin() + 500);
    ok(v.size() == 500 && v.front() == 500, "vector erase: size %d front %d\n", (int)v.size(), v.front());

    std::map<std::string, int> m;
    m["pear"] = 3;
    m["apple"] = 1;
    m["orange"] = 2;
    std::string order;
    for (const auto& kv : m) order += kv.first + "=" + std::to_string(kv.second) + ";";
    ok(order == "apple=1;orange=2;pear=3;", "map iteration order: %s\n", order.c_str());
    ok(m.count("apple") == 1 && m.count("kiwi") == 0, "map count wrong\n");

    std::unordered_map<int, std::string> um;
    for (int i = 0; i < 200; i++) um[i * 7] = std::to_string(i);
    ok(um.size() == 200 && um[140] == "20", "unordered_map: size %d um[140] %s\n", (int)um.size(), um[140].c_str());

    auto p = std::make_unique<int[]>(1 << 20);
    p[(1 << 20) - 1] = 5;
    ok(p[(1 << 20) - 1] == 5, "make_unique<int[]> of 4 MiB failed\n");
    std::shared_ptr<std::string> sp = std::make_shared<std::string>("shared");
    std::shared_ptr<std::string> sp2 = sp;
    ok(sp.use_count() == 2 && *sp2 == "shared", "shared_ptr use_count %ld\n", sp.use_count());
}

static void test_sort() {
    std::vector<unsigned> v(5000);
    unsigned x = 12345;
    for (auto& e : v) e = (x = x * 1103515245u + 12345u) >> 8;  // a fixed pseudo-random sequence
    std::vector<unsigned> copy = v;
    std::sort(v.begin(), v.end());
    ok(std::is_sorted(v.begin(), v.end()), "std::sort did not sort\n");
    std::sort(copy.begin(), copy.end(), std::greater<unsigned>());
    ok(std::equal(v.begin(), v.end(), copy.rbegin()), "descending sort is not the reverse of ascending\n");
    std::vector<std::string> words = {"delta", "alpha", "charlie", "bravo"};
    std::stable_sort(words.begin(), words.end(), [](const std::string& a, const std::string& b) { return a < b; });
    ok(words[0] == "alpha" && words[3] == "delta", "string sort: %s ... %s\n", words[0].c_str(), words[3].c_str());
}

static void test_streams() {
    std::ostringstream os;
    os << 42 << ' ' << 3.5 << ' ' << std::hex << 255 << std::dec << ' ' << "hello";
    ok(os.str() == "42 3.5 ff hello", "ostringstream: %s\n", os.str().c_str());

    std::ostringstream f;
    f << std::fixed << std::setprecision(3) << 3.14159;
    ok(f.str() == "3.142", "fixed setprecision(3): %s\n", f.str().c_str());
    std::ostringstream e;
    e << std::scientific << std::setprecision(2) << 12345.678;
    ok(e.str() == "1.23e+04", "scientific setprecision(2): %s\n", e.str().c_str());
    std::ostringstream g;
    g << 0.1 + 0.2 << ' ' << 1e100 << ' ' << -0.0 << ' ' << 1.0 / 3;
    ok(g.str() == "0.3 1e+100 -0 0.333333", "default float format: %s\n", g.str().c_str());
    std::ostringstream w;
    w << std::setw(6) << std::setfill('*') << 42 << '|' << std::left << std::setw(4) << 7 << '|';
    ok(w.str() == "****42|7***|", "setw/setfill/left: %s\n", w.str().c_str());

    std::istringstream is("17 2.25 word");
    int i = 0;
    double d = 0;
    std::string word;
    is >> i >> d >> word;
    ok(i == 17 && d == 2.25 && word == "word", "istringstream: %d %g %s\n", i, d, word.c_str());

    char buf[64];
    snprintf(buf, sizeof(buf), "%.3f %e %g", 2.5, 12345.678, 0.0001);
    ok(!strcmp(buf, "2.500 1.234568e+04 0.0001"), "snprintf: %s\n", buf);

    std::cout << "iostream: " << 42 << ' ' << 3.5 << ' ' << std::hex << 255 << std::dec << " hello" << std::endl;
    ok(std::cout.good(), "std::cout is not good after writing\n");
}

/* Last: std::stoi needs msvcrt's strtol, and a missing import ends the program when called. */
static void test_conversions() {
    ok(std::stoi("123") == 123 && std::stol("-99") == -99, "stoi/stol failed\n");
    ok(std::stod("2.5") == 2.5, "stod failed\n");
}

START_TEST(CXX_TEST_NAME)
{
    test_globals();
    test_string();
    test_containers();
    test_sort();
    test_streams();
#ifdef CXX_EXTRA_CHECKS
    CXX_EXTRA_CHECKS();
#endif
    test_conversions();
}

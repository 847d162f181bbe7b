// build: -static
/* cxx_exceptions.cpp: mingw-w64 C++ exceptions (libgcc's SEH personality on top of RaiseException,
 * the frame handlers and RtlUnwindEx): throw/catch by type, by reference, through base classes,
 * catch (...), destructors while unwinding, rethrow, nested try blocks, exceptions thrown and caught
 * inside a destructor during unwinding (a collided unwind), std::exception_ptr, function-try-blocks.
 * An uncaught exception (std::terminate, exit code 3) is checked by loader_cli.sh.
 * cxx_exceptions_dynamic.cpp compiles this file against libstdc++-6.dll and libgcc_s_seh-1.dll. */
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "ok.h"

#ifndef CXX_TEST_NAME
#define CXX_TEST_NAME cxx_exceptions
#endif

namespace {

std::string g_log;

struct Tracer {
    char c;
    explicit Tracer(char ch) : c(ch) {}
    ~Tracer() { g_log += c; }
};

struct MyError : std::runtime_error {
    int code;
    MyError(const char* what, int c) : std::runtime_error(what), code(c) {}
};

volatile int g_zero = 0;

__attribute__((noinline)) void throw_int(int v) {
    Tracer t('a');
    if (v) throw v;
}
__attribute__((noinline)) int pass_through(int v) {
    Tracer t('b');
    std::vector<int> keep(100, v);  // heap memory released by the unwinding
    throw_int(v);
    return keep[0];
}
__attribute__((noinline)) void throw_my_error(int code) {
    Tracer t('c');
    throw MyError("my error", code);
}
__attribute__((noinline)) void deep(int n) {
    Tracer t('0' + n % 10);
    if (n == 0) throw std::string("bottom");
    deep(n - 1);
    g_zero++;  // not a tail call
}

// A destructor that throws and catches inside itself while an exception unwinds through it.
struct CatchesInDestructor {
    ~CatchesInDestructor() {
        try {
            throw 5;
        } catch (int v) {
            g_log += char('0' + v);
        }
    }
};
__attribute__((noinline)) void unwind_through_catching_destructor() {
    CatchesInDestructor d;
    throw std::logic_error("outer");
}

struct Ctor {
    int v;
    explicit Ctor(int x) try : v(x ? throw std::invalid_argument("ctor") : 0) {
    } catch (const std::invalid_argument&) {
        g_log += 'K';
        // rethrown automatically at the end of a constructor's function-try-block
    }
};

}  // namespace

START_TEST(CXX_TEST_NAME)
{
    // "cxx_exceptions.exe uncaught" (loader_cli.sh): std::terminate, abort, exit code 3.
    if (winetest_argc > 1 && !strcmp(winetest_argv[1], "uncaught")) throw_my_error(1);

    // By type, with destructors on the way (innermost first).
    g_log.clear();
    int caught = 0;
    try {
        pass_through(7);
    } catch (int v) {
        caught = v;
    }
    ok(caught == 7, "caught %d, expected 7\n", caught);
    ok(g_log == "ab", "destructors ran as '%s', expected 'ab'\n", g_log.c_str());

    // By reference to a base class; the derived object's data survives.
    g_log.clear();
    try {
        throw_my_error(99);
        ok(0, "no exception\n");
    } catch (const std::exception& e) {
        const MyError* m = dynamic_cast<const MyError*>(&e);
        ok(m && m->code == 99, "caught the wrong object\n");
        ok(std::string(e.what()) == "my error", "what() is '%s'\n", e.what());
    }
    ok(g_log == "c", "destructor log '%s'\n", g_log.c_str());

    // Handlers are tried in order; a non-matching one is skipped.
    int which = 0;
    try {
        throw_my_error(1);
    } catch (const std::logic_error&) {
        which = 1;
    } catch (const std::runtime_error&) {
        which = 2;
    } catch (...) {
        which = 3;
    }
    ok(which == 2, "handler %d caught MyError, expected 2 (runtime_error)\n", which);

    // catch (...) and rethrow to an outer handler.
    g_log.clear();
    std::string outer;
    try {
        try {
            deep(12);
        } catch (...) {
            g_log += '!';
            throw;
        }
    } catch (const std::string& s) {
        outer = s;
    }
    ok(outer == "bottom", "rethrown value '%s'\n", outer.c_str());
    ok(g_log == "0123456789012!", "destructors of 13 frames then the handler: '%s'\n", g_log.c_str());

    // Nested: a new exception thrown and caught inside a catch block, then the first one again.
    std::string trail;
    try {
        try {
            throw std::runtime_error("first");
        } catch (const std::runtime_error& e) {
            try {
                throw 3;
            } catch (int) {
                trail += "inner;";
            }
            trail += e.what();
            throw;
        }
    } catch (const std::exception& e) {
        trail += std::string(";outer:") + e.what();
    }
    ok(trail == "inner;first;outer:first", "nested trail '%s'\n", trail.c_str());

    // A destructor that throws and catches while another exception is in flight.
    g_log.clear();
    bool got = false;
    try {
        unwind_through_catching_destructor();
    } catch (const std::logic_error& e) {
        got = std::string(e.what()) == "outer";
    }
    ok(got, "the outer exception was lost\n");
    ok(g_log == "5", "destructor log '%s'\n", g_log.c_str());

    // std::exception_ptr carries an exception out of a handler and back in.
    std::exception_ptr ep;
    try {
        throw MyError("stored", 4);
    } catch (...) {
        ep = std::current_exception();
    }
    int code = 0;
    try {
        std::rethrow_exception(ep);
    } catch (const MyError& e) {
        code = e.code;
    }
    ok(code == 4, "rethrow_exception gave code %d\n", code);

    // A constructor's function-try-block rethrows.
    g_log.clear();
    bool ctor_failed = false;
    try {
        Ctor c(1);
        (void)c;
    } catch (const std::invalid_argument&) {
        ctor_failed = true;
    }
    ok(ctor_failed && g_log == "K", "function-try-block: failed=%d log '%s'\n", ctor_failed, g_log.c_str());

    // Many throws in a row (no leak of state between exceptions).
    int sum = 0;
    for (int i = 1; i <= 200; i++) {
        try {
            throw_int(i);
        } catch (int v) {
            sum += v;
        }
    }
    ok(sum == 200 * 201 / 2, "sum of 200 caught values %d\n", sum);

#ifdef CXX_EXTRA_CHECKS
    CXX_EXTRA_CHECKS();
#endif
}

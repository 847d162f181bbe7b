// vcruntime140.dll: the compiler-support half of MSVC's runtime (the UCRT is the C library half).
// Memory/string primitives, __C_specific_handler, setjmp/longjmp and _purecall are msvcrt's
// functions, shared by name (exports.cpp). Here: std::exception's string helpers, type_info
// support and the per-thread "current exception" slots. MSVC C++ exception handling itself
// (_CxxThrowException, __CxxFrameHandler3/4) is not exported from here yet.
#include <cstring>

#include "builtin/builtin.h"
#include "msvcrt/crt.h"

namespace winrun::ucrt {
[[noreturn]] void CDECL terminate();
}

namespace winrun::vcrt {
using namespace winrun::crt;

// struct __std_exception_data { const char* _What; bool _DoFree; } (vcruntime_exception.h).
struct StdExceptionData {
    const char* what;
    bool do_free;
};
static_assert(sizeof(StdExceptionData) == 16);

// Copying an exception that owns its message duplicates the message; one that does not shares it.
void CDECL __std_exception_copy(const StdExceptionData* from, StdExceptionData* to) {
    if (from->do_free && from->what) {
        size_t n = std::strlen(from->what) + 1;
        auto* copy = static_cast<char*>(crt::malloc(n));
        if (copy) {
            std::memcpy(copy, from->what, n);
            to->what = copy;
            to->do_free = true;
            return;
        }
        to->what = nullptr;  // out of memory: an exception without a message, as vcruntime does
        to->do_free = false;
        return;
    }
    to->what = from->what;
    to->do_free = false;
}
void CDECL __std_exception_destroy(StdExceptionData* data) {
    if (data->do_free) crt::free(const_cast<char*>(data->what));
    data->what = nullptr;
    data->do_free = false;
}

// struct __std_type_info_data { const char* _UndecoratedName; const char _DecoratedName[1]; }: what
// follows the vtable pointer in a type_info. The decorated name starts with '.' (".?AVfoo@@").
struct TypeInfoData {
    const char* undecorated;
    char decorated[1];
};
int CDECL __std_type_info_compare(const TypeInfoData* a, const TypeInfoData* b) {
    if (a == b) return 0;
    return std::strcmp(a->decorated + 1, b->decorated + 1);
}
// FNV-1a (64-bit) over the decorated name after its '.', as vcruntime hashes type_info.
size_t CDECL __std_type_info_hash(const TypeInfoData* d) {
    uint64_t h = 14695981039346656037ull;
    for (const char* p = d->decorated + 1; *p; p++) {
        h ^= static_cast<unsigned char>(*p);
        h *= 1099511628211ull;
    }
    return h;
}
// The list of undecorated names __std_type_info_name cached (that function, which needs the
// undecorator, is not implemented): nothing was cached, so there is nothing to free.
void CDECL __std_type_info_destroy_list(void* /*__type_info_node*/) {}

[[noreturn]] void CDECL __std_terminate() { ucrt::terminate(); }

// The exception being handled on this thread (its EXCEPTION_RECORD* and CONTEXT*), which catch
// blocks reach through std::current_exception and Rust's panic machinery. The C++ exception
// handler stores into these slots while a catch block runs.
namespace {
thread_local void* t_current_exception = nullptr;
thread_local void* t_current_exception_context = nullptr;
}  // namespace
void** CDECL __current_exception() { return &t_current_exception; }
void** CDECL __current_exception_context() { return &t_current_exception_context; }

WR_EXPORT_PART(vcruntime140_main,
    WR_EXPORT(__std_exception_copy), WR_EXPORT(__std_exception_destroy), WR_EXPORT(__std_type_info_compare),
    WR_EXPORT(__std_type_info_hash), WR_EXPORT(__std_type_info_destroy_list), WR_EXPORT(__std_terminate),
    WR_EXPORT(__current_exception), WR_EXPORT(__current_exception_context));

}  // namespace winrun::vcrt

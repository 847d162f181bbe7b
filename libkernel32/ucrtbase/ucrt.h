// ucrtbase.dll internals. ucrtbase is built on msvcrt's implementation (libkernel32/msvcrt): one
// fd table, one set of streams, one heap, one environment and argv per process, whichever of the
// two DLLs a module imports. This folder holds only what the Universal CRT does differently.
#pragma once
#include "msvcrt/crt.h"
#include "msvcrt/format.h"

namespace winrun::crt {
// msvcrt functions ucrtbase's own entry points call.
int* CDECL __p___argc();
char*** CDECL __p___argv();
char16_t*** CDECL __p___wargv();
char*** CDECL __p__environ();
int CDECL atexit(void(CDECL* fn)());
[[noreturn]] void CDECL exit(int code);
[[noreturn]] void CDECL _exit(int code);
[[noreturn]] void CDECL abort();
size_t CDECL fwrite(const void* buf, size_t size, size_t count, FILE* f);
char16_t* CDECL wcstok(char16_t* s, const char16_t* delim);
char16_t* CDECL wcstok_s(char16_t* s, const char16_t* delim, char16_t** ctx);
extern char*** p_initenv;
extern char16_t*** p_winitenv;
}  // namespace winrun::crt

namespace winrun::ucrt {
using namespace winrun::crt;
// The invalid-parameter path of the UCRT: the handler the program set, else the default, which
// ends the process as __fastfail(FAST_FAIL_INVALID_ARG) does (STATUS_STACK_BUFFER_OVERRUN).
void invalid_parameter();
}  // namespace winrun::ucrt

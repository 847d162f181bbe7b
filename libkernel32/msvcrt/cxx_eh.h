// MSVC C++ exceptions on x64: the runtime half (throw, the frame handlers, terminate, type_info).
// One implementation for every DLL that exports these names: msvcrt.dll now, vcruntime140.dll /
// vcruntime140_1.dll (__CxxFrameHandler4) when they exist -- their exports.cpp lists the same
// functions (the WR_CXX_EH_* macros below).
#pragma once
#include "builtin/builtin.h"
#include "cxx_eh_tables.h"
#include "wintypes.h"

namespace winrun::cxx {
using namespace winrun::win;

using TerminateHandler = void(CDECL*)();

EXCEPTION_DISPOSITION WINAPI __CxxFrameHandler3(EXCEPTION_RECORD* rec, void* frame, CONTEXT* ctx, DISPATCHER_CONTEXT* disp);
EXCEPTION_DISPOSITION WINAPI __CxxFrameHandler4(EXCEPTION_RECORD* rec, void* frame, CONTEXT* ctx, DISPATCHER_CONTEXT* disp);
[[noreturn]] void CDECL terminate();
TerminateHandler CDECL set_terminate(TerminateHandler h);
TerminateHandler CDECL _get_terminate();
[[noreturn]] void CDECL unexpected();
TerminateHandler CDECL set_unexpected(TerminateHandler h);
int CDECL __uncaught_exception();
int CDECL __uncaught_exceptions();
BOOL CDECL __CxxDetectRethrow(EXCEPTION_POINTERS* ptrs);
int CDECL __CxxExceptionFilter(EXCEPTION_POINTERS* ptrs, const TypeDescriptor* type, uint32_t adjectives, void** copy);

// type_info's members (this in rcx, as every x64 member function).
void CDECL type_info_dtor(TypeDescriptor* self);
const char* CDECL type_info_name(TypeDescriptor* self);
const char* CDECL type_info_raw_name(const TypeDescriptor* self);
int CDECL type_info_eq(const TypeDescriptor* self, const TypeDescriptor* other);
int CDECL type_info_ne(const TypeDescriptor* self, const TypeDescriptor* other);
int CDECL type_info_before(const TypeDescriptor* self, const TypeDescriptor* other);

}  // namespace winrun::cxx

// _CxxThrowException(object, ThrowInfo*): an assembly entry that captures the thrower's context.
extern "C" [[noreturn]] void WINAPI winrun_CxxThrowException(void* object, const winrun::cxx::ThrowInfo* info);

// The exports every C++ runtime DLL has (msvcrt.dll, vcruntime140.dll). vcruntime140.dll spells the
// FH3 handler __CxxFrameHandler3 only; msvcrt.dll has both names.
#define WR_CXX_EH_COMMON_EXPORTS                                                                    \
    WR_EXPORT_NORELAY("_CxxThrowException", winrun_CxxThrowException),                              \
    WR_EXPORT_NORELAY("__CxxFrameHandler3", ::winrun::cxx::__CxxFrameHandler3),                     \
    WR_EXPORT_AS("__CxxDetectRethrow", ::winrun::cxx::__CxxDetectRethrow),                          \
    WR_EXPORT_AS("__CxxExceptionFilter", ::winrun::cxx::__CxxExceptionFilter)
// The C++-mangled names msvcrt.dll exports (vcruntime140 leaves these to the UCRT / msvcp).
#define WR_CXX_EH_MSVCRT_EXPORTS                                                                    \
    WR_EXPORT_NORELAY("__CxxFrameHandler", ::winrun::cxx::__CxxFrameHandler3),                      \
    WR_EXPORT_AS("?terminate@@YAXXZ", ::winrun::cxx::terminate),                                    \
    WR_EXPORT_AS("?set_terminate@@YAP6AXXZP6AXXZ@Z", ::winrun::cxx::set_terminate),                 \
    WR_EXPORT_AS("?_get_terminate@@YAP6AXXZXZ", ::winrun::cxx::_get_terminate),                     \
    WR_EXPORT_AS("?unexpected@@YAXXZ", ::winrun::cxx::unexpected),                                  \
    WR_EXPORT_AS("?set_unexpected@@YAP6AXXZP6AXXZ@Z", ::winrun::cxx::set_unexpected),               \
    WR_EXPORT_AS("__uncaught_exception", ::winrun::cxx::__uncaught_exception),                      \
    WR_EXPORT_AS("??1type_info@@UEAA@XZ", ::winrun::cxx::type_info_dtor),                           \
    WR_EXPORT_AS("?name@type_info@@QEBAPEBDXZ", ::winrun::cxx::type_info_name),                     \
    WR_EXPORT_AS("?raw_name@type_info@@QEBAPEBDXZ", ::winrun::cxx::type_info_raw_name),             \
    WR_EXPORT_AS("??8type_info@@QEBAHAEBV0@@Z", ::winrun::cxx::type_info_eq),                       \
    WR_EXPORT_AS("??9type_info@@QEBAHAEBV0@@Z", ::winrun::cxx::type_info_ne),                       \
    WR_EXPORT_AS("?before@type_info@@QEBAHAEBV0@@Z", ::winrun::cxx::type_info_before)

// MSVC C++ exceptions on x64: the runtime half (throw, the frame handlers, terminate, type_info).
// One implementation for every DLL that exports these names: msvcrt.dll now (cxx_eh.cpp's export
// part), vcruntime140.dll / vcruntime140_1.dll (__CxxFrameHandler4) when they exist -- their export
// parts list the same functions under the names those DLLs use.
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

// Native I/O types shared by the ntdll area files (nt_file.cpp, nt_query.cpp).
#pragma once
#include "wintypes.h"

namespace winrun::ntdll {
struct IO_STATUS_BLOCK {
    union {
        win::LONG Status;
        void* Pointer;
    };
    win::ULONG_PTR Information;
};
static_assert(sizeof(IO_STATUS_BLOCK) == 16);
}  // namespace winrun::ntdll

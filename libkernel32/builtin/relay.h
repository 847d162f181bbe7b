// +relay: every call into a builtin DLL is traced with its arguments and return value.
// A relayed export's trampoline loads a RelayDescriptor into r11 and jumps to winrun_relay_entry
// (assembly), which logs, calls the real function in a fresh frame with the caller's register and
// 16 stack arguments copied, logs the return value and returns. Functions that inspect their
// caller's frame (setjmp and the like) are marked EXP_NORELAY.
#pragma once
#include "builtin.h"

extern "C" void winrun_relay_entry();

namespace winrun::builtin {

struct RelayDescriptor {
    const DllDef* dll;
    const ExportDef* exp;
    void* fn;  // read by the assembly at offset 16
};
static_assert(offsetof(RelayDescriptor, fn) == 16);

const RelayDescriptor* make_relay_descriptor(const DllDef& dll, const ExportDef& e);

}  // namespace winrun::builtin

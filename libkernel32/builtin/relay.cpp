#include "relay.h"

#include <unistd.h>

#include <cstring>
#include <string>

#include "log.h"
#include "unicode.h"

namespace winrun::builtin {

namespace {

std::string short_dll(const DllDef& d) {
    std::string s = d.name;
    if (s.size() > 4 && (s.compare(s.size() - 4, 4, ".dll") == 0 || s.compare(s.size() - 4, 4, ".DLL") == 0)) s.resize(s.size() - 4);
    for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Strings are shown quoted when the pointer is non-null; the read is bounded.
std::string show_arg(ArgKind k, uint64_t v, double f) {
    switch (k) {
    case ArgKind::Str:
        if (!v) return "NULL";
        return fmt::format("\"{}\"", std::string(reinterpret_cast<const char*>(v), strnlen(reinterpret_cast<const char*>(v), 80)));
    case ArgKind::WStr: {
        if (!v) return "NULL";
        auto* w = reinterpret_cast<const char16_t*>(v);
        size_t n = 0;
        while (n < 80 && w[n]) n++;
        return fmt::format("L\"{}\"", utf16_to_utf8(std::u16string_view(w, n)));
    }
    case ArgKind::Float: return fmt::format("{}", f);
    default: return fmt::format("{:#x}", v);
    }
}

}  // namespace

// The Windows thread id (what GetCurrentThreadId returns), as Wine's relay shows it.
uintptr_t thread_id() { return reinterpret_cast<uintptr_t>(win::current_teb()->ClientId.UniqueThread); }

const RelayDescriptor* make_relay_descriptor(const DllDef& dll, const ExportDef& e) {
    return new RelayDescriptor{&dll, &e, e.fn};
}

}  // namespace winrun::builtin

using winrun::builtin::RelayDescriptor;
using winrun::builtin::thread_id;

// Called by the assembly. `args` points at the four register arguments (spilled into the caller's
// home area) followed by the caller's stack arguments; `xmm` at the four saved XMM registers.
extern "C" WINAPI void winrun_relay_log_call(const RelayDescriptor* d, const uint64_t* args, const double* xmm) {
    std::string s = fmt::format("{:04x}:Call {}.{}(", thread_id(), winrun::builtin::short_dll(*d->dll),
                                d->exp->name ? d->exp->name : "?");
    for (int i = 0; i < d->exp->nargs; i++) {
        auto k = d->exp->args[i];
        if (i) s += ',';
        s += winrun::builtin::show_arg(k, args[i], i < 4 ? xmm[i * 2] : 0);
    }
    if (d->exp->flags & winrun::builtin::EXP_VARARGS) s += d->exp->nargs ? ",..." : "...";
    s += fmt::format(") ret={:#x}", args[-1]);  // args[-1]: the return address (see the frame below)
    winrun::log::write(winrun::log::Channel::relay, winrun::log::Level::trace, s);
}

extern "C" WINAPI void winrun_relay_log_ret(const RelayDescriptor* d, uint64_t rax, double xmm0) {
    using winrun::builtin::ArgKind;
    std::string v = d->exp->ret == ArgKind::Float ? fmt::format(" retval={}", xmm0)
                  : d->exp->ret == ArgKind::Void  ? std::string()
                                                  : fmt::format(" retval={:#x}", rax);
    winrun::log::write(winrun::log::Channel::relay, winrun::log::Level::trace,
                       fmt::format("{:04x}:Ret  {}.{}(){}", thread_id(), winrun::builtin::short_dll(*d->dll),
                                   d->exp->name ? d->exp->name : "?", v));
}

// Frame (rbp-based), entered with the Microsoft x64 convention, r11 = descriptor:
//   [rbp+8]  return address      [rbp+0x10..0x30) home area: rcx rdx r8 r9 spilled here
//   [rbp+0x30...] the caller's stack arguments (16 of them are copied)
//   [rbp-8] rbx  [rbp-16] r12    [rsp+0xA0..0xE0) xmm0-3   [rsp+0x20..0xA0) copied stack args
__asm__(R"(
    .text
    .globl winrun_relay_entry
    .type winrun_relay_entry, @function
winrun_relay_entry:
    push %rbp
    mov %rsp, %rbp
    push %rbx
    push %r12
    mov %r11, %rbx
    sub $0xE0, %rsp
    mov %rcx, 0x10(%rbp)
    mov %rdx, 0x18(%rbp)
    mov %r8, 0x20(%rbp)
    mov %r9, 0x28(%rbp)
    movaps %xmm0, 0xA0(%rsp)
    movaps %xmm1, 0xB0(%rsp)
    movaps %xmm2, 0xC0(%rsp)
    movaps %xmm3, 0xD0(%rsp)
    mov %rbx, %rcx
    lea 0x10(%rbp), %rdx
    lea 0xA0(%rsp), %r8
    call winrun_relay_log_call
    xor %eax, %eax
1:  mov 0x30(%rbp,%rax,8), %r10
    mov %r10, 0x20(%rsp,%rax,8)
    inc %eax
    cmp $16, %eax
    jb 1b
    mov 0x10(%rbp), %rcx
    mov 0x18(%rbp), %rdx
    mov 0x20(%rbp), %r8
    mov 0x28(%rbp), %r9
    movaps 0xA0(%rsp), %xmm0
    movaps 0xB0(%rsp), %xmm1
    movaps 0xC0(%rsp), %xmm2
    movaps 0xD0(%rsp), %xmm3
    call *16(%rbx)
    mov %rax, %r12
    movaps %xmm0, 0xA0(%rsp)
    mov %rbx, %rcx
    mov %rax, %rdx
    movsd %xmm0, %xmm2
    call winrun_relay_log_ret
    mov %r12, %rax
    movaps 0xA0(%rsp), %xmm0
    lea -16(%rbp), %rsp
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size winrun_relay_entry, .-winrun_relay_entry
)");

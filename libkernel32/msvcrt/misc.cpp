// The rest of msvcrt: assert, pure virtual calls, error-mode and printf knobs, threads
// (_beginthread/_beginthreadex), setjmp/longjmp, process ids.
#include <cstring>
#include <string>

#include "builtin/builtin.h"
#include "crt.h"
#include "format.h"
#include "unicode.h"

namespace winrun::k32 {
using StartRoutine = DWORD(WINAPI*)(void*);
HANDLE WINAPI CreateThread(void* sa, SIZE_T stack, StartRoutine start, void* param, DWORD flags, DWORD* tid);
[[noreturn]] void WINAPI ExitThread(DWORD code);
DWORD WINAPI ResumeThread(HANDLE h);
BOOL WINAPI CloseHandle(HANDLE h);
void WINAPI Sleep(DWORD ms);
}  // namespace winrun::k32

namespace winrun::crt {

int CDECL fprintf(FILE* f, const char* fmt, ...);
int CDECL fflush(FILE* f);
[[noreturn]] void CDECL abort();
[[noreturn]] void CDECL _amsg_exit(int n);

namespace {
int g_error_mode = 0;  // _OUT_TO_DEFAULT
constexpr int OUT_TO_DEFAULT = 0, OUT_TO_STDERR = 1, OUT_TO_MSGBOX = 2, REPORT_ERRMODE = 3;
}  // namespace

// ---- assert ----------------------------------------------------------------------------------------------
// A console program (or _OUT_TO_STDERR) gets "Assertion failed: <expr>, file <file>, line <n>" on
// stderr, then abort() (its "This application has requested the Runtime to terminate it in an
// unusual way" message and exit code 3). A GUI program would get a message box: winrun has no GUI,
// so that case also writes to stderr.
[[noreturn]] void CDECL _assert(const char* expr, const char* file, unsigned line) {
    fprintf(iob(2), "Assertion failed: %s, file %s, line %u\n", expr ? expr : "", file ? file : "", line);
    fflush(iob(2));
    abort();
}
[[noreturn]] void CDECL _wassert(const char16_t* expr, const char16_t* file, unsigned line) {
    std::string e = expr ? wide_to_narrow(wview(expr)) : std::string(), f = file ? wide_to_narrow(wview(file)) : std::string();
    _assert(e.c_str(), f.c_str(), line);
}

int CDECL _set_error_mode(int mode) {
    int old = g_error_mode;
    if (mode == REPORT_ERRMODE) return old;
    if (mode != OUT_TO_DEFAULT && mode != OUT_TO_STDERR && mode != OUT_TO_MSGBOX) return set_errno(EINVAL_), -1;
    g_error_mode = mode;
    return old;
}

// A pure virtual function was called: runtime error R6025.
void CDECL _purecall() { _amsg_exit(25); }

// ---- printf knobs (the engine in format.cpp reads them) ---------------------------------------------------
unsigned CDECL _get_output_format() { return get_output_format(); }
unsigned CDECL _set_output_format(unsigned fmt) {
    if (fmt != 0 && fmt != kTwoDigitExponent) {
        set_errno(EINVAL_);
        return get_output_format();
    }
    return set_output_format(fmt);
}
int CDECL _get_printf_count_output() { return get_printf_count_output() ? 1 : 0; }
int CDECL _set_printf_count_output(int enable) { return set_printf_count_output(enable != 0) ? 1 : 0; }

// ---- threads ---------------------------------------------------------------------------------------------
namespace {
using BeginThreadEx = unsigned(WINAPI*)(void*);
using BeginThread = void(CDECL*)(void*);
struct ThreadStart {
    BeginThreadEx start_ex = nullptr;
    BeginThread start = nullptr;
    void* arg = nullptr;
    HANDLE handle = nullptr;  // _beginthread: closed when the thread ends
};
thread_local HANDLE t_beginthread_handle = nullptr;

DWORD WINAPI thread_entry(void* p) {
    auto* ts = static_cast<ThreadStart*>(p);
    ThreadStart s = *ts;
    delete ts;
    if (s.start_ex) return s.start_ex(s.arg);
    t_beginthread_handle = s.handle;
    s.start(s.arg);
    if (t_beginthread_handle) k32::CloseHandle(t_beginthread_handle);
    return 0;
}
}  // namespace

uintptr_t CDECL _beginthreadex(void* security, unsigned stack, BeginThreadEx start, void* arg, unsigned flags,
                               unsigned* tid) {
    if (!start) return set_errno(EINVAL_), 0;
    auto* ts = new ThreadStart{start, nullptr, arg, nullptr};
    DWORD id = 0;
    HANDLE h = k32::CreateThread(security, stack, thread_entry, ts, flags, &id);
    if (!h) {
        delete ts;
        dosmaperr(k32::last_error());
        return 0;
    }
    if (tid) *tid = id;
    return reinterpret_cast<uintptr_t>(h);
}
// _endthreadex ends the thread with the code; the handle stays with the caller of _beginthreadex.
[[noreturn]] void CDECL _endthreadex(unsigned code) { k32::ExitThread(code); }

// _beginthread returns the thread handle but closes it itself when the thread ends; -1 on failure.
uintptr_t CDECL _beginthread(BeginThread start, unsigned stack, void* arg) {
    if (!start) return set_errno(EINVAL_), uintptr_t(-1);
    auto* ts = new ThreadStart{nullptr, start, arg, nullptr};
    HANDLE h = k32::CreateThread(nullptr, stack, thread_entry, ts, 4 /* CREATE_SUSPENDED */, nullptr);
    if (!h) {
        delete ts;
        dosmaperr(k32::last_error());
        return uintptr_t(-1);
    }
    ts->handle = h;
    k32::ResumeThread(h);
    return reinterpret_cast<uintptr_t>(h);
}
[[noreturn]] void CDECL _endthread() {
    if (t_beginthread_handle) k32::CloseHandle(t_beginthread_handle);
    t_beginthread_handle = nullptr;
    k32::ExitThread(0);
}

uint32_t CDECL __threadid() { return k32::current_thread_id(); }
HANDLE CDECL __threadhandle() { return reinterpret_cast<HANDLE>(-2LL); }
int CDECL _getpid() { return int(k32::current_process_id()); }
void CDECL _sleep(uint32_t ms) { k32::Sleep(ms); }

// ---- setjmp / longjmp ---------------------------------------------------------------------------------------
// _setjmp(jmp_buf, frame) fills the x64 _JUMP_BUFFER (setjmp.h): Frame, the non-volatile registers,
// the return address, MXCSR, the x87 control word and xmm6-xmm15. longjmp restores them and
// returns `value` (1 for 0) from _setjmp. msvcrt's longjmp unwinds the frames in between with
// RtlUnwindEx when Frame is set, so that __finally blocks and C++ destructors run; that needs the
// SEH unwinder (issue 7), so here the registers are restored directly, which is the same for the
// C code of mingw programs (GCC's setjmp users: no SEH handlers between setjmp and longjmp).
struct JumpBuffer {
    uint64_t Frame, Rbx, Rsp, Rbp, Rsi, Rdi, R12, R13, R14, R15, Rip;
    uint32_t MxCsr;
    uint16_t FpCsr, Spare;
    uint8_t Xmm[10][16];
};
static_assert(sizeof(JumpBuffer) == 256 && offsetof(JumpBuffer, Rip) == 80 && offsetof(JumpBuffer, MxCsr) == 88 &&
              offsetof(JumpBuffer, Xmm) == 96);

extern "C" int winrun_crt_setjmp(JumpBuffer* buf, void* frame) __attribute__((ms_abi));
extern "C" [[noreturn]] void winrun_crt_longjmp(JumpBuffer* buf, int value) __attribute__((ms_abi));
asm(R"(
    .text
    .globl winrun_crt_setjmp
    .type winrun_crt_setjmp, @function
winrun_crt_setjmp:
    movq %rdx, 0(%rcx)
    movq %rbx, 8(%rcx)
    leaq 8(%rsp), %rax
    movq %rax, 16(%rcx)
    movq %rbp, 24(%rcx)
    movq %rsi, 32(%rcx)
    movq %rdi, 40(%rcx)
    movq %r12, 48(%rcx)
    movq %r13, 56(%rcx)
    movq %r14, 64(%rcx)
    movq %r15, 72(%rcx)
    movq (%rsp), %rax
    movq %rax, 80(%rcx)
    stmxcsr 88(%rcx)
    fnstcw 92(%rcx)
    movw $0, 94(%rcx)
    movdqu %xmm6, 96(%rcx)
    movdqu %xmm7, 112(%rcx)
    movdqu %xmm8, 128(%rcx)
    movdqu %xmm9, 144(%rcx)
    movdqu %xmm10, 160(%rcx)
    movdqu %xmm11, 176(%rcx)
    movdqu %xmm12, 192(%rcx)
    movdqu %xmm13, 208(%rcx)
    movdqu %xmm14, 224(%rcx)
    movdqu %xmm15, 240(%rcx)
    xorl %eax, %eax
    ret
    .size winrun_crt_setjmp, .-winrun_crt_setjmp

    .globl winrun_crt_longjmp
    .type winrun_crt_longjmp, @function
winrun_crt_longjmp:
    movl %edx, %eax
    testl %eax, %eax
    jnz 1f
    movl $1, %eax
1:
    movq 8(%rcx), %rbx
    movq 24(%rcx), %rbp
    movq 32(%rcx), %rsi
    movq 40(%rcx), %rdi
    movq 48(%rcx), %r12
    movq 56(%rcx), %r13
    movq 64(%rcx), %r14
    movq 72(%rcx), %r15
    ldmxcsr 88(%rcx)
    fnclex
    fldcw 92(%rcx)
    movdqu 96(%rcx), %xmm6
    movdqu 112(%rcx), %xmm7
    movdqu 128(%rcx), %xmm8
    movdqu 144(%rcx), %xmm9
    movdqu 160(%rcx), %xmm10
    movdqu 176(%rcx), %xmm11
    movdqu 192(%rcx), %xmm12
    movdqu 208(%rcx), %xmm13
    movdqu 224(%rcx), %xmm14
    movdqu 240(%rcx), %xmm15
    movq 16(%rcx), %rsp
    jmpq *80(%rcx)
    .size winrun_crt_longjmp, .-winrun_crt_longjmp
)");

WR_EXPORT_PART(msvcrt_misc,
    WR_EXPORT(_assert), WR_EXPORT(_wassert), WR_EXPORT(_set_error_mode), WR_EXPORT(_purecall),
    WR_EXPORT(_get_output_format), WR_EXPORT(_set_output_format), WR_EXPORT(_get_printf_count_output),
    WR_EXPORT(_set_printf_count_output), WR_EXPORT(_beginthreadex), WR_EXPORT(_endthreadex),
    WR_EXPORT(_beginthread), WR_EXPORT(_endthread), WR_EXPORT(__threadid), WR_EXPORT(__threadhandle),
    WR_EXPORT(_getpid), WR_EXPORT(_sleep),
    WR_EXPORT_NORELAY("_setjmp", winrun_crt_setjmp), WR_EXPORT_NORELAY("longjmp", winrun_crt_longjmp));

}  // namespace winrun::crt

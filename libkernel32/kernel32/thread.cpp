// Threads: each Windows thread is a pthread with its own TEB (through gs), TLS blocks of the
// images, an alternate signal stack, and DLL_THREAD_ATTACH/DETACH notifications.
// ExitThread jumps back to the thread's start frame (ours) instead of pthread_exit, whose forced
// unwind would have to walk Windows frames that have no DWARF unwind information.
// The process ends when its last thread ends, with that thread's exit code, as on Windows.
//
// SuspendThread of a running thread sends it suspend_signal() (SIGRTMIN+5) with its record as the
// signal's value; the handler, on the thread itself, copies the interrupted registers (the signal's
// ucontext) into the record as a CONTEXT, says so, and sleeps on a futex until ResumeThread. A
// SetThreadContext meanwhile edits that CONTEXT, and the handler writes it back into the ucontext
// before returning, so the thread continues at the new registers: what the Go runtime's
// asynchronous preemption needs (suspend, get context, set rip/rsp, resume). TerminateThread uses
// the same signal: the handler leaves for the thread's exit frame instead. A thread suspended inside
// winrun's own code may hold one of its locks, as a Windows thread suspended inside ntdll may: calls
// that need those locks wait until it is resumed (SuspendThread is documented as dangerous for
// that reason); the calls of the suspend/context/resume sequence itself take none.
#include <asm/prctl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <fcntl.h>
#include <sys/ucontext.h>
#include "unicode.h"
#include <map>

#include "binder.h"
#include "client.h"
#include "builtin/builtin.h"
#include "thread.h"
#include "vm.h"
#include "waitable.h"
#include "named_objects.h"
#include "process_handle.h"
#include "ntdll/seh.h"

namespace winrun::k32 {

namespace {
constexpr DWORD CREATE_SUSPENDED = 0x4;
constexpr DWORD DLL_THREAD_ATTACH = 2, DLL_THREAD_DETACH = 3;
using StartRoutine = DWORD(WINAPI*)(void*);

struct ThreadObject : Waitable {
    ThreadObject() : Waitable(ObjectKind::Thread) {}
    bool ready(uintptr_t) const override { return exited; }
    bool acquire(uintptr_t) override { return false; }
    bool exited = false;
    DWORD exit_code = STILL_ACTIVE;
    DWORD tid = 0;
    TEB* teb = nullptr;
    int suspend_count = 0;  // under suspend_mutex
    int resume_word = 0;  // futex the suspended start waits on
    bool started = false;  // past the CREATE_SUSPENDED wait (under suspend_mutex)
    uint32_t linux_tid = 0;
    std::mutex suspend_mutex;  // SuspendThread/ResumeThread/Get|SetThreadContext on this thread
    int stopped_word = 0;      // futex: 1 once the signal handler holds the registers in `ctx`
    int run_word = 1;          // futex: 0 while suspended; the handler waits for 1
    int in_handler = 0;        // futex: 1 from the handler's start to its return
    bool ctx_dirty = false;    // SetThreadContext changed `ctx`
    bool terminate = false;    // TerminateThread: the handler leaves for exit_jump
    DWORD terminate_code = 0;  // ... and the thread ends with this code
    CONTEXT ctx{};
    std::u16string description;  // SetThreadDescription
    int priority = 0;
    StartRoutine start = nullptr;
    void* param = nullptr;
    size_t stack_size = 0;
    sigjmp_buf exit_jump;
    ApcState apc;  // user APCs queued to this thread (under sync_lock)
};

std::mutex g_threads_mutex;
std::map<DWORD, std::shared_ptr<ThreadObject>> g_threads;  // live threads by Windows thread id
std::vector<TEB*> g_tebs;
thread_local ThreadObject* t_self = nullptr;

TEB* new_teb(void* stack_base, void* stack_limit) {
    auto* teb = static_cast<TEB*>(aligned_alloc(4096, (sizeof(TEB) + 4095) & ~size_t(4095)));
    std::memset(teb, 0, sizeof(TEB));
    TEB* main = current_teb();
    teb->Self = teb;
    teb->StackBase = stack_base;
    teb->StackLimit = stack_limit;
    teb->DeallocationStack = stack_limit;
    teb->ProcessEnvironmentBlock = main->ProcessEnvironmentBlock;
    teb->ClientId.UniqueProcess = main->ClientId.UniqueProcess;
    teb->CurrentLocale = main->CurrentLocale;
    return teb;
}

void finish_thread(ThreadObject* t, DWORD code);

void* thread_main(void* arg) {
    auto* t = static_cast<ThreadObject*>(arg);
    t_self = t;
    // The stack pthread gave us, as Windows describes stacks: base = highest address.
    pthread_attr_t attr;
    void* stack_addr = nullptr;
    size_t stack_size = 0;
    pthread_getattr_np(pthread_self(), &attr);
    pthread_attr_getstack(&attr, &stack_addr, &stack_size);
    pthread_attr_destroy(&attr);
    uint8_t* lo = static_cast<uint8_t*>(stack_addr);
    TEB* teb = new_teb(lo + stack_size, lo + vm::PAGE_SIZE);
    uint32_t linux_tid = uint32_t(syscall(SYS_gettid));
    t->linux_tid = linux_tid;
    uint32_t tid = linux_tid * 4;
    if (csrss::Session* s = session())
        if (auto r = s->register_thread(linux_tid)) tid = r->tid;
    teb->ClientId.UniqueThread = reinterpret_cast<HANDLE>(uintptr_t(tid));
    syscall(SYS_arch_prctl, ARCH_SET_GS, teb);
    vm::register_region(lo, stack_size, vm::MEM_PRIVATE, vm::PAGE_READWRITE);

    // Each thread handles its own faults on its own alternate stack.
    stack_t ss{};
    ss.ss_size = 128 * 1024;
    ss.ss_sp = mmap(nullptr, ss.ss_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sigaltstack(&ss, nullptr);
    seh::arm_stack_guard(teb, lo + vm::PAGE_SIZE);  // EXCEPTION_STACK_OVERFLOW, as on Windows

    loader::init_thread_tls(teb);
    {
        std::lock_guard lock(sync_lock());
        t->teb = teb;
    }
    {
        std::lock_guard lock(g_threads_mutex);
        g_tebs.push_back(teb);
    }
    // The exit frame first: ExitThread (also from DllMain) and TerminateThread come back here.
    DWORD code;
    if (sigsetjmp(t->exit_jump, 0) == 0) {
        // CREATE_SUSPENDED: wait for ResumeThread (or TerminateThread).
        while (__atomic_load_n(&t->resume_word, __ATOMIC_ACQUIRE) == 0)
            syscall(SYS_futex, &t->resume_word, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
        {
            std::lock_guard lock(t->suspend_mutex);
            t->started = true;
        }
        if (__atomic_load_n(&t->terminate, __ATOMIC_ACQUIRE)) {
            code = t->terminate_code;  // terminated before it ever ran
        } else {
            loader::notify_threads(DLL_THREAD_ATTACH);
            code = t->start(t->param);
        }
    } else if (__atomic_load_n(&t->terminate, __ATOMIC_ACQUIRE)) {
        code = t->terminate_code;
    } else {
        code = t->exit_code == STILL_ACTIVE ? 0 : t->exit_code;
    }
    finish_thread(t, code);
    return nullptr;  // a plain return: pthread_exit's forced unwind is not needed and not wanted
}

void finish_thread(ThreadObject* t, DWORD code) {
    if (!t->terminate) {
        fls_thread_exit();  // the FLS callbacks of this thread, then DLL_THREAD_DETACH
        loader::notify_threads(DLL_THREAD_DETACH);  // TerminateThread notifies no DLL
    }
    named::thread_exiting();  // named mutexes it owns become abandoned
    abandon_owned_mutexes();  // and unnamed ones
    if (csrss::Session* s = session()) (void)s->thread_exit(t->tid, code);
    std::shared_ptr<ThreadObject> keep;
    {
        std::lock_guard lock(g_threads_mutex);
        auto it = g_threads.find(t->tid);
        if (it != g_threads.end()) {
            keep = it->second;
            g_threads.erase(it);
        }
        std::erase(g_tebs, t->teb);
    }
    {
        std::lock_guard lock(sync_lock());
        t->exit_code = code;
        t->exited = true;
        // APCs still queued never run (Windows discards them with the thread).
        t->apc.exited = true;
        t->apc.queue.clear();
        wake_waiters(*t);
    }
    // The last thread to end ends the process, with its own exit code.
    if (g_thread_count.fetch_sub(1) == 1) exit_process(code);
}
}  // namespace

// The object behind GetCurrentThread() (DuplicateHandle of the pseudo-handle). The main thread's
// is made on first use; it is signaled when the process ends, which nobody outlives.
std::shared_ptr<KObject> current_thread_object() {
    std::lock_guard lock(g_threads_mutex);
    DWORD tid = current_thread_id();
    auto it = g_threads.find(tid);
    if (it != g_threads.end()) return it->second;
    auto t = std::make_shared<ThreadObject>();
    t->tid = tid;
    t->teb = current_teb();
    t->linux_tid = uint32_t(syscall(SYS_gettid));
    t->started = true;
    g_threads[tid] = t;
    return t;
}

ApcState& current_apc_state() {
    if (ThreadObject* t = t_self) return t->apc;
    // The main thread: its object stays in g_threads for the life of the process.
    return static_cast<ThreadObject*>(current_thread_object().get())->apc;
}

ApcState* apc_state_of(const std::shared_ptr<KObject>& thread) {
    if (!thread || thread->kind != ObjectKind::Thread) return nullptr;
    return &static_cast<ThreadObject*>(thread.get())->apc;
}

void for_each_teb(void (*fn)(TEB*, void*), void* ctx) {
    std::lock_guard lock(g_threads_mutex);
    TEB* self = current_teb();
    bool self_seen = false;
    for (TEB* t : g_tebs) {
        fn(t, ctx);
        self_seen |= t == self;
    }
    if (!self_seen) fn(self, ctx);  // the main thread is not in the list
}

HANDLE WINAPI CreateThread(void* sa, SIZE_T stack_size, StartRoutine start, void* param, DWORD flags, DWORD* tid_out) {
    if (!start) {
        // Windows creates the thread and it faults at address 0; refusing up front is kinder and
        // reports the same error class.
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    auto t = std::make_shared<ThreadObject>();
    t->start = start;
    t->param = param;
    t->suspend_count = (flags & CREATE_SUSPENDED) ? 1 : 0;
    t->resume_word = (flags & CREATE_SUSPENDED) ? 0 : 1;
    // Windows rounds stacks to the allocation granularity; winrun's own code shares the stack, so
    // it gets at least 1 MiB. Reserve and commit sizes are treated alike (STACK_SIZE_PARAM_IS_A_RESERVATION).
    size_t size = stack_size ? stack_size : size_t(2) << 20;
    size = std::max<size_t>((size + 0xFFFF) & ~size_t(0xFFFF), size_t(1) << 20);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, size);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    g_thread_count.fetch_add(1);
    // The id is known only inside the new thread; wait for it so that the caller gets it now.
    pthread_t pt;
    std::shared_ptr<ThreadObject> self = t;
    {
        std::lock_guard lock(g_threads_mutex);
        if (pthread_create(&pt, &attr, thread_main, t.get()) != 0) {
            pthread_attr_destroy(&attr);
            g_thread_count.fetch_sub(1);
            set_last_error(ERROR_NOT_ENOUGH_MEMORY);
            return nullptr;
        }
    }
    pthread_attr_destroy(&attr);
    for (;;) {
        {
            std::lock_guard lock(sync_lock());
            if (t->teb) break;
        }
        sched_yield();
    }
    t->tid = DWORD(reinterpret_cast<uintptr_t>(t->teb->ClientId.UniqueThread));
    {
        std::lock_guard lock(g_threads_mutex);
        g_threads[t->tid] = t;
    }
    if (tid_out) *tid_out = t->tid;
    return handle_alloc(t, sa && reinterpret_cast<const DWORD*>(sa)[4]);
}

[[noreturn]] void WINAPI ExitThread(DWORD code) {
    if (ThreadObject* t = t_self) {
        t->exit_code = code;
        siglongjmp(t->exit_jump, 1);
    }
    // The main thread: the process goes on while other threads run.
    if (g_thread_count.fetch_sub(1) == 1) exit_process(code);
    loader::notify_threads(DLL_THREAD_DETACH);
    for (;;) pause();
}

BOOL WINAPI GetExitCodeThread(HANDLE h, DWORD* code) {
    if (h == PSEUDO_THREAD) {
        *code = STILL_ACTIVE;
        return TRUE;
    }
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::Thread) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(sync_lock());
    if (auto* rt = dynamic_cast<RemoteThreadObject*>(o.get())) {
        // Another process's main thread: it ends with its process here.
        *code = rt->process->ready(0) ? rt->process->exit_code : STILL_ACTIVE;
        return TRUE;
    }
    *code = static_cast<ThreadObject*>(o.get())->exit_code;
    return TRUE;
}

DWORD WINAPI GetThreadId(HANDLE h) {
    if (h == PSEUDO_THREAD) return current_thread_id();
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::Thread) {
        set_last_error(ERROR_INVALID_HANDLE);
        return 0;
    }
    if (auto* rt = dynamic_cast<RemoteThreadObject*>(o.get())) return rt->tid;
    return static_cast<ThreadObject*>(o.get())->tid;
}

namespace {
constexpr DWORD MAXIMUM_SUSPEND_COUNT = 127;
constexpr DWORD ERROR_SIGNAL_REFUSED = 156;

int suspend_signal() { return SIGRTMIN + 5; }

void context_from_ucontext(CONTEXT& c, const ucontext_t* uc) {
    const greg_t* g = uc->uc_mcontext.gregs;
    c.ContextFlags = CONTEXT_FULL | CONTEXT_SEGMENTS;
    c.Rax = g[REG_RAX], c.Rcx = g[REG_RCX], c.Rdx = g[REG_RDX], c.Rbx = g[REG_RBX];
    c.Rsp = g[REG_RSP], c.Rbp = g[REG_RBP], c.Rsi = g[REG_RSI], c.Rdi = g[REG_RDI];
    c.R8 = g[REG_R8], c.R9 = g[REG_R9], c.R10 = g[REG_R10], c.R11 = g[REG_R11];
    c.R12 = g[REG_R12], c.R13 = g[REG_R13], c.R14 = g[REG_R14], c.R15 = g[REG_R15];
    c.Rip = g[REG_RIP];
    c.EFlags = DWORD(g[REG_EFL]);
    // The selectors Windows x64 user mode shows.
    c.SegCs = 0x33;
    c.SegSs = c.SegDs = c.SegEs = c.SegGs = 0x2B;
    c.SegFs = 0x53;
    if (uc->uc_mcontext.fpregs) {
        std::memcpy(c.FltSave, uc->uc_mcontext.fpregs, 512);  // the FXSAVE image: x87, MXCSR, xmm0-15
        c.MxCsr = uc->uc_mcontext.fpregs->mxcsr;
    }
}

// Writes the parts of `c` that its ContextFlags name back into the signal's ucontext.
void ucontext_from_context(ucontext_t* uc, const CONTEXT& c) {
    greg_t* g = uc->uc_mcontext.gregs;
    DWORD f = c.ContextFlags;
    if ((f & CONTEXT_CONTROL) == CONTEXT_CONTROL) {
        g[REG_RIP] = greg_t(c.Rip);
        g[REG_RSP] = greg_t(c.Rsp);
        // Only the flags user mode may change (CF PF AF ZF SF TF DF OF, and AC).
        constexpr greg_t user_flags = 0x40DD5;
        g[REG_EFL] = (g[REG_EFL] & ~user_flags) | (greg_t(c.EFlags) & user_flags);
    }
    if ((f & CONTEXT_INTEGER) == CONTEXT_INTEGER) {
        g[REG_RAX] = greg_t(c.Rax), g[REG_RCX] = greg_t(c.Rcx), g[REG_RDX] = greg_t(c.Rdx), g[REG_RBX] = greg_t(c.Rbx);
        g[REG_RBP] = greg_t(c.Rbp), g[REG_RSI] = greg_t(c.Rsi), g[REG_RDI] = greg_t(c.Rdi);
        g[REG_R8] = greg_t(c.R8), g[REG_R9] = greg_t(c.R9), g[REG_R10] = greg_t(c.R10), g[REG_R11] = greg_t(c.R11);
        g[REG_R12] = greg_t(c.R12), g[REG_R13] = greg_t(c.R13), g[REG_R14] = greg_t(c.R14), g[REG_R15] = greg_t(c.R15);
    }
    if ((f & CONTEXT_FLOATING_POINT) == CONTEXT_FLOATING_POINT && uc->uc_mcontext.fpregs) {
        // The legacy FXSAVE area of the kernel's frame; the XSAVE header after it stays as it is.
        std::memcpy(uc->uc_mcontext.fpregs, c.FltSave, 512);
        uc->uc_mcontext.fpregs->mxcsr = c.MxCsr & 0xFFFF;
    }
}

// Copies the parts named by dst.ContextFlags.
void copy_context_parts(CONTEXT& dst, const CONTEXT& src) {
    DWORD f = dst.ContextFlags;
    if ((f & CONTEXT_CONTROL) == CONTEXT_CONTROL) {
        dst.Rip = src.Rip, dst.Rsp = src.Rsp, dst.EFlags = src.EFlags, dst.SegCs = src.SegCs, dst.SegSs = src.SegSs;
    }
    if ((f & CONTEXT_INTEGER) == CONTEXT_INTEGER) {
        dst.Rax = src.Rax, dst.Rcx = src.Rcx, dst.Rdx = src.Rdx, dst.Rbx = src.Rbx, dst.Rbp = src.Rbp;
        dst.Rsi = src.Rsi, dst.Rdi = src.Rdi, dst.R8 = src.R8, dst.R9 = src.R9, dst.R10 = src.R10, dst.R11 = src.R11;
        dst.R12 = src.R12, dst.R13 = src.R13, dst.R14 = src.R14, dst.R15 = src.R15;
    }
    if ((f & CONTEXT_SEGMENTS) == CONTEXT_SEGMENTS) {
        dst.SegDs = src.SegDs, dst.SegEs = src.SegEs, dst.SegFs = src.SegFs, dst.SegGs = src.SegGs;
    }
    if ((f & CONTEXT_FLOATING_POINT) == CONTEXT_FLOATING_POINT) {
        std::memcpy(dst.FltSave, src.FltSave, 512);
        dst.MxCsr = src.MxCsr;
    }
}

void suspend_handler(int, siginfo_t* si, void* ucv) {
    // Only our own rt_tgsigqueueinfo carries a record; anything else is ignored.
    if (si->si_code != SI_QUEUE || si->si_pid != getpid() || !si->si_value.sival_ptr) return;
    int saved_errno = errno;
    auto* t = static_cast<ThreadObject*>(si->si_value.sival_ptr);
    auto* uc = static_cast<ucontext_t*>(ucv);
    if (__atomic_load_n(&t->terminate, __ATOMIC_ACQUIRE)) siglongjmp(t->exit_jump, 1);  // TerminateThread
    __atomic_store_n(&t->in_handler, 1, __ATOMIC_RELEASE);
    context_from_ucontext(t->ctx, uc);
    t->ctx_dirty = false;
    __atomic_store_n(&t->stopped_word, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &t->stopped_word, FUTEX_WAKE_PRIVATE, INT32_MAX, nullptr, nullptr, 0);
    while (__atomic_load_n(&t->run_word, __ATOMIC_ACQUIRE) == 0)
        syscall(SYS_futex, &t->run_word, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    if (__atomic_load_n(&t->terminate, __ATOMIC_ACQUIRE)) siglongjmp(t->exit_jump, 1);
    if (t->ctx_dirty) ucontext_from_context(uc, t->ctx);
    // The next SuspendThread waits for this before it re-arms the words (a resume followed at once
    // by a suspend must not find this handler still on its way out).
    __atomic_store_n(&t->in_handler, 0, __ATOMIC_RELEASE);
    syscall(SYS_futex, &t->in_handler, FUTEX_WAKE_PRIVATE, INT32_MAX, nullptr, nullptr, 0);
    errno = saved_errno;
}

void install_suspend_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_sigaction = suspend_handler;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
        sigfillset(&sa.sa_mask);  // a fault inside the handler is ours, not the program's
        for (int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP}) sigdelset(&sa.sa_mask, s);
        sigaction(suspend_signal(), &sa, nullptr);
    });
}

bool send_to(ThreadObject* t) {
    siginfo_t si{};
    si.si_signo = suspend_signal();
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_ptr = t;
    return syscall(SYS_rt_tgsigqueueinfo, getpid(), t->linux_tid, suspend_signal(), &si) == 0;
}

// The thread object of a handle (the pseudo-handle included), or null with ERROR_INVALID_HANDLE.
// The object of a thread this thread has suspended is remembered, so that the calls that follow
// (Get/SetThreadContext, ResumeThread) need no lock that the suspended thread might hold.
thread_local HANDLE t_suspended_handle = nullptr;
thread_local std::shared_ptr<ThreadObject> t_suspended;

std::shared_ptr<ThreadObject> local_thread(HANDLE h) {
    if (h == PSEUDO_THREAD) return std::static_pointer_cast<ThreadObject>(current_thread_object());
    if (h && h == t_suspended_handle) return t_suspended;
    auto o = handle_get(h);
    auto t = std::dynamic_pointer_cast<ThreadObject>(o);
    if (!t) set_last_error(ERROR_INVALID_HANDLE);
    return t;
}

bool thread_gone(const ThreadObject& t) {
    return syscall(SYS_tgkill, getpid(), t.linux_tid, 0) != 0 && errno == ESRCH;
}

// Waits until the suspended thread's handler holds its registers. False when it ended meanwhile.
bool wait_stopped(ThreadObject& t) {
    while (__atomic_load_n(&t.stopped_word, __ATOMIC_ACQUIRE) == 0) {
        timespec ts{0, 10 * 1000000L};
        syscall(SYS_futex, &t.stopped_word, FUTEX_WAIT_PRIVATE, 0, &ts, nullptr, 0);
        if (__atomic_load_n(&t.stopped_word, __ATOMIC_ACQUIRE) == 0 && thread_gone(t)) return false;
    }
    return true;
}
}  // namespace

DWORD WINAPI SuspendThread(HANDLE h) {
    std::shared_ptr<ThreadObject> t;
    if (h != PSEUDO_THREAD) {
        auto o = handle_get(h);
        if (o && dynamic_cast<RemoteThreadObject*>(o.get())) {
            // Another process's main thread: only while it still waits for its first ResumeThread.
            auto* rt = static_cast<RemoteThreadObject*>(o.get());
            std::lock_guard lock(sync_lock());
            if (rt->resume_fd < 0) {
                set_last_error(ERROR_ACCESS_DENIED);
                return DWORD(-1);
            }
            if (DWORD(rt->suspend_count) >= MAXIMUM_SUSPEND_COUNT) {
                set_last_error(ERROR_SIGNAL_REFUSED);
                return DWORD(-1);
            }
            return DWORD(rt->suspend_count++);
        }
    }
    t = local_thread(h);
    if (!t) return DWORD(-1);
    bool self = t->linux_tid == uint32_t(syscall(SYS_gettid));
    DWORD prev;
    {
        std::lock_guard lock(t->suspend_mutex);
        {
            std::lock_guard sl(sync_lock());
            if (t->exited) return DWORD(t->suspend_count);  // Windows counts on a dead thread too
        }
        prev = DWORD(t->suspend_count);
        if (prev >= MAXIMUM_SUSPEND_COUNT) {
            set_last_error(ERROR_SIGNAL_REFUSED);  // STATUS_SUSPEND_COUNT_EXCEEDED
            return DWORD(-1);
        }
        t->suspend_count++;
        if (prev != 0 || !t->started) return prev;  // already stopped, or not started yet
        install_suspend_handler();
        while (__atomic_load_n(&t->in_handler, __ATOMIC_ACQUIRE))
            syscall(SYS_futex, &t->in_handler, FUTEX_WAIT_PRIVATE, 1, nullptr, nullptr, 0);
        __atomic_store_n(&t->stopped_word, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&t->run_word, 0, __ATOMIC_RELEASE);
        if (!self && !send_to(t.get())) {
            t->suspend_count--;
            __atomic_store_n(&t->run_word, 1, __ATOMIC_RELEASE);
            return prev;  // it ended meanwhile
        }
        if (!self) {
            t_suspended_handle = h;
            t_suspended = t;
        }
    }
    // A thread that suspends itself stops right here, in the handler, until another resumes it.
    if (self) send_to(t.get());
    else wait_stopped(*t);
    return prev;
}

DWORD WINAPI ResumeThread(HANDLE h) {
    std::shared_ptr<KObject> o = h == t_suspended_handle && h ? std::shared_ptr<KObject>(t_suspended) : handle_get(h);
    if (auto* rt = dynamic_cast<RemoteThreadObject*>(o.get())) {
        std::lock_guard lock(sync_lock());
        DWORD prev = DWORD(rt->suspend_count);
        if (rt->suspend_count > 0 && --rt->suspend_count == 0 && rt->resume_fd >= 0) {
            // CREATE_SUSPENDED child: one byte on its start pipe lets it run.
            (void)!write(rt->resume_fd, "r", 1);
            close(rt->resume_fd);
            rt->resume_fd = -1;
        }
        return prev;
    }
    auto t = std::dynamic_pointer_cast<ThreadObject>(o);
    if (h == PSEUDO_THREAD) t = std::static_pointer_cast<ThreadObject>(current_thread_object());
    if (!t) {
        set_last_error(ERROR_INVALID_HANDLE);
        return DWORD(-1);
    }
    std::lock_guard lock(t->suspend_mutex);
    DWORD prev = DWORD(t->suspend_count);
    if (t->suspend_count > 0 && --t->suspend_count == 0) {
        if (!t->started) {
            __atomic_store_n(&t->resume_word, 1, __ATOMIC_RELEASE);
            syscall(SYS_futex, &t->resume_word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
        } else {
            __atomic_store_n(&t->run_word, 1, __ATOMIC_RELEASE);
            syscall(SYS_futex, &t->run_word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
        }
        if (t == t_suspended) {
            t_suspended_handle = nullptr;
            t_suspended.reset();
        }
    }
    return prev;
}

// The registers of a suspended thread, as its signal handler found them; of the calling thread,
// where it called GetThreadContext. A running thread (not suspended) is stopped for the moment of
// the copy, which is what Windows gives too (a snapshot of a moving target).
BOOL WINAPI GetThreadContext(HANDLE h, CONTEXT* ctx) {
    if (!ctx) return fail(ERROR_NOACCESS);
    auto t = local_thread(h);
    if (!t) return FALSE;
    if (t->linux_tid == uint32_t(syscall(SYS_gettid))) {
        alignas(16) CONTEXT now;
        winrun_RtlCaptureContext(&now);
        copy_context_parts(*ctx, now);
        return TRUE;
    }
    bool temporary = false;
    {
        std::lock_guard lock(t->suspend_mutex);
        if (!t->started) return fail(ERROR_NOT_SUPPORTED);  // CREATE_SUSPENDED, never run: no registers yet
        temporary = t->suspend_count == 0;
    }
    if (temporary && SuspendThread(h) == DWORD(-1)) return FALSE;
    std::lock_guard lock(t->suspend_mutex);
    BOOL ok = wait_stopped(*t);
    if (ok) copy_context_parts(*ctx, t->ctx);
    if (temporary) {
        t->suspend_mutex.unlock();
        ResumeThread(h);
        t->suspend_mutex.lock();
    }
    return ok ? TRUE : fail(ERROR_INVALID_HANDLE);
}

// Only on a suspended thread: the handler applies the change when the thread resumes. (Windows also
// allows it on a running thread, with a result nobody can rely on; winrun refuses that.)
BOOL WINAPI SetThreadContext(HANDLE h, const CONTEXT* ctx) {
    if (!ctx) return fail(ERROR_NOACCESS);
    auto t = local_thread(h);
    if (!t) return FALSE;
    std::lock_guard lock(t->suspend_mutex);
    if (t->linux_tid == uint32_t(syscall(SYS_gettid)) || t->suspend_count == 0 || !t->started)
        return fail(ERROR_INVALID_PARAMETER);
    if (!wait_stopped(*t)) return fail(ERROR_INVALID_HANDLE);
    CONTEXT merged = t->ctx;
    merged.ContextFlags = ctx->ContextFlags;
    copy_context_parts(merged, *ctx);
    // The handler writes back whatever the accumulated flags name.
    DWORD flags = (t->ctx_dirty ? t->ctx.ContextFlags : 0) | ctx->ContextFlags;
    t->ctx = merged;
    t->ctx.ContextFlags = flags;
    t->ctx_dirty = true;
    return TRUE;
}

// Ends another thread at once, without DLL_THREAD_DETACH (documented as dangerous: locks it holds
// stay held). The current thread: ExitThread without notifications.
BOOL WINAPI TerminateThread(HANDLE h, DWORD code) {
    auto t = local_thread(h);
    if (!t) return FALSE;
    {
        std::lock_guard sl(sync_lock());
        if (t->exited) return TRUE;
    }
    if (t.get() != t_self && t->linux_tid == uint32_t(syscall(SYS_gettid))) return fail(ERROR_ACCESS_DENIED);
    if (!t->start) return fail(ERROR_ACCESS_DENIED);  // the main thread: not created by CreateThread
    std::lock_guard lock(t->suspend_mutex);
    t->terminate_code = code;
    __atomic_store_n(&t->terminate, true, __ATOMIC_RELEASE);
    if (t.get() == t_self) {
        t->suspend_mutex.unlock();
        siglongjmp(t->exit_jump, 1);
    }
    if (!t->started) {
        // Still waiting for its first ResumeThread: let it go straight to its end.
        __atomic_store_n(&t->resume_word, 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, &t->resume_word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
        return TRUE;
    }
    install_suspend_handler();
    if (t->suspend_count > 0) {
        // Asleep in the handler: wake it; it sees `terminate`.
        __atomic_store_n(&t->run_word, 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, &t->run_word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    } else {
        send_to(t.get());
    }
    return TRUE;
}

HANDLE WINAPI OpenThread(DWORD, BOOL inherit, DWORD tid) {
    std::shared_ptr<ThreadObject> t;
    if (tid == current_thread_id()) t = std::static_pointer_cast<ThreadObject>(current_thread_object());
    else {
        std::lock_guard lock(g_threads_mutex);
        auto it = g_threads.find(tid);
        if (it != g_threads.end()) t = it->second;
    }
    if (!t) {
        // Threads of other processes are not reachable here.
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    return handle_alloc(t, inherit);
}

DWORD WINAPI GetProcessIdOfThread(HANDLE h) {
    if (h == PSEUDO_THREAD) return current_process_id();
    auto o = handle_get(h);
    if (auto* rt = dynamic_cast<RemoteThreadObject*>(o.get())) return rt->process->pid;
    if (!dynamic_cast<ThreadObject*>(o.get())) {
        set_last_error(ERROR_INVALID_HANDLE);
        return 0;
    }
    return current_process_id();
}

using HRESULT = LONG;
HRESULT WINAPI SetThreadDescription(HANDLE h, LPCWSTR desc) {
    auto t = local_thread(h);
    if (!t) return HRESULT(0x80070006);  // HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE)
    if (!desc) return HRESULT(0x80070057);  // E_INVALIDARG
    std::u16string d(wview(desc));
    {
        std::lock_guard lock(t->suspend_mutex);
        t->description = d;
    }
    // Linux shows the first 15 bytes as the thread's name (ps, top, gdb).
    std::string n = utf16_to_utf8(d).substr(0, 15);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%u/comm", t->linux_tid);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)!write(fd, n.data(), n.size());
        close(fd);
    }
    return 0;
}

HANDLE WINAPI LocalAlloc(UINT flags, SIZE_T size);
HRESULT WINAPI GetThreadDescription(HANDLE h, LPWSTR* out) {
    if (!out) return HRESULT(0x80070057);
    auto t = local_thread(h);
    if (!t) return HRESULT(0x80070006);
    std::u16string d;
    {
        std::lock_guard lock(t->suspend_mutex);
        d = t->description;
    }
    auto* p = static_cast<char16_t*>(LocalAlloc(0, (d.size() + 1) * 2));
    if (!p) return HRESULT(0x8007000E);  // E_OUTOFMEMORY
    std::memcpy(p, d.c_str(), (d.size() + 1) * 2);
    *out = p;
    return 0;
}

BOOL WINAPI SwitchToThread() { return sched_yield() == 0; }

// Priorities are kept and reported, not applied (raising a Linux nice value needs privileges, and
// lowering it could not be undone).
constexpr int THREAD_PRIORITY_ERROR_RETURN = 0x7FFFFFFF;
int WINAPI GetThreadPriority(HANDLE h) {
    auto t = local_thread(h);
    if (!t) return THREAD_PRIORITY_ERROR_RETURN;
    std::lock_guard lock(t->suspend_mutex);
    return t->priority;
}
BOOL WINAPI SetThreadPriority(HANDLE h, int prio) {
    if (prio < -15 || (prio > 2 && prio != 15)) return fail(ERROR_INVALID_PARAMETER);
    if (prio < -2 && prio != -15) return fail(ERROR_INVALID_PARAMETER);
    auto t = local_thread(h);
    if (!t) return FALSE;
    std::lock_guard lock(t->suspend_mutex);
    t->priority = prio;
    return TRUE;
}
BOOL WINAPI GetThreadPriorityBoost(HANDLE h, BOOL* disabled) {
    if (!local_thread(h)) return FALSE;
    if (!disabled) return fail(ERROR_NOACCESS);
    *disabled = FALSE;
    return TRUE;
}
BOOL WINAPI SetThreadPriorityBoost(HANDLE h, BOOL) { return local_thread(h) ? TRUE : FALSE; }

namespace {
std::atomic<DWORD> g_priority_class{0x20};  // NORMAL_PRIORITY_CLASS
bool valid_priority_class(DWORD c) {
    switch (c) {
    case 0x20: case 0x40: case 0x80: case 0x100: case 0x4000: case 0x8000: return true;  // normal idle high realtime below above
    default: return false;
    }
}
}  // namespace
// The current process's class is kept and reported; another process is reported as normal.
BOOL WINAPI SetPriorityClass(HANDLE process, DWORD cls) {
    constexpr DWORD BACKGROUND_BEGIN = 0x100000, BACKGROUND_END = 0x200000;
    if (cls == BACKGROUND_BEGIN || cls == BACKGROUND_END) return TRUE;
    if (!valid_priority_class(cls)) return fail(ERROR_INVALID_PARAMETER);
    if (process != PSEUDO_PROCESS) {
        auto o = handle_get(process);
        if (!o || o->kind != ObjectKind::Process) return fail(ERROR_INVALID_HANDLE);
        if (!static_cast<ProcessObject*>(o.get())->self) return TRUE;
    }
    g_priority_class = cls;
    return TRUE;
}
DWORD WINAPI GetPriorityClass(HANDLE process) {
    if (process != PSEUDO_PROCESS) {
        auto o = handle_get(process);
        if (!o || o->kind != ObjectKind::Process) {
            set_last_error(ERROR_INVALID_HANDLE);
            return 0;
        }
        if (!static_cast<ProcessObject*>(o.get())->self) return 0x20;
    }
    return g_priority_class;
}

WR_EXPORT_PART(kernel32_thread, WR_EXPORT(CreateThread), WR_EXPORT(ExitThread), WR_EXPORT(GetExitCodeThread),
               WR_EXPORT(GetThreadId), WR_EXPORT(ResumeThread), WR_EXPORT(SwitchToThread),
               WR_EXPORT(GetThreadPriority), WR_EXPORT(SetThreadPriority), WR_EXPORT(SuspendThread),
               WR_EXPORT(GetThreadContext), WR_EXPORT(SetThreadContext), WR_EXPORT(TerminateThread),
               WR_EXPORT(OpenThread), WR_EXPORT(GetProcessIdOfThread), WR_EXPORT(SetThreadDescription),
               WR_EXPORT(GetThreadDescription), WR_EXPORT(SetPriorityClass), WR_EXPORT(GetPriorityClass),
               WR_EXPORT(GetThreadPriorityBoost), WR_EXPORT(SetThreadPriorityBoost));

}  // namespace winrun::k32

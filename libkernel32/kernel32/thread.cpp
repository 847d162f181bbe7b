// Threads: each Windows thread is a pthread with its own TEB (through gs), TLS blocks of the
// images, an alternate signal stack, and DLL_THREAD_ATTACH/DETACH notifications.
// ExitThread jumps back to the thread's start frame (ours) instead of pthread_exit, whose forced
// unwind would have to walk Windows frames that have no DWARF unwind information.
// The process ends when its last thread ends, with that thread's exit code, as on Windows.
#include <asm/prctl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "binder.h"
#include "client.h"
#include "builtin/builtin.h"
#include "thread.h"
#include "vm.h"
#include "waitable.h"
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
    int suspend_count = 0;
    int resume_word = 0;  // futex the suspended start waits on
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
    // CREATE_SUSPENDED: wait for ResumeThread.
    while (__atomic_load_n(&t->resume_word, __ATOMIC_ACQUIRE) == 0)
        syscall(SYS_futex, &t->resume_word, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    loader::notify_threads(DLL_THREAD_ATTACH);
    DWORD code;
    if (sigsetjmp(t->exit_jump, 0) == 0) code = t->start(t->param);
    else code = t->exit_code == STILL_ACTIVE ? 0 : t->exit_code;
    finish_thread(t, code);
    return nullptr;  // a plain return: pthread_exit's forced unwind is not needed and not wanted
}

void finish_thread(ThreadObject* t, DWORD code) {
    fls_thread_exit();  // the FLS callbacks of this thread, then DLL_THREAD_DETACH
    loader::notify_threads(DLL_THREAD_DETACH);
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
    return static_cast<ThreadObject*>(o.get())->tid;
}

DWORD WINAPI ResumeThread(HANDLE h) {
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::Thread) {
        set_last_error(ERROR_INVALID_HANDLE);
        return DWORD(-1);
    }
    auto* t = static_cast<ThreadObject*>(o.get());
    std::lock_guard lock(sync_lock());
    DWORD prev = DWORD(t->suspend_count);
    if (t->suspend_count > 0 && --t->suspend_count == 0) {
        __atomic_store_n(&t->resume_word, 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, &t->resume_word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    }
    return prev;
}

BOOL WINAPI SwitchToThread() { return sched_yield() == 0; }
int WINAPI GetThreadPriority(HANDLE) { return 0; }  // THREAD_PRIORITY_NORMAL
// Priorities are accepted and not applied (Linux nice values need privileges to raise).
BOOL WINAPI SetThreadPriority(HANDLE, int prio) {
    if (prio < -15 || (prio > 2 && prio != 15)) return fail(ERROR_INVALID_PARAMETER);
    return TRUE;
}

WR_EXPORT_PART(kernel32_thread, WR_EXPORT(CreateThread), WR_EXPORT(ExitThread), WR_EXPORT(GetExitCodeThread),
               WR_EXPORT(GetThreadId), WR_EXPORT(ResumeThread), WR_EXPORT(SwitchToThread),
               WR_EXPORT(GetThreadPriority), WR_EXPORT(SetThreadPriority));

}  // namespace winrun::k32

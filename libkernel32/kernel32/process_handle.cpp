// Other processes of the session, through csrssd: OpenProcess, GetExitCodeProcess, GetProcessId,
// GetProcessTimes, waits on process handles, and Toolhelp snapshots (Process32*/Thread32*).
// A process handle holds a reference in csrssd, so the exit code stays queryable after the
// process is gone, as on Windows.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "builtin/builtin.h"
#include "client.h"
#include "unicode.h"
#include "process_handle.h"

namespace winrun::k32 {

namespace {
std::shared_ptr<ProcessObject> process_from(HANDLE h) {
    if (h == PSEUDO_PROCESS) {
        auto self = std::make_shared<ProcessObject>();
        self->self = true;
        self->pid = current_process_id();
        self->linux_pid = uint32_t(getpid());
        return self;
    }
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::Process) return nullptr;
    return std::static_pointer_cast<ProcessObject>(o);
}

void to_filetime(uint64_t v, FILETIME* ft) {
    ft->dwLowDateTime = DWORD(v);
    ft->dwHighDateTime = DWORD(v >> 32);
}
}  // namespace

// The code goes to csrssd first (as if the process had reported it), then SIGKILL through the
// pidfd: whoever sees the process gone finds the code recorded. A process that has already ended
// cannot be terminated (ERROR_ACCESS_DENIED, as Windows answers).
BOOL terminate_other_process(ProcessObject& p, UINT code) {
    {
        std::lock_guard lock(sync_lock());
        if (p.ready(0)) return fail(ERROR_ACCESS_DENIED);
    }
    csrss::Session* s = session();
    bool recorded = s && p.referenced && s->terminate_process(p.pid, code);
    if (!recorded) {
        std::lock_guard lock(sync_lock());
        p.forced = true;
        p.forced_code = code;
    }
    long r = p.pidfd >= 0 ? syscall(SYS_pidfd_send_signal, p.pidfd, SIGKILL, nullptr, 0)
           : p.linux_pid  ? kill(pid_t(p.linux_pid), SIGKILL)
                          : -1;
    if (r != 0 && !recorded) return fail(ERROR_ACCESS_DENIED);
    return TRUE;
}

HANDLE WINAPI OpenProcess(DWORD access, BOOL inherit, DWORD pid) {
    if (pid == 0) {  // the System Idle Process cannot be opened
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    auto p = std::make_shared<ProcessObject>();
    p->pid = pid;
    if (pid == current_process_id()) {
        p->self = true;
        p->linux_pid = uint32_t(getpid());
        return handle_alloc(p, inherit);
    }
    csrss::Session* s = session();
    auto e = s ? s->open_process(pid) : Result<csrss::ProcessEntry>(make_error("no session"));
    if (!e) {
        // No such process in the session: Windows answers ERROR_INVALID_PARAMETER for unknown ids.
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    p->referenced = true;
    p->linux_pid = e->info.linux_pid;
    p->start_time = e->info.start_time;
    p->exit_time = e->info.exit_time;
    if (e->info.exit_code != STILL_ACTIVE && e->info.exit_time) {
        p->exited = true;
        p->exit_code = e->info.exit_code;
    } else if (p->linux_pid) {
        p->pidfd = int(syscall(SYS_pidfd_open, p->linux_pid, 0));
    }
    (void)access;
    return handle_alloc(p, inherit);
}

BOOL WINAPI GetExitCodeProcess(HANDLE h, DWORD* code) {
    auto p = process_from(h);
    if (!p) return fail(ERROR_INVALID_HANDLE);
    if (!code) return fail(ERROR_NOACCESS);
    if (p->self) {
        *code = STILL_ACTIVE;
        return TRUE;
    }
    std::lock_guard lock(sync_lock());
    *code = p->ready(0) ? p->exit_code : STILL_ACTIVE;
    return TRUE;
}

DWORD WINAPI GetProcessId(HANDLE h) {
    auto p = process_from(h);
    if (!p) {
        set_last_error(ERROR_INVALID_HANDLE);
        return 0;
    }
    return p->pid;
}

// Kernel and user times: from getrusage for this process, from /proc/<pid>/stat for another.
BOOL WINAPI GetProcessTimes(HANDLE h, FILETIME* creation, FILETIME* exit, FILETIME* kernel, FILETIME* user) {
    auto p = process_from(h);
    if (!p) return fail(ERROR_INVALID_HANDLE);
    uint64_t start = p->start_time, end = p->exit_time;
    if (p->self || !start) {
        if (csrss::Session* s = session())
            if (auto e = s->query_process(p->pid)) {
                start = e->info.start_time;
                end = e->info.exit_time;
            }
    }
    uint64_t k = 0, u = 0;
    if (p->self) {
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        k = uint64_t(ru.ru_stime.tv_sec) * 10000000 + uint64_t(ru.ru_stime.tv_usec) * 10;
        u = uint64_t(ru.ru_utime.tv_sec) * 10000000 + uint64_t(ru.ru_utime.tv_usec) * 10;
    } else if (p->linux_pid) {
        char path[64], buf[1024];
        snprintf(path, sizeof path, "/proc/%u/stat", p->linux_pid);
        if (FILE* f = fopen(path, "r")) {
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[n] = 0;
            // Fields 14 and 15 (utime, stime) in clock ticks, after the ")" that ends the name.
            if (char* q = strrchr(buf, ')')) {
                unsigned long long ut = 0, st = 0;
                if (sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2) {
                    long hz = sysconf(_SC_CLK_TCK);
                    u = ut * 10000000ull / uint64_t(hz);
                    k = st * 10000000ull / uint64_t(hz);
                }
            }
        }
    }
    if (creation) to_filetime(start, creation);
    if (exit) to_filetime(end, exit);
    if (kernel) to_filetime(k, kernel);
    if (user) to_filetime(u, user);
    return TRUE;
}

// ---- Toolhelp ------------------------------------------------------------------------------------
namespace {
constexpr DWORD TH32CS_SNAPPROCESS = 0x2, TH32CS_SNAPTHREAD = 0x4;

struct PROCESSENTRY32W {
    DWORD dwSize, cntUsage, th32ProcessID;
    ULONG_PTR th32DefaultHeapID;
    DWORD th32ModuleID, cntThreads, th32ParentProcessID;
    LONG pcPriClassBase;
    DWORD dwFlags;
    WCHAR szExeFile[260];
};
static_assert(sizeof(PROCESSENTRY32W) == 568 && offsetof(PROCESSENTRY32W, szExeFile) == 44);
struct PROCESSENTRY32 {
    DWORD dwSize, cntUsage, th32ProcessID;
    ULONG_PTR th32DefaultHeapID;
    DWORD th32ModuleID, cntThreads, th32ParentProcessID;
    LONG pcPriClassBase;
    DWORD dwFlags;
    CHAR szExeFile[260];
};
static_assert(sizeof(PROCESSENTRY32) == 304);
struct THREADENTRY32 {
    DWORD dwSize, cntUsage, th32ThreadID, th32OwnerProcessID;
    LONG tpBasePri, tpDeltaPri;
    DWORD dwFlags;
};
static_assert(sizeof(THREADENTRY32) == 28);

struct Snapshot : KObject {
    Snapshot() : KObject(ObjectKind::Other) {}
    std::vector<PROCESSENTRY32W> processes;
    std::vector<THREADENTRY32> threads;
    size_t next_process = 0, next_thread = 0;
};

std::shared_ptr<Snapshot> snapshot_from(HANDLE h) {
    auto o = handle_get(h);
    return o ? std::dynamic_pointer_cast<Snapshot>(o) : nullptr;
}

// The EXE's file name, as Toolhelp shows it.
std::u16string exe_name(const std::string& image) {
    size_t p = image.find_last_of("\\/");
    return utf8_to_utf16(p == std::string::npos ? image : image.substr(p + 1));
}
}  // namespace

// Session processes only: winrun has no System process or services to show.
HANDLE WINAPI CreateToolhelp32Snapshot(DWORD flags, DWORD) {
    auto snap = std::make_shared<Snapshot>();
    csrss::Session* s = session();
    if (flags & (TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD)) {
        if (!s) {
            set_last_error(ERROR_NOT_SUPPORTED);
            return INVALID_HANDLE_VALUE;
        }
        auto list = s->list_processes();
        if (!list) {
            set_last_error(ERROR_NOT_ENOUGH_MEMORY);
            return INVALID_HANDLE_VALUE;
        }
        for (const auto& e : list.value()) {
            if (e.info.exit_time) continue;  // ended processes are not in a snapshot
            if (flags & TH32CS_SNAPPROCESS) {
                PROCESSENTRY32W pe{};
                pe.dwSize = sizeof pe;
                pe.th32ProcessID = e.info.pid;
                pe.cntThreads = e.info.thread_count;
                pe.th32ParentProcessID = e.info.parent_pid;
                pe.pcPriClassBase = 8;  // NORMAL_PRIORITY_CLASS base priority
                std::u16string n = exe_name(e.image_path);
                std::memcpy(pe.szExeFile, n.data(), std::min<size_t>(n.size(), 259) * 2);
                snap->processes.push_back(pe);
            }
        }
        if (flags & TH32CS_SNAPTHREAD) {
            auto threads = s->list_threads();
            if (!threads) {
                set_last_error(ERROR_NOT_ENOUGH_MEMORY);
                return INVALID_HANDLE_VALUE;
            }
            for (const auto& t : threads.value()) {
                THREADENTRY32 te{};
                te.dwSize = sizeof te;
                te.th32ThreadID = t.tid;
                te.th32OwnerProcessID = t.owner_pid;
                te.tpBasePri = 8;
                snap->threads.push_back(te);
            }
        }
    }
    return handle_alloc(snap);
}

BOOL WINAPI Process32FirstW(HANDLE h, PROCESSENTRY32W* pe) {
    auto snap = snapshot_from(h);
    if (!snap) return fail(ERROR_INVALID_HANDLE);
    snap->next_process = 0;
    if (!pe || pe->dwSize < sizeof *pe) return fail(24 /* ERROR_BAD_LENGTH */);
    if (snap->processes.empty()) return fail(ERROR_NO_MORE_FILES);
    *pe = snap->processes[snap->next_process++];
    return TRUE;
}
BOOL WINAPI Process32NextW(HANDLE h, PROCESSENTRY32W* pe) {
    auto snap = snapshot_from(h);
    if (!snap) return fail(ERROR_INVALID_HANDLE);
    if (!pe || pe->dwSize < sizeof *pe) return fail(24 /* ERROR_BAD_LENGTH */);
    if (snap->next_process >= snap->processes.size()) return fail(ERROR_NO_MORE_FILES);
    *pe = snap->processes[snap->next_process++];
    return TRUE;
}

static void narrow_entry(const PROCESSENTRY32W& w, PROCESSENTRY32* a) {
    std::memcpy(a, &w, offsetof(PROCESSENTRY32, szExeFile));
    a->dwSize = sizeof *a;
    std::string n = wide_to_ansi(wview(w.szExeFile));
    std::memset(a->szExeFile, 0, sizeof a->szExeFile);
    std::memcpy(a->szExeFile, n.data(), std::min<size_t>(n.size(), 259));
}
BOOL WINAPI Process32First(HANDLE h, PROCESSENTRY32* pe) {
    auto snap = snapshot_from(h);
    if (!snap) return fail(ERROR_INVALID_HANDLE);
    snap->next_process = 0;
    if (!pe || pe->dwSize < sizeof *pe) return fail(24 /* ERROR_BAD_LENGTH */);
    if (snap->processes.empty()) return fail(ERROR_NO_MORE_FILES);
    narrow_entry(snap->processes[snap->next_process++], pe);
    return TRUE;
}
BOOL WINAPI Process32Next(HANDLE h, PROCESSENTRY32* pe) {
    auto snap = snapshot_from(h);
    if (!snap) return fail(ERROR_INVALID_HANDLE);
    if (!pe || pe->dwSize < sizeof *pe) return fail(24 /* ERROR_BAD_LENGTH */);
    if (snap->next_process >= snap->processes.size()) return fail(ERROR_NO_MORE_FILES);
    narrow_entry(snap->processes[snap->next_process++], pe);
    return TRUE;
}

BOOL WINAPI Thread32First(HANDLE h, THREADENTRY32* te) {
    auto snap = snapshot_from(h);
    if (!snap) return fail(ERROR_INVALID_HANDLE);
    snap->next_thread = 0;
    if (!te || te->dwSize < sizeof *te) return fail(24 /* ERROR_BAD_LENGTH */);
    if (snap->threads.empty()) return fail(ERROR_NO_MORE_FILES);
    *te = snap->threads[snap->next_thread++];
    return TRUE;
}
BOOL WINAPI Thread32Next(HANDLE h, THREADENTRY32* te) {
    auto snap = snapshot_from(h);
    if (!snap) return fail(ERROR_INVALID_HANDLE);
    if (!te || te->dwSize < sizeof *te) return fail(24 /* ERROR_BAD_LENGTH */);
    if (snap->next_thread >= snap->threads.size()) return fail(ERROR_NO_MORE_FILES);
    *te = snap->threads[snap->next_thread++];
    return TRUE;
}

WR_EXPORT_PART(kernel32_process_handle, WR_EXPORT(OpenProcess), WR_EXPORT(GetExitCodeProcess), WR_EXPORT(GetProcessId),
               WR_EXPORT(GetProcessTimes), WR_EXPORT(CreateToolhelp32Snapshot), WR_EXPORT(Process32First),
               WR_EXPORT(Process32Next), WR_EXPORT(Process32FirstW), WR_EXPORT(Process32NextW),
               WR_EXPORT(Thread32First), WR_EXPORT(Thread32Next));

}  // namespace winrun::k32

// The console API (design decision 13).
//
// Redirected mode (no console): the std handles are plain handles on inherited fds and every
// console-only call fails on them with ERROR_INVALID_HANDLE, which is how programs detect
// redirection. A console exists once the process calls AllocConsole or opens CONIN$/CONOUT$: a
// headless winrun-conhost is started (beside winrun) with one end of a SOCK_SEQPACKET pair, and the
// calls below talk to it directly (protocol: conhost/server/protocol.h). Console handles are
// ConsoleObjects naming a screen buffer (or the input buffer); ReadFile/WriteFile/GetFileType on
// them come here through file.cpp.
//
// Connections: each request takes a connection from a pool and gives it back after the reply, so a
// thread blocked in ReadConsole does not hold up another thread's WriteConsole; conhost hands out a
// new connection (SCM_RIGHTS) when the pool is empty. A Windows thread per console waits for
// control events (WAIT_CTRL) and runs the handlers through console_ctrl.cpp.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <mutex>
#include <string>
#include <vector>

#include "builtin/builtin.h"
#include "file.h"
#include "k32.h"
#include "log.h"
#include "client.h"
#include "server/protocol.h"
#include "unicode.h"

extern char** environ;

namespace winrun::k32 {

namespace proto = winrun::con::proto;
using proto::Op;
using con::CHAR_INFO;
using con::CONSOLE_CURSOR_INFO;
using con::CONSOLE_SCREEN_BUFFER_INFO;
using con::COORD;
using con::INPUT_RECORD;
using con::SMALL_RECT;

INT WINAPI MultiByteToWideChar(UINT cp, DWORD flags, LPCSTR src, INT srclen, LPWSTR dst, INT dstlen);
INT WINAPI WideCharToMultiByte(UINT cp, DWORD flags, LPCWSTR src, INT srclen, LPSTR dst, INT dstlen, LPCSTR defchar, BOOL* used);
BOOL WINAPI IsValidCodePage(UINT cp);
using ThreadStart = DWORD(WINAPI*)(void*);
HANDLE WINAPI CreateThread(void* sa, SIZE_T stack, ThreadStart fn, void* arg, DWORD flags, DWORD* tid);
BOOL WINAPI CloseHandle(HANDLE h);
HANDLE WINAPI GetStdHandle(DWORD which);
BOOL WINAPI SetStdHandle(DWORD which, HANDLE h);

namespace {

struct ConsoleObject : KObject {
    ConsoleObject() : KObject(ObjectKind::Console) {}
    uint32_t buffer = 0;      // screen buffer id; 0 = the input buffer
    uint64_t generation = 0;  // the console it belongs to (FreeConsole invalidates older handles)
    DWORD access = 0;
};

// Lock rule: g_mutex guards everything here except the pool's connections while borrowed.
std::mutex g_mutex;
bool g_attached = false;
uint64_t g_generation = 0;
int g_main_fd = -1;           // used for NEW_CONNECTION only
std::vector<int> g_pool;      // idle connections
std::vector<int> g_all;       // every connection of this console (shut down by FreeConsole)
pid_t g_conhost_pid = 0;

// Output is asynchronous (protocol.h): WriteConsole sends on a connection of its own and does not
// wait; conhost handles a synchronous request only after the writes sent before it (the fence).
//
// Small writes are batched: WriteConsole appends its text to one pending WRITE datagram (per
// process, for one screen buffer at a time) and returns. The batch is sent when it is full, when a
// write goes to another screen buffer, before every synchronous request (transact: so the fence
// taken after the flush counts the batch, and a prompt is on the screen before the ReadConsole that
// follows it), by FreeConsole, before CreateProcess hands the console to a child, at process exit
// (console_process_exit), and by the flusher thread 2 ms after the batch got its first text, so
// interactive output still appears at once. g_async_sent counts datagrams actually sent.
//
// Lock rule: g_write_mutex guards g_write_fd, the batch (g_batch*), the flusher's start and the
// sending of asynchronous datagrams (so that they leave in order and g_async_sent is exact); the
// flusher thread sleeps on g_flush_cv under it. Lock order: g_write_mutex, then g_mutex; never
// g_write_mutex while holding g_mutex.
std::mutex& g_write_mutex = *new std::mutex;  // never destroyed: the flusher may wait on it at exit
std::condition_variable& g_flush_cv = *new std::condition_variable;
int g_write_fd = -1;
std::atomic<uint32_t> g_async_sent{0};   // asynchronous requests sent (the fence of the next request)
std::atomic<uint32_t> g_async_error{0};  // a failed write, reported by the next WriteConsole
std::vector<uint8_t> g_batch;            // a WRITE request being filled (header + UTF-16); empty: none
uint32_t g_batch_buffer = 0;             // its screen buffer
std::chrono::steady_clock::time_point g_batch_since;  // when it got its first text
bool g_flusher_started = false;
constexpr auto k_batch_delay = std::chrono::milliseconds(2);

int conn_transact_raw(int fd, const proto::Request& rq, const void* payload, size_t len, proto::Reply& rep,
                      std::vector<uint8_t>* out, int* fd_out) {
    std::vector<uint8_t> buf(sizeof rq + len);
    std::memcpy(buf.data(), &rq, sizeof rq);
    if (len) std::memcpy(buf.data() + sizeof rq, payload, len);
    ssize_t s;
    while ((s = send(fd, buf.data(), buf.size(), MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
    if (s != ssize_t(buf.size())) return -1;
    std::vector<uint8_t> in(proto::k_max_datagram);
    iovec iov{in.data(), in.size()};
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    ssize_t n;
    while ((n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
    if (n < ssize_t(sizeof rep)) return -1;
    std::memcpy(&rep, in.data(), sizeof rep);
    if (out) out->assign(in.begin() + sizeof rep, in.begin() + n);
    for (cmsghdr* cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
            int rfd;
            std::memcpy(&rfd, CMSG_DATA(cm), sizeof rfd);
            if (fd_out) *fd_out = rfd;
            else close(rfd);
        }
    return 0;
}

// Under g_mutex. A connection for one request (from the pool or a new one), or -1.
int take_connection() {
    if (!g_pool.empty()) {
        int fd = g_pool.back();
        g_pool.pop_back();
        return fd;
    }
    proto::Request rq{uint16_t(Op::NEW_CONNECTION), 0, 0, {}};
    proto::Reply rep{};
    int nfd = -1;
    if (conn_transact_raw(g_main_fd, rq, nullptr, 0, rep, nullptr, &nfd) != 0 || rep.error || nfd < 0) return -1;
    g_all.push_back(nfd);
    return nfd;
}

// One request to the console. Returns the Windows error (0 = success); ERROR_INVALID_HANDLE when
// there is no console or it went away.
void flush_writes();

DWORD transact(const proto::Request& rq, const void* payload, size_t len, proto::Reply& rep, std::vector<uint8_t>* out = nullptr) {
    flush_writes();  // before the fence is read: the batched writes come first
    int fd;
    uint64_t gen;
    {
        std::lock_guard lock(g_mutex);
        if (!g_attached) return ERROR_INVALID_HANDLE;
        fd = take_connection();
        gen = g_generation;
    }
    if (fd < 0) return ERROR_INVALID_HANDLE;
    proto::Request fenced = rq;
    fenced.arg[5] = g_async_sent.load();
    int r = conn_transact_raw(fd, fenced, payload, len, rep, out, nullptr);
    if (r == 0 && rep.val[4]) {
        uint32_t none = 0;
        g_async_error.compare_exchange_strong(none, rep.val[4]);
    }
    std::lock_guard lock(g_mutex);
    if (g_attached && gen == g_generation && r == 0) g_pool.push_back(fd);
    if (r != 0) return ERROR_INVALID_HANDLE;
    return rep.error;
}

proto::Request request(Op op, uint32_t handle, std::initializer_list<uint32_t> args = {}) {
    proto::Request rq{uint16_t(op), 0, handle, {}};
    size_t i = 0;
    for (uint32_t a : args) rq.arg[i++] = a;
    return rq;
}

// The console object behind a handle of the current console, or null (ERROR_INVALID_HANDLE set).
std::shared_ptr<ConsoleObject> console_object(HANDLE h) {
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::Console) {
        set_last_error(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    auto c = std::static_pointer_cast<ConsoleObject>(o);
    std::lock_guard lock(g_mutex);
    if (!g_attached || c->generation != g_generation) {
        set_last_error(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    return c;
}
std::shared_ptr<ConsoleObject> output_object(HANDLE h) {
    auto c = console_object(h);
    if (c && c->buffer == 0) {
        set_last_error(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    return c;
}
std::shared_ptr<ConsoleObject> input_object(HANDLE h) {
    auto c = console_object(h);
    if (c && c->buffer != 0) {
        set_last_error(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    return c;
}

HANDLE new_console_handle(uint32_t buffer, DWORD access) {
    auto o = std::make_shared<ConsoleObject>();
    o->buffer = buffer;
    o->access = access ? access : (GENERIC_READ | GENERIC_WRITE);
    std::lock_guard lock(g_mutex);
    o->generation = g_generation;
    return handle_alloc(std::move(o));
}

uint32_t g_active_at_start = 1;

DWORD WINAPI ctrl_listener(void* arg) {
    int fd = int(reinterpret_cast<intptr_t>(arg));
    for (;;) {
        proto::Reply rep{};
        if (conn_transact_raw(fd, request(Op::WAIT_CTRL, 0), nullptr, 0, rep, nullptr, nullptr) != 0 || rep.error) return 0;
        deliver_console_ctrl_event(rep.val[0]);
    }
}

std::string conhost_path() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "winrun-conhost";
    std::string p(buf, size_t(n));
    return p.substr(0, p.rfind('/') + 1) + "winrun-conhost";
}

bool g_tty_console = false;  // conhost owns the terminal (wait for it to give it back at exit)

uint32_t g_console_id = 0;  // the console's id in csrssd (0: not known to csrssd, e.g. no session)

// The process group for control events (GenerateConsoleCtrlEvent): inherited from the parent
// (WINRUN_CONSOLE_GROUP), or this process's own pid (a group of its own, CREATE_NEW_PROCESS_GROUP).
uint32_t console_group() {
    static uint32_t group = [] {
        const char* g = getenv("WINRUN_CONSOLE_GROUP");
        uint32_t v = g ? uint32_t(strtoul(g, nullptr, 10)) : 0;
        return v ? v : current_process_id();
    }();
    return group;
}

// Attaches to the conhost on `fd` (a connection of our own, not yet HELLOed). Under g_mutex.
DWORD attach_fd(int fd, pid_t conhost_pid, bool tty, uint32_t console_id) {
    proto::Request rq = request(Op::HELLO, 0, {proto::k_version, current_process_id(), uint32_t(getpid()), console_group()});
    proto::Reply rep{};
    if (conn_transact_raw(fd, rq, nullptr, 0, rep, nullptr, nullptr) != 0 || rep.error) {
        close(fd);
        return ERROR_INVALID_HANDLE;
    }
    g_active_at_start = rep.val[0];
    g_conhost_pid = conhost_pid;
    g_tty_console = tty;
    g_console_id = console_id;
    g_main_fd = fd;
    g_all = {fd};
    g_pool.clear();
    g_attached = true;
    g_generation++;
    // The control-event listener, on a connection of its own.
    int lfd = take_connection();
    if (lfd >= 0) {
        HANDLE t = CreateThread(nullptr, 64 * 1024, ctrl_listener, reinterpret_cast<void*>(intptr_t(lfd)), 0, nullptr);
        if (t) CloseHandle(t);
    }
    return 0;
}

// Starts a conhost ourselves: on the terminal `tty_fd` (it must run in our process group), or
// headless when there is no session to ask. Under g_mutex.
DWORD spawn_console(int tty_fd) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return error_from_errno(errno);
    std::string path = conhost_path();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    // The terminal first: it may be fd 1 or 2, which the next actions replace.
    if (tty_fd >= 0) posix_spawn_file_actions_adddup2(&fa, tty_fd, 4);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    // conhost's own diagnostics go to our stderr.
    posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    // Headless: its own process group (Ctrl+C typed at a terminal is for the program). On a terminal
    // it stays in the program's group, which is the terminal's foreground group: conhost reads the
    // terminal in raw mode, so Ctrl+C reaches it as a key, not as SIGINT.
    posix_spawnattr_setflags(&at, (tty_fd < 0 ? POSIX_SPAWN_SETPGROUP : 0) | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&at, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&at, &none);
    char* argv[] = {const_cast<char*>(path.c_str()), const_cast<char*>(tty_fd < 0 ? "--headless" : "--tty"),
                    const_cast<char*>(tty_fd < 0 ? "--fd" : "4"), const_cast<char*>(tty_fd < 0 ? "3" : "--fd"),
                    const_cast<char*>(tty_fd < 0 ? nullptr : "3"), nullptr};
    pid_t pid;
    int rc = posix_spawn(&pid, path.c_str(), &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        WR_WARN(process, "cannot start {}: {}", path, strerror(rc));
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    // Make the console known to csrssd (children and AttachConsole find it there): csrssd keeps a
    // connection of its own, asked for before our HELLO so that it belongs to no process.
    uint32_t id = 0;
    if (csrss::Session* s = session()) {
        proto::Reply rep{};
        int nfd = -1;
        if (conn_transact_raw(sv[0], request(Op::NEW_CONNECTION, 0), nullptr, 0, rep, nullptr, &nfd) == 0 && !rep.error && nfd >= 0) {
            if (auto r = s->console_adopt(nfd)) id = r.value();
            else WR_WARN(process, "console not registered with csrssd: {}", r.error().message);
            close(nfd);
        }
    }
    return attach_fd(sv[0], pid, tty_fd >= 0, id);
}

// A new console: on the terminal `tty_fd`, or headless (from csrssd when there is a session). Under g_mutex.
DWORD start_console(int tty_fd = -1) {
    if (tty_fd < 0)
        if (csrss::Session* s = session()) {
            auto r = s->console_alloc();
            if (r) return attach_fd(r.value().fd, 0, false, r.value().console);
            WR_WARN(process, "csrssd gave no console ({}): starting one", r.error().message);
        }
    return spawn_console(tty_fd);
}

bool ensure_console() {
    std::lock_guard lock(g_mutex);
    if (g_attached) return true;
    DWORD e = start_console();
    if (e) set_last_error(e);
    return e == 0;
}

BOOL result(DWORD err) { return err ? fail(err) : TRUE; }

UINT console_cp(bool output) {
    proto::Reply rep{};
    if (transact(request(Op::GET_CP, 0, {output ? 1u : 0u}), nullptr, 0, rep)) return 0;
    return rep.val[0];
}

std::u16string to_wide(UINT cp, const char* s, size_t n) {
    if (!n) return {};
    std::u16string w(n, 0);
    int k = MultiByteToWideChar(cp, 0, s, int(n), reinterpret_cast<LPWSTR>(w.data()), int(n));
    w.resize(size_t(std::max(k, 0)));
    return w;
}
std::string to_narrow(UINT cp, std::u16string_view w) {
    if (w.empty()) return {};
    std::string s(w.size() * 4, 0);
    int k = WideCharToMultiByte(cp, 0, reinterpret_cast<LPCWSTR>(w.data()), int(w.size()), s.data(), int(s.size()), nullptr, nullptr);
    s.resize(size_t(std::max(k, 0)));
    return s;
}

// Sends the batch (under g_write_mutex). Returns the Windows error of the send (0 when there was
// nothing to send); the batch is gone either way.
DWORD flush_locked() {
    if (g_batch.empty()) return 0;
    int fd;
    {
        std::lock_guard lock(g_mutex);
        if (!g_attached) {
            g_batch.clear();
            return ERROR_INVALID_HANDLE;
        }
        if (g_write_fd < 0) g_write_fd = take_connection();
        fd = g_write_fd;
    }
    ssize_t s = -1;
    if (fd >= 0)
        while ((s = send(fd, g_batch.data(), g_batch.size(), MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
    const bool sent = s == ssize_t(g_batch.size());
    g_batch.clear();
    if (!sent) return ERROR_INVALID_HANDLE;
    g_async_sent.fetch_add(1);
    return 0;
}

// A failed send that no WriteConsole is waiting for: reported by the next one.
void note_async_error(DWORD e) {
    uint32_t none = 0;
    if (e) g_async_error.compare_exchange_strong(none, e);
}

void flush_writes() {
    std::lock_guard wl(g_write_mutex);
    note_async_error(flush_locked());
}

// The flusher thread: sends a batch that has waited k_batch_delay. A plain thread with every signal
// blocked (it has no TEB; signals are for Windows threads), as the timer service's.
void flusher() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    std::unique_lock lock(g_write_mutex);
    for (;;) {
        if (g_batch.empty()) {
            g_flush_cv.wait(lock);
            continue;
        }
        const auto due = g_batch_since + k_batch_delay;
        if (std::chrono::steady_clock::now() < due) {
            g_flush_cv.wait_until(lock, due);
            continue;
        }
        note_async_error(flush_locked());
    }
}

// Appends one piece of text (it fits in a datagram) to the batch, sending the batch first when it
// is for another buffer or the text does not fit.
DWORD batch_write(uint32_t buffer, const char16_t* text, size_t n) {
    std::lock_guard wl(g_write_mutex);
    if (!g_batch.empty() && (g_batch_buffer != buffer || g_batch.size() + n * 2 > proto::k_max_datagram))
        if (DWORD e = flush_locked()) return e;
    if (g_batch.empty()) {
        proto::Request rq{uint16_t(Op::WRITE), proto::k_async, buffer, {}};
        g_batch.reserve(proto::k_max_datagram);
        g_batch.resize(sizeof rq);
        std::memcpy(g_batch.data(), &rq, sizeof rq);
        g_batch_buffer = buffer;
        g_batch_since = std::chrono::steady_clock::now();
        if (!g_flusher_started) {
            g_flusher_started = true;
            std::thread(flusher).detach();
        }
        g_flush_cv.notify_one();
    }
    const size_t at = g_batch.size();
    g_batch.resize(at + n * 2);
    std::memcpy(g_batch.data() + at, text, n * 2);
    // A full datagram goes at once.
    if (g_batch.size() + 2 > proto::k_max_datagram) return flush_locked();
    return 0;
}

BOOL write_wide(uint32_t buffer, std::u16string_view text, DWORD* written) {
    (void)written;
    if (uint32_t e = g_async_error.exchange(0)) return fail(e);
    // In datagram-sized pieces; a surrogate pair is never split.
    const size_t max = proto::k_max_payload / 2 - 1;
    size_t done = 0;
    while (done < text.size()) {
        size_t n = std::min(max, text.size() - done);
        if (n < text.size() - done && n && text[done + n - 1] >= 0xD800 && text[done + n - 1] < 0xDC00) n--;
        if (DWORD e = batch_write(buffer, text.data() + done, n)) return fail(e);
        done += n;
    }
    return TRUE;
}

BOOL read_wide(std::u16string& out, size_t max) {
    proto::Reply rep{};
    std::vector<uint8_t> data;
    if (DWORD e = transact(request(Op::READ_CONSOLE, 0, {uint32_t(std::min<size_t>(max, proto::k_max_payload / 2))}), nullptr, 0,
                           rep, &data))
        return fail(e);
    out.assign(reinterpret_cast<const char16_t*>(data.data()), data.size() / 2);
    return TRUE;
}

}  // namespace

// ---- hooks for file.cpp -----------------------------------------------------------------------

bool is_console_handle(HANDLE h) {
    auto o = handle_get(h);
    return o && o->kind == ObjectKind::Console;
}

bool console_create_file(std::u16string_view name, DWORD access, HANDLE& out) {
    std::u16string n;
    for (char16_t c : name) n += (c >= u'a' && c <= u'z') ? char16_t(c - 32) : c;
    if (n.starts_with(u"\\\\.\\")) n = n.substr(4);
    bool in = n == u"CONIN$", outp = n == u"CONOUT$";
    if (n == u"CON") {
        // CON: input when opened for reading only, output otherwise.
        in = (access & GENERIC_READ) && !(access & GENERIC_WRITE);
        outp = !in;
    }
    if (!in && !outp) return false;
    if (!ensure_console()) {
        out = INVALID_HANDLE_VALUE;
        return true;
    }
    uint32_t buffer = 0;
    if (outp) {
        // CONOUT$ is the screen buffer the console started with (SetConsoleActiveScreenBuffer
        // does not change what CONOUT$ opens in this model).
        std::lock_guard lock(g_mutex);
        buffer = g_active_at_start;
    }
    out = new_console_handle(buffer, access);
    return true;
}

BOOL console_write_file(HANDLE h, const void* buf, DWORD n, DWORD* written) {
    if (written) *written = 0;
    auto c = output_object(h);
    if (!c) return FALSE;
    UINT cp = console_cp(true);
    if (!write_wide(c->buffer, to_wide(cp, static_cast<const char*>(buf), n), nullptr)) return FALSE;
    if (written) *written = n;
    return TRUE;
}

BOOL console_read_file(HANDLE h, void* buf, DWORD n, DWORD* read) {
    if (read) *read = 0;
    auto c = input_object(h);
    if (!c) return FALSE;
    std::u16string w;
    if (!read_wide(w, n)) return FALSE;
    std::string s = to_narrow(console_cp(false), w);
    size_t k = std::min<size_t>(s.size(), n);
    std::memcpy(buf, s.data(), k);
    if (read) *read = DWORD(k);
    return TRUE;
}

// ---- allocation ---------------------------------------------------------------------------------

// Before the DLLs attach (loader/main.cpp). Started on a terminal (stdout or stderr is one), the
// process gets a console that owns it, as a Windows console program started from a console does:
// the std handles on the terminal become console handles; a redirected one stays a plain handle
// (`winrun prog | cat`: stdout is the pipe, stdin and stderr the console). Only stdin on a
// terminal (output all redirected, as under a test runner) stays redirected mode, and
// WINRUN_CONSOLE=redirected forces it.
void console_ctrl_startup();  // console_ctrl.cpp

void console_startup() {
    console_ctrl_startup();
    // Set by CreateProcess for a winrun child: the console to attach to (an id csrssd knows, or "new")
    // and which std handles are console handles (bits 0-2: stdin, stdout, stderr).
    std::string inherit = getenv("WINRUN_CONSOLE_ID") ? getenv("WINRUN_CONSOLE_ID") : "";
    unsigned mask = getenv("WINRUN_CONSOLE_STD") ? unsigned(strtoul(getenv("WINRUN_CONSOLE_STD"), nullptr, 10)) & 7 : 0;
    (void)console_group();  // read before the variables go
    for (const char* v : {"WINRUN_CONSOLE_ID", "WINRUN_CONSOLE_STD", "WINRUN_CONSOLE_GROUP"}) unsetenv(v);
    if (!inherit.empty()) {
        {
            std::lock_guard lock(g_mutex);
            if (g_attached) return;
            csrss::Session* s = session();
            DWORD e = ERROR_INVALID_HANDLE;
            if (inherit == "new") e = start_console();
            else if (s) {
                auto r = s->console_attach(0, false);
                if (r) e = attach_fd(r.value().fd, 0, false, r.value().console);
                else WR_WARN(process, "cannot attach to the parent's console: {}", r.error().message);
            }
            if (e) return;  // the std handles stay as they came (/dev/null for the console ones)
        }
        for (int i = 0; i < 3; i++)
            if (mask & (1u << i)) SetStdHandle(DWORD(-10 - i), new_console_handle(i == 0 ? 0 : g_active_at_start, 0));
        return;
    }
    const char* mode = getenv("WINRUN_CONSOLE");
    if (mode && !std::strcmp(mode, "redirected")) return;
    const bool tty[3] = {isatty(0) == 1, isatty(1) == 1, isatty(2) == 1};
    if (!tty[1] && !tty[2]) return;
    {
        std::lock_guard lock(g_mutex);
        if (g_attached) return;
        if (DWORD e = start_console(tty[1] ? 1 : 2)) {
            WR_WARN(process, "no console on the terminal (error {}): redirected mode", e);
            return;
        }
    }
    for (int i = 0; i < 3; i++)
        if (tty[i]) SetStdHandle(DWORD(-10 - i), new_console_handle(i == 0 ? 0 : g_active_at_start, 0));
}

// For CreateProcess: the console a child inherits (0: none known to csrssd) and which of the
// handles given are console handles of it.
uint32_t console_id_for_child() {
    flush_writes();  // the parent's output before the child's
    std::lock_guard lock(g_mutex);
    return g_attached ? g_console_id : 0;
}
bool is_current_console_handle(HANDLE h) {
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::Console) return false;
    auto c = std::static_pointer_cast<ConsoleObject>(o);
    std::lock_guard lock(g_mutex);
    return g_attached && c->generation == g_generation;
}
uint32_t current_console_group() { return console_group(); }

// At process exit (process.cpp: finish): the queued output is conhost's to show; when conhost owns
// the terminal, wait (a little) for it to give the terminal back, so that the shell finds it sane.
void console_process_exit() {
    // The batched output goes first. The exiting thread may hold g_write_mutex itself (a crash in
    // a write): then, or when another thread keeps it long, the batch is lost rather than the exit.
    for (int i = 0; i < 200; i++) {
        std::unique_lock wl(g_write_mutex, std::try_to_lock);
        if (wl.owns_lock()) {
            (void)flush_locked();
            break;
        }
        usleep(500);
    }
    pid_t pid;
    {
        std::lock_guard lock(g_mutex);
        if (!g_attached) return;
        // csrssd drops its connection to the console when we were the last process on it.
        if (g_console_id)
            if (csrss::Session* s = session()) (void)s->console_free();
        if (!g_tty_console) return;
        for (int fd : g_all) shutdown(fd, SHUT_RDWR);
        pid = g_conhost_pid;
    }
    for (int i = 0; i < 2000; i++) {
        if (waitpid(pid, nullptr, WNOHANG) != 0) return;
        usleep(1000);
    }
}

// The std handles: a console process gets console handles where it has none (a redirected handle
// stays: the program's output keeps going where its parent sent it).
static void set_std_handles_if_missing() {
    for (DWORD which : {DWORD(-10), DWORD(-11), DWORD(-12)}) {
        HANDLE h = GetStdHandle(which);
        if (h && h != INVALID_HANDLE_VALUE) continue;
        SetStdHandle(which, new_console_handle(which == DWORD(-10) ? 0 : g_active_at_start, 0));
    }
}

BOOL WINAPI AllocConsole() {
    {
        std::lock_guard lock(g_mutex);
        if (g_attached) return fail(ERROR_ACCESS_DENIED);  // as Windows: one console per process
        if (DWORD e = start_console()) return fail(e);
    }
    set_std_handles_if_missing();
    return TRUE;
}

BOOL WINAPI FreeConsole() {
    std::lock_guard wl(g_write_mutex);
    (void)flush_locked();  // what was written before FreeConsole is shown
    std::lock_guard lock(g_mutex);
    if (!g_attached) return TRUE;
    if (g_console_id)
        if (csrss::Session* s = session()) (void)s->console_free();
    g_console_id = 0;
    g_write_fd = -1;
    g_async_sent = 0;
    g_async_error = 0;
    g_attached = false;
    g_generation++;
    // shutdown wakes the control listener and any blocked reader; they see the console gone.
    for (int fd : g_all) shutdown(fd, SHUT_RDWR);
    for (int fd : g_pool) close(fd);
    g_pool.clear();
    g_all.clear();
    g_main_fd = -1;
    if (g_conhost_pid) waitpid(g_conhost_pid, nullptr, WNOHANG);
    return TRUE;
}

BOOL WINAPI AttachConsole(DWORD pid) {
    {
        std::lock_guard lock(g_mutex);
        if (g_attached) return fail(ERROR_ACCESS_DENIED);
        csrss::Session* s = session();
        if (!s) return fail(ERROR_INVALID_HANDLE);
        auto r = s->console_attach(pid, true);
        if (!r) {
            WR_TRACE(process, "AttachConsole({}): {}", pid, r.error().message);
            // Windows: ERROR_INVALID_HANDLE when the parent has no console, ERROR_INVALID_PARAMETER
            // for a process that does not exist or has none.
            return fail(pid == DWORD(-1) ? ERROR_INVALID_HANDLE : ERROR_INVALID_PARAMETER);
        }
        if (DWORD e = attach_fd(r.value().fd, 0, false, r.value().console)) return fail(e);
    }
    set_std_handles_if_missing();
    return TRUE;
}

// No console window: NULL (a headless console has none either).
HANDLE WINAPI GetConsoleWindow() { return nullptr; }

// ---- modes --------------------------------------------------------------------------------------

BOOL WINAPI GetConsoleMode(HANDLE h, DWORD* mode) {
    if (mode) *mode = 0;
    auto c = console_object(h);
    if (!c) return FALSE;
    if (!mode) return fail(ERROR_INVALID_PARAMETER);  // Windows: access violation caught, ERROR_NOACCESS
    proto::Reply rep{};
    if (DWORD e = transact(request(Op::GET_MODE, c->buffer), nullptr, 0, rep)) return fail(e);
    *mode = rep.val[0];
    return TRUE;
}

BOOL WINAPI SetConsoleMode(HANDLE h, DWORD mode) {
    auto c = console_object(h);
    if (!c) return FALSE;
    proto::Reply rep{};
    return result(transact(request(Op::SET_MODE, c->buffer, {mode}), nullptr, 0, rep));
}

// ---- reading and writing text ------------------------------------------------------------------

BOOL WINAPI WriteConsoleW(HANDLE h, const void* buf, DWORD n, DWORD* written, void*) {
    if (written) *written = 0;
    auto c = output_object(h);
    if (!c) return FALSE;
    if (!write_wide(c->buffer, std::u16string_view(static_cast<const char16_t*>(buf), n), written)) return FALSE;
    if (written) *written = n;
    return TRUE;
}

BOOL WINAPI WriteConsoleA(HANDLE h, const void* buf, DWORD n, DWORD* written, void*) {
    if (written) *written = 0;
    auto c = output_object(h);
    if (!c) return FALSE;
    if (!write_wide(c->buffer, to_wide(console_cp(true), static_cast<const char*>(buf), n), nullptr)) return FALSE;
    if (written) *written = n;
    return TRUE;
}

BOOL WINAPI ReadConsoleW(HANDLE h, void* buf, DWORD n, DWORD* read, void*) {
    if (read) *read = 0;
    auto c = input_object(h);
    if (!c) return FALSE;
    std::u16string w;
    if (!read_wide(w, n)) return FALSE;
    std::memcpy(buf, w.data(), w.size() * 2);
    if (read) *read = DWORD(w.size());
    return TRUE;
}

BOOL WINAPI ReadConsoleA(HANDLE h, void* buf, DWORD n, DWORD* read, void*) {
    return console_read_file(h, buf, n, read);
}

// ---- input records ------------------------------------------------------------------------------

static BOOL read_input(HANDLE h, INPUT_RECORD* recs, DWORD n, DWORD* count, uint32_t flags, bool ansi) {
    if (count) *count = 0;
    auto c = input_object(h);
    if (!c) return FALSE;
    if (!n) return TRUE;
    proto::Reply rep{};
    std::vector<uint8_t> data;
    if (DWORD e = transact(request(Op::READ_INPUT, 0, {n, flags}), nullptr, 0, rep, &data)) return fail(e);
    size_t k = std::min<size_t>(data.size() / sizeof(INPUT_RECORD), n);
    std::memcpy(recs, data.data(), k * sizeof(INPUT_RECORD));
    if (ansi) {
        UINT cp = console_cp(false);
        for (size_t i = 0; i < k; i++)
            if (recs[i].EventType == con::KEY_EVENT && recs[i].Event.KeyEvent.uChar) {
                std::string s = to_narrow(cp, std::u16string_view(&recs[i].Event.KeyEvent.uChar, 1));
                recs[i].Event.KeyEvent.uChar = s.size() == 1 ? char16_t(uint8_t(s[0])) : u'?';
            }
    }
    if (count) *count = DWORD(k);
    return TRUE;
}

BOOL WINAPI ReadConsoleInputW(HANDLE h, INPUT_RECORD* r, DWORD n, DWORD* count) { return read_input(h, r, n, count, 0, false); }
BOOL WINAPI ReadConsoleInputA(HANDLE h, INPUT_RECORD* r, DWORD n, DWORD* count) { return read_input(h, r, n, count, 0, true); }
BOOL WINAPI PeekConsoleInputW(HANDLE h, INPUT_RECORD* r, DWORD n, DWORD* count) { return read_input(h, r, n, count, 3, false); }
BOOL WINAPI PeekConsoleInputA(HANDLE h, INPUT_RECORD* r, DWORD n, DWORD* count) { return read_input(h, r, n, count, 3, true); }

static BOOL write_input(HANDLE h, const INPUT_RECORD* recs, DWORD n, DWORD* count, bool ansi) {
    if (count) *count = 0;
    auto c = input_object(h);
    if (!c) return FALSE;
    std::vector<INPUT_RECORD> v(recs, recs + n);
    if (ansi) {
        UINT cp = console_cp(false);
        for (auto& r : v)
            if (r.EventType == con::KEY_EVENT && r.Event.KeyEvent.uChar) {
                char ch = char(r.Event.KeyEvent.uChar & 0xFF);
                std::u16string w = to_wide(cp, &ch, 1);
                r.Event.KeyEvent.uChar = w.empty() ? u'?' : w[0];
            }
    }
    size_t done = 0, per = proto::k_max_payload / sizeof(INPUT_RECORD);
    while (done < v.size()) {
        size_t k = std::min(per, v.size() - done);
        proto::Reply rep{};
        if (DWORD e = transact(request(Op::WRITE_INPUT, 0), v.data() + done, k * sizeof(INPUT_RECORD), rep)) return fail(e);
        done += k;
    }
    if (count) *count = n;
    return TRUE;
}
BOOL WINAPI WriteConsoleInputW(HANDLE h, const INPUT_RECORD* r, DWORD n, DWORD* count) { return write_input(h, r, n, count, false); }
BOOL WINAPI WriteConsoleInputA(HANDLE h, const INPUT_RECORD* r, DWORD n, DWORD* count) { return write_input(h, r, n, count, true); }

BOOL WINAPI GetNumberOfConsoleInputEvents(HANDLE h, DWORD* n) {
    auto c = input_object(h);
    if (!c) return FALSE;
    proto::Reply rep{};
    if (DWORD e = transact(request(Op::NUM_EVENTS, 0), nullptr, 0, rep)) return fail(e);
    if (n) *n = rep.val[0];
    return TRUE;
}

BOOL WINAPI FlushConsoleInputBuffer(HANDLE h) {
    auto c = input_object(h);
    if (!c) return FALSE;
    proto::Reply rep{};
    return result(transact(request(Op::FLUSH_INPUT, 0), nullptr, 0, rep));
}

// ---- screen buffers -----------------------------------------------------------------------------

static BOOL get_info(HANDLE h, proto::BufferInfo& bi) {
    auto c = output_object(h);
    if (!c) return FALSE;
    proto::Reply rep{};
    std::vector<uint8_t> data;
    if (DWORD e = transact(request(Op::GET_INFO, c->buffer), nullptr, 0, rep, &data)) return fail(e);
    if (data.size() < sizeof bi) return fail(ERROR_INVALID_HANDLE);
    std::memcpy(&bi, data.data(), sizeof bi);
    return TRUE;
}

BOOL WINAPI GetConsoleScreenBufferInfo(HANDLE h, CONSOLE_SCREEN_BUFFER_INFO* info) {
    proto::BufferInfo bi;
    if (!get_info(h, bi)) return FALSE;
    *info = bi.sbi;
    return TRUE;
}

struct CONSOLE_SCREEN_BUFFER_INFOEX {
    ULONG cbSize;
    COORD dwSize, dwCursorPosition;
    WORD wAttributes;
    SMALL_RECT srWindow;
    COORD dwMaximumWindowSize;
    WORD wPopupAttributes;
    BOOL bFullscreenSupported;
    DWORD ColorTable[16];
};
static_assert(sizeof(CONSOLE_SCREEN_BUFFER_INFOEX) == 96 && offsetof(CONSOLE_SCREEN_BUFFER_INFOEX, srWindow) == 14 &&
              offsetof(CONSOLE_SCREEN_BUFFER_INFOEX, bFullscreenSupported) == 28);

// The classic console palette (COLORREF 0x00BBGGRR), as Windows 10 sets it up.
static constexpr DWORD k_palette[16] = {0x0C0C0C, 0xDA3700, 0x0EA113, 0xDD963A, 0x1F0FC5, 0x981788, 0x009CC1, 0xCCCCCC,
                                        0x767676, 0xFF783B, 0x0CC616, 0xD6D661, 0x5648E7, 0x9E00B4, 0xA5F1F9, 0xF2F2F2};

BOOL WINAPI GetConsoleScreenBufferInfoEx(HANDLE h, CONSOLE_SCREEN_BUFFER_INFOEX* info) {
    if (!info || info->cbSize != sizeof *info) return fail(ERROR_INVALID_PARAMETER);
    proto::BufferInfo bi;
    if (!get_info(h, bi)) return FALSE;
    info->dwSize = bi.sbi.dwSize;
    info->dwCursorPosition = bi.sbi.dwCursorPosition;
    info->wAttributes = bi.sbi.wAttributes;
    info->srWindow = bi.sbi.srWindow;
    info->dwMaximumWindowSize = bi.sbi.dwMaximumWindowSize;
    info->wPopupAttributes = 0xF5;
    info->bFullscreenSupported = FALSE;
    std::memcpy(info->ColorTable, k_palette, sizeof k_palette);
    return TRUE;
}

static BOOL simple(HANDLE h, Op op, std::initializer_list<uint32_t> args, const void* payload = nullptr, size_t len = 0) {
    auto c = output_object(h);
    if (!c) return FALSE;
    proto::Reply rep{};
    return result(transact(request(op, c->buffer, args), payload, len, rep));
}

BOOL WINAPI SetConsoleScreenBufferSize(HANDLE h, COORD size) {
    return simple(h, Op::SET_SIZE, {uint32_t(uint16_t(size.X)), uint32_t(uint16_t(size.Y))});
}
BOOL WINAPI SetConsoleWindowInfo(HANDLE h, BOOL absolute, const SMALL_RECT* r) {
    if (!r) return fail(ERROR_INVALID_PARAMETER);
    return simple(h, Op::SET_WINDOW, {uint32_t(absolute != 0)}, r, sizeof *r);
}
BOOL WINAPI SetConsoleCursorPosition(HANDLE h, COORD pos) {
    return simple(h, Op::SET_CURSOR, {uint32_t(uint16_t(pos.X)), uint32_t(uint16_t(pos.Y))});
}
BOOL WINAPI GetConsoleCursorInfo(HANDLE h, CONSOLE_CURSOR_INFO* ci) {
    proto::BufferInfo bi;
    if (!get_info(h, bi)) return FALSE;
    ci->dwSize = bi.cursor_size;
    ci->bVisible = BOOL(bi.cursor_visible);
    return TRUE;
}
BOOL WINAPI SetConsoleCursorInfo(HANDLE h, const CONSOLE_CURSOR_INFO* ci) {
    if (!ci) return fail(ERROR_INVALID_PARAMETER);
    return simple(h, Op::SET_CURSOR_INFO, {ci->dwSize, uint32_t(ci->bVisible != 0)});
}
BOOL WINAPI SetConsoleTextAttribute(HANDLE h, WORD attr) { return simple(h, Op::SET_ATTR, {attr}); }

static BOOL fill(HANDLE h, uint32_t kind, uint32_t value, DWORD n, COORD at, DWORD* done) {
    if (done) *done = 0;
    auto c = output_object(h);
    if (!c) return FALSE;
    proto::Reply rep{};
    if (DWORD e = transact(request(Op::FILL, c->buffer, {kind, value, uint32_t(uint16_t(at.X)), uint32_t(uint16_t(at.Y)), n}), nullptr, 0, rep))
        return fail(e);
    if (done) *done = rep.val[0];
    return TRUE;
}
BOOL WINAPI FillConsoleOutputCharacterW(HANDLE h, WCHAR ch, DWORD n, COORD at, DWORD* done) { return fill(h, 0, ch, n, at, done); }
BOOL WINAPI FillConsoleOutputCharacterA(HANDLE h, CHAR ch, DWORD n, COORD at, DWORD* done) {
    std::u16string w = to_wide(console_cp(true), &ch, 1);
    return fill(h, 0, w.empty() ? u'?' : w[0], n, at, done);
}
BOOL WINAPI FillConsoleOutputAttribute(HANDLE h, WORD attr, DWORD n, COORD at, DWORD* done) { return fill(h, 1, attr, n, at, done); }

static BOOL write_cells(HANDLE h, uint32_t kind, const uint16_t* v, DWORD n, COORD at, DWORD* done) {
    if (done) *done = 0;
    auto c = output_object(h);
    if (!c) return FALSE;
    size_t off = 0, total = 0, per = proto::k_max_payload / 2;
    while (off < n) {
        size_t k = std::min<size_t>(per, n - off);
        // Positions after the first piece: the cell `off` places further on, in reading order.
        proto::BufferInfo bi;
        COORD pos = at;
        if (off) {
            if (!get_info(h, bi)) return FALSE;
            size_t lin = size_t(at.Y) * bi.sbi.dwSize.X + at.X + off;
            pos = COORD{int16_t(lin % bi.sbi.dwSize.X), int16_t(lin / bi.sbi.dwSize.X)};
        }
        proto::Reply rep{};
        if (DWORD e = transact(request(Op::WRITE_CELLS, c->buffer, {kind, 0, uint32_t(uint16_t(pos.X)), uint32_t(uint16_t(pos.Y))}), v + off,
                               k * 2, rep))
            return fail(e);
        total += rep.val[0];
        if (rep.val[0] < k) break;
        off += k;
    }
    if (done) *done = DWORD(total);
    return TRUE;
}
BOOL WINAPI WriteConsoleOutputCharacterW(HANDLE h, LPCWSTR s, DWORD n, COORD at, DWORD* done) {
    return write_cells(h, 0, reinterpret_cast<const uint16_t*>(s), n, at, done);
}
BOOL WINAPI WriteConsoleOutputCharacterA(HANDLE h, LPCSTR s, DWORD n, COORD at, DWORD* done) {
    std::u16string w = to_wide(console_cp(true), s, n);
    return write_cells(h, 0, reinterpret_cast<const uint16_t*>(w.data()), DWORD(w.size()), at, done);
}
BOOL WINAPI WriteConsoleOutputAttribute(HANDLE h, const WORD* a, DWORD n, COORD at, DWORD* done) {
    return write_cells(h, 1, a, n, at, done);
}

static BOOL read_cells(HANDLE h, uint32_t kind, uint16_t* v, DWORD n, COORD at, DWORD* done) {
    if (done) *done = 0;
    auto c = output_object(h);
    if (!c) return FALSE;
    n = std::min<DWORD>(n, proto::k_max_payload / 2);  // a screen's worth many times over
    proto::Reply rep{};
    std::vector<uint8_t> data;
    if (DWORD e = transact(request(Op::READ_CELLS, c->buffer, {kind, 0, uint32_t(uint16_t(at.X)), uint32_t(uint16_t(at.Y)), n}), nullptr, 0,
                           rep, &data))
        return fail(e);
    size_t k = std::min<size_t>(data.size() / 2, n);
    std::memcpy(v, data.data(), k * 2);
    if (done) *done = DWORD(k);
    return TRUE;
}
BOOL WINAPI ReadConsoleOutputCharacterW(HANDLE h, LPWSTR s, DWORD n, COORD at, DWORD* done) {
    return read_cells(h, 0, reinterpret_cast<uint16_t*>(s), n, at, done);
}
BOOL WINAPI ReadConsoleOutputCharacterA(HANDLE h, LPSTR s, DWORD n, COORD at, DWORD* done) {
    std::vector<uint16_t> w(n);
    DWORD k = 0;
    if (!read_cells(h, 0, w.data(), n, at, &k)) return FALSE;
    std::string a = to_narrow(console_cp(true), std::u16string_view(reinterpret_cast<const char16_t*>(w.data()), k));
    size_t m = std::min<size_t>(a.size(), n);
    std::memcpy(s, a.data(), m);
    if (done) *done = DWORD(m);
    return TRUE;
}
BOOL WINAPI ReadConsoleOutputAttribute(HANDLE h, WORD* a, DWORD n, COORD at, DWORD* done) { return read_cells(h, 1, a, n, at, done); }

static BOOL block_io(HANDLE h, Op op, CHAR_INFO* block, COORD size, COORD from, SMALL_RECT* region, bool ansi) {
    auto c = output_object(h);
    if (!c) return FALSE;
    if (!region || size.X <= 0 || size.Y <= 0) return fail(ERROR_INVALID_PARAMETER);
    size_t cells = size_t(size.X) * size.Y;
    if (cells * sizeof(CHAR_INFO) + sizeof(SMALL_RECT) > proto::k_max_payload) return fail(ERROR_NOT_ENOUGH_MEMORY);
    std::vector<uint8_t> pl(sizeof(SMALL_RECT) + (op == Op::WRITE_BLOCK ? cells * sizeof(CHAR_INFO) : 0));
    std::memcpy(pl.data(), region, sizeof(SMALL_RECT));
    UINT cp = ansi ? console_cp(true) : 0;
    if (op == Op::WRITE_BLOCK) {
        std::memcpy(pl.data() + sizeof(SMALL_RECT), block, cells * sizeof(CHAR_INFO));
        if (ansi) {
            auto* ci = reinterpret_cast<CHAR_INFO*>(pl.data() + sizeof(SMALL_RECT));
            for (size_t i = 0; i < cells; i++) {
                char ch = char(ci[i].Char & 0xFF);
                std::u16string w = to_wide(cp, &ch, 1);
                ci[i].Char = w.empty() ? u'?' : w[0];
            }
        }
    }
    proto::Reply rep{};
    std::vector<uint8_t> data;
    if (DWORD e = transact(request(op, c->buffer, {uint32_t(size.X), uint32_t(size.Y), uint32_t(uint16_t(from.X)), uint32_t(uint16_t(from.Y))}),
                           pl.data(), pl.size(), rep, &data))
        return fail(e);
    if (data.size() < sizeof(SMALL_RECT)) return fail(ERROR_INVALID_HANDLE);
    std::memcpy(region, data.data(), sizeof(SMALL_RECT));
    if (op == Op::READ_BLOCK && data.size() >= sizeof(SMALL_RECT) + cells * sizeof(CHAR_INFO)) {
        // Only the cells of the region actually read are written back into the caller's block.
        auto* src = reinterpret_cast<const CHAR_INFO*>(data.data() + sizeof(SMALL_RECT));
        for (int y = 0; y <= region->Bottom - region->Top; y++)
            for (int x = 0; x <= region->Right - region->Left; x++) {
                size_t i = size_t(from.Y + y) * size.X + from.X + x;
                if (i >= cells) continue;
                block[i] = src[i];
                if (ansi) {
                    std::string a = to_narrow(cp, std::u16string_view(&block[i].Char, 1));
                    block[i].Char = a.size() == 1 ? char16_t(uint8_t(a[0])) : u'?';
                }
            }
    }
    return TRUE;
}
BOOL WINAPI WriteConsoleOutputW(HANDLE h, const CHAR_INFO* b, COORD size, COORD from, SMALL_RECT* r) {
    return block_io(h, Op::WRITE_BLOCK, const_cast<CHAR_INFO*>(b), size, from, r, false);
}
BOOL WINAPI WriteConsoleOutputA(HANDLE h, const CHAR_INFO* b, COORD size, COORD from, SMALL_RECT* r) {
    return block_io(h, Op::WRITE_BLOCK, const_cast<CHAR_INFO*>(b), size, from, r, true);
}
BOOL WINAPI ReadConsoleOutputW(HANDLE h, CHAR_INFO* b, COORD size, COORD from, SMALL_RECT* r) {
    return block_io(h, Op::READ_BLOCK, b, size, from, r, false);
}
BOOL WINAPI ReadConsoleOutputA(HANDLE h, CHAR_INFO* b, COORD size, COORD from, SMALL_RECT* r) {
    return block_io(h, Op::READ_BLOCK, b, size, from, r, true);
}

static BOOL scroll(HANDLE h, const SMALL_RECT* src, const SMALL_RECT* clip, COORD dest, const CHAR_INFO* fill, bool ansi) {
    if (!src || !fill) return fail(ERROR_INVALID_PARAMETER);
    proto::ScrollArgs a{};
    a.src = *src;
    if (clip) a.clip = *clip;
    a.has_clip = clip != nullptr;
    a.dest = dest;
    a.fill = *fill;
    if (ansi) {
        char ch = char(fill->Char & 0xFF);
        std::u16string w = to_wide(console_cp(true), &ch, 1);
        a.fill.Char = w.empty() ? u'?' : w[0];
    }
    return simple(h, Op::SCROLL, {}, &a, sizeof a);
}
BOOL WINAPI ScrollConsoleScreenBufferW(HANDLE h, const SMALL_RECT* s, const SMALL_RECT* c, COORD d, const CHAR_INFO* f) {
    return scroll(h, s, c, d, f, false);
}
BOOL WINAPI ScrollConsoleScreenBufferA(HANDLE h, const SMALL_RECT* s, const SMALL_RECT* c, COORD d, const CHAR_INFO* f) {
    return scroll(h, s, c, d, f, true);
}

constexpr DWORD CONSOLE_TEXTMODE_BUFFER = 1;
HANDLE WINAPI CreateConsoleScreenBuffer(DWORD access, DWORD share, void* sa, DWORD flags, void* reserved) {
    if (flags != CONSOLE_TEXTMODE_BUFFER) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    proto::Reply rep{};
    if (DWORD e = transact(request(Op::CREATE_BUFFER, 0), nullptr, 0, rep)) {
        set_last_error(e);
        return INVALID_HANDLE_VALUE;
    }
    return new_console_handle(rep.val[0], access);
}

BOOL WINAPI SetConsoleActiveScreenBuffer(HANDLE h) { return simple(h, Op::SET_ACTIVE, {}); }

// ---- title, code pages, processes, sizes ----------------------------------------------------------

static DWORD get_title(std::u16string& t) {
    proto::Reply rep{};
    std::vector<uint8_t> data;
    if (DWORD e = transact(request(Op::GET_TITLE, 0), nullptr, 0, rep, &data)) return e;
    t.assign(reinterpret_cast<const char16_t*>(data.data()), data.size() / 2);
    return 0;
}
// Returns the title's length (Windows: 0 with the error set on failure; a short buffer gets the
// title cut, NUL-terminated).
DWORD WINAPI GetConsoleTitleW(LPWSTR buf, DWORD size) {
    std::u16string t;
    if (DWORD e = get_title(t)) return fail(e), 0;
    if (!buf || !size) return DWORD(t.size());
    size_t k = std::min<size_t>(t.size(), size - 1);
    std::memcpy(buf, t.data(), k * 2);
    buf[k] = 0;
    return DWORD(t.size());
}
DWORD WINAPI GetConsoleTitleA(LPSTR buf, DWORD size) {
    std::u16string t;
    if (DWORD e = get_title(t)) return fail(e), 0;
    std::string a = to_narrow(console_cp(true), t);
    if (!buf || !size) return DWORD(a.size());
    size_t k = std::min<size_t>(a.size(), size - 1);
    std::memcpy(buf, a.data(), k);
    buf[k] = 0;
    return DWORD(a.size());
}
BOOL WINAPI SetConsoleTitleW(LPCWSTR t) {
    std::u16string_view v = t ? wview(t) : std::u16string_view();
    proto::Reply rep{};
    return result(transact(request(Op::SET_TITLE, 0), v.data(), std::min<size_t>(v.size(), 32767) * 2, rep));
}
BOOL WINAPI SetConsoleTitleA(LPCSTR t) {
    std::u16string w = t ? to_wide(console_cp(true), t, std::strlen(t)) : std::u16string();
    return SetConsoleTitleW(reinterpret_cast<LPCWSTR>(w.c_str()));
}

// Without a console Windows answers 0 (no error set); with one, the console's code page.
UINT WINAPI GetConsoleCP() { return console_cp(false); }
UINT WINAPI GetConsoleOutputCP() { return console_cp(true); }
static BOOL set_cp(bool output, UINT cp) {
    if (!IsValidCodePage(cp)) return fail(ERROR_INVALID_PARAMETER);
    proto::Reply rep{};
    return result(transact(request(Op::SET_CP, 0, {output ? 1u : 0u, cp}), nullptr, 0, rep));
}
BOOL WINAPI SetConsoleCP(UINT cp) { return set_cp(false, cp); }
BOOL WINAPI SetConsoleOutputCP(UINT cp) { return set_cp(true, cp); }

DWORD WINAPI GetConsoleProcessList(DWORD* pids, DWORD count) {
    if (!pids || !count) return fail(ERROR_INVALID_PARAMETER), 0;
    uint32_t id;
    {
        std::lock_guard lock(g_mutex);
        if (!g_attached) return fail(ERROR_INVALID_HANDLE), 0;
        id = g_console_id;
    }
    csrss::Session* s = session();
    if (id && s) {
        // csrssd knows every process attached to the console.
        auto r = s->console_list(id);
        if (!r) return fail(ERROR_INVALID_HANDLE), 0;
        size_t n = r.value().size();
        if (n <= count) std::memcpy(pids, r.value().data(), n * 4);
        return DWORD(n);
    }
    proto::Reply rep{};
    std::vector<uint8_t> data;
    if (DWORD e = transact(request(Op::PROCESS_LIST, 0), nullptr, 0, rep, &data)) return fail(e), 0;
    size_t n = data.size() / 4;
    // Windows: when the array is too small nothing is copied and the needed count is returned.
    if (n <= count) std::memcpy(pids, data.data(), n * 4);
    return DWORD(n);
}

// Returned in a DWORD-sized COORD (rax), as Windows does.
COORD WINAPI GetLargestConsoleWindowSize(HANDLE h) {
    auto c = output_object(h);
    if (!c) return COORD{0, 0};
    proto::Reply rep{};
    if (DWORD e = transact(request(Op::GET_LARGEST, c->buffer), nullptr, 0, rep)) return fail(e), COORD{0, 0};
    return COORD{int16_t(rep.val[0]), int16_t(rep.val[1])};
}

// Ctrl+C (0) or Ctrl+Break (1) to the processes of the console in `group` (0: all of them). The
// process group is the pid of the process that created it with CREATE_NEW_PROCESS_GROUP; a process
// that did not is in its console's first group.
BOOL WINAPI GenerateConsoleCtrlEvent(DWORD event, DWORD group) {
    if (event > 1) return fail(ERROR_INVALID_PARAMETER);
    proto::Reply rep{};
    return result(transact(request(Op::CTRL_EVENT, 0, {event, group}), nullptr, 0, rep));
}

WR_EXPORT_PART(kernel32_console,
    WR_EXPORT(AllocConsole),
    WR_EXPORT(FreeConsole),
    WR_EXPORT(AttachConsole),
    WR_EXPORT(GetConsoleWindow),
    WR_EXPORT(GetConsoleMode),
    WR_EXPORT(SetConsoleMode),
    WR_EXPORT(WriteConsoleA),
    WR_EXPORT(WriteConsoleW),
    WR_EXPORT(ReadConsoleA),
    WR_EXPORT(ReadConsoleW),
    WR_EXPORT(ReadConsoleInputA),
    WR_EXPORT(ReadConsoleInputW),
    WR_EXPORT(PeekConsoleInputA),
    WR_EXPORT(PeekConsoleInputW),
    WR_EXPORT(WriteConsoleInputA),
    WR_EXPORT(WriteConsoleInputW),
    WR_EXPORT(GetNumberOfConsoleInputEvents),
    WR_EXPORT(FlushConsoleInputBuffer),
    WR_EXPORT(GetConsoleScreenBufferInfo),
    WR_EXPORT(GetConsoleScreenBufferInfoEx),
    WR_EXPORT(SetConsoleScreenBufferSize),
    WR_EXPORT(SetConsoleWindowInfo),
    WR_EXPORT(SetConsoleCursorPosition),
    WR_EXPORT(GetConsoleCursorInfo),
    WR_EXPORT(SetConsoleCursorInfo),
    WR_EXPORT(SetConsoleTextAttribute),
    WR_EXPORT(FillConsoleOutputCharacterA),
    WR_EXPORT(FillConsoleOutputCharacterW),
    WR_EXPORT(FillConsoleOutputAttribute),
    WR_EXPORT(WriteConsoleOutputCharacterA),
    WR_EXPORT(WriteConsoleOutputCharacterW),
    WR_EXPORT(WriteConsoleOutputAttribute),
    WR_EXPORT(ReadConsoleOutputCharacterA),
    WR_EXPORT(ReadConsoleOutputCharacterW),
    WR_EXPORT(ReadConsoleOutputAttribute),
    WR_EXPORT(WriteConsoleOutputA),
    WR_EXPORT(WriteConsoleOutputW),
    WR_EXPORT(ReadConsoleOutputA),
    WR_EXPORT(ReadConsoleOutputW),
    WR_EXPORT(ScrollConsoleScreenBufferA),
    WR_EXPORT(ScrollConsoleScreenBufferW),
    WR_EXPORT(CreateConsoleScreenBuffer),
    WR_EXPORT(SetConsoleActiveScreenBuffer),
    WR_EXPORT(GetConsoleTitleA),
    WR_EXPORT(GetConsoleTitleW),
    WR_EXPORT(SetConsoleTitleA),
    WR_EXPORT(SetConsoleTitleW),
    WR_EXPORT(GetConsoleCP),
    WR_EXPORT(GetConsoleOutputCP),
    WR_EXPORT(SetConsoleCP),
    WR_EXPORT(SetConsoleOutputCP),
    WR_EXPORT(GetConsoleProcessList),
    WR_EXPORT(GetLargestConsoleWindowSize),
    WR_EXPORT(GenerateConsoleCtrlEvent));

}  // namespace winrun::k32

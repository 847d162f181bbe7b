// The session's shared table of named events, mutexes and semaphores (see named_objects.h).
//
// File: <session dir>/objects.<layout version>, created 0600 in the private session directory, a header page and
// k_slots fixed-size slots, mapped MAP_SHARED. Layout and rules:
//  - the header's `lock` word is the table lock: 0 free, else the Linux tid of the holder. A waiter
//    sleeps on it with a shared futex for at most 50 ms at a time, then checks that the holder still
//    exists (kill(tid, 0)); a holder that died is replaced (its update is a few stores, so the slot
//    may be half-written at worst; nothing crashes). Every slot field is read and written under it.
//  - a slot belongs to one name. `holders` lists the Linux pids of the processes that hold handles
//    to it (one entry per process: each process has one object per slot, see g_objects); the slot is
//    freed when the last holder lets go. Holders that died without letting go are pruned when the
//    name is looked up or the table is full (kill(pid, 0)), so a killed process leaks nothing
//    for long. (A reused pid keeps a slot alive a little longer; it cannot corrupt one.)
//  - `seq` is bumped at every state change that may let a waiter in; waiters sleep on it with
//    futex_waitv together with their own private wait block (APCs, local objects of the same wait).
//    `sleepers` counts them, so a change nobody waits for costs no system call.
//  - a mutex's owner is the Linux tid of the owning thread (unique in the system while it lives) and
//    its pid. A thread or process that ends while owning it abandons it (thread_exiting,
//    process_exiting); one killed outright is found dead by the next waiter (kill(tid, 0) fails with
//    ESRCH), which then acquires it with WAIT_ABANDONED. Waiters on a mutex owned by another process
//    look again every 20 ms for that reason.
// Namespaces: "Local\name" and a bare name are the same object, "Global\name" another one (as in an
// interactive Windows session); names compare case-sensitively, as the object manager does.
#include "named_objects.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <map>
#include <mutex>

#include "session_path.h"

namespace winrun::k32::named {

namespace {
constexpr uint32_t k_magic = 0x4A424F57;  // "WOBJ"
constexpr uint32_t k_version = 2;  // 2: high_water
constexpr uint32_t k_slots = 1024;
constexpr uint32_t k_name_max = 260;  // MAX_PATH, the object manager's limit for these APIs
constexpr uint32_t k_holders = 48;

struct Header {
    uint32_t magic;
    uint32_t version;
    uint32_t slot_count;
    uint32_t lock;          // futex: Linux tid of the holder, 0 free
    uint32_t lock_waiters;  // threads asleep on `lock`
    uint32_t high_water;    // slots [0, high_water) have been used: lookups scan only those pages
};

struct Slot {
    uint32_t kind;          // Kind; 0 = free
    uint32_t seq;           // futex word of waiters
    uint32_t sleepers;
    uint32_t manual_reset;
    int32_t state;          // event: signaled; semaphore: count; mutex: recursion count
    int32_t maximum;        // semaphore
    uint32_t owner_tid;     // mutex: Linux tid of the owner, 0 = not owned
    uint32_t owner_pid;
    uint32_t abandoned;     // mutex: the last owner ended while owning it
    uint32_t name_len;
    uint32_t holders[k_holders];
    char16_t name[k_name_max];
};
static_assert(sizeof(Slot) <= 1024);
constexpr size_t k_slot_size = 1024, k_header_size = 4096;
constexpr size_t k_file_size = k_header_size + k_slot_size * k_slots;

std::once_flag g_map_once;
uint8_t* g_base = nullptr;

Header* header() { return reinterpret_cast<Header*>(g_base); }
Slot* slot(uint32_t i) { return reinterpret_cast<Slot*>(g_base + k_header_size + size_t(i) * k_slot_size); }

thread_local uint32_t t_ltid = 0;
uint32_t ltid() {
    if (!t_ltid) t_ltid = uint32_t(syscall(SYS_gettid));
    return t_ltid;
}
uint32_t my_pid() {
    static uint32_t p = uint32_t(getpid());
    return p;
}
// A thread or process that no longer runs: no such id, or a zombie not yet reaped by its parent
// (a killed child of a process that waits for the mutex it held is exactly that).
bool gone(uint32_t id) {
    if (!id) return false;
    if (kill(pid_t(id), 0) != 0) return errno == ESRCH;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%u/stat", id);
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return false;
    buf[n] = 0;
    const char* paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

long futex(uint32_t* w, int op, uint32_t val, const timespec* ts) {
    return syscall(SYS_futex, w, op, val, ts, nullptr, 0);
}
void wake_all(Slot* s) {
    s->seq++;
    if (s->sleepers) futex(&s->seq, FUTEX_WAKE, INT32_MAX, nullptr);
}

void map_table() {
    if (!session()) return;  // no session, no other process to share with: names stay in-process
    auto sp = csrss::session_paths(false);
    if (!sp) return;
    // The layout version is in the name: winruns of two layouts never share (or refuse) one file.
    std::string path = sp->dir + "/objects." + std::to_string(k_version);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return;
    struct stat st;
    // Growing a fresh file twice (two processes at once) is harmless: same size, zero-filled.
    if (fstat(fd, &st) != 0 || (size_t(st.st_size) < k_file_size && ftruncate(fd, off_t(k_file_size)) != 0)) {
        ::close(fd);
        return;
    }
    void* p = mmap(nullptr, k_file_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) return;
    auto* h = static_cast<Header*>(p);
    uint32_t zero = 0;
    if (__atomic_compare_exchange_n(&h->magic, &zero, k_magic, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        h->version = k_version;
        h->slot_count = k_slots;
        __atomic_store_n(&h->version, k_version, __ATOMIC_RELEASE);
    } else {
        // Another process initialised it: wait (briefly) for its version store.
        for (int i = 0; i < 1000 && __atomic_load_n(&h->version, __ATOMIC_ACQUIRE) == 0; i++) usleep(100);
    }
    if (h->magic != k_magic || h->version != k_version || h->slot_count != k_slots) {
        munmap(p, k_file_size);
        return;
    }
    g_base = static_cast<uint8_t*>(p);
}

// The process's object for each slot it holds (the holder entry is this process's, one per slot).
struct SharedObject;
std::map<uint32_t, std::weak_ptr<SharedObject>> g_objects;  // under lock()
bool g_used = false;  // this process opened a shared object (exit hooks have work to do)

ObjectKind object_kind(Kind k) {
    return k == Kind::Event ? ObjectKind::Event : k == Kind::Mutex ? ObjectKind::Mutex : ObjectKind::Semaphore;
}

void drop_holder(Slot* s, uint32_t pid) {
    for (auto& h : s->holders)
        if (h == pid) h = 0;
}
bool has_holders(const Slot* s) {
    for (auto h : s->holders)
        if (h) return true;
    return false;
}
// Under lock(): forgets holders that no longer exist; frees the slot when none is left.
void prune(Slot* s) {
    for (auto& h : s->holders)
        if (h && h != my_pid() && gone(h)) h = 0;
    if (s->kind && !has_holders(s)) std::memset(static_cast<void*>(s), 0, sizeof(Slot));
}
bool add_holder(Slot* s, uint32_t pid) {
    for (auto& h : s->holders)
        if (h == pid) return true;
    for (auto& h : s->holders)
        if (!h) {
            h = pid;
            return true;
        }
    return false;
}

// Under lock(). A mutex whose owner thread no longer exists is abandoned.
void check_owner(Slot* s) {
    if (s->kind == uint32_t(Kind::Mutex) && s->owner_tid && s->owner_tid != ltid() && gone(s->owner_tid)) {
        s->owner_tid = 0;
        s->owner_pid = 0;
        s->state = 0;
        s->abandoned = 1;
    }
}

struct SharedObject : Waitable {
    SharedObject(ObjectKind k, uint32_t i) : Waitable(k), index(i) {}
    ~SharedObject() override {
        lock();
        Slot* s = slot(index);
        auto it = g_objects.find(index);
        if (it != g_objects.end() && it->second.expired()) g_objects.erase(it);
        // Windows keeps a mutex owned while its owner lives even after the handles close; here the
        // slot goes with the last holder, as the object does on Windows.
        drop_holder(s, my_pid());
        if (!has_holders(s)) std::memset(static_cast<void*>(s), 0, sizeof(Slot));
        unlock();
    }
    bool shared() const override { return true; }
    // Under sync_lock() and lock().
    bool ready(uintptr_t) const override {
        Slot* s = slot(index);
        switch (Kind(s->kind)) {
        case Kind::Event: return s->state != 0;
        case Kind::Semaphore: return s->state > 0;
        case Kind::Mutex:
            check_owner(s);
            return s->owner_tid == 0 || s->owner_tid == ltid();
        default: return false;
        }
    }
    bool acquire(uintptr_t) override {
        Slot* s = slot(index);
        switch (Kind(s->kind)) {
        case Kind::Event:
            if (!s->manual_reset) s->state = 0;
            return false;
        case Kind::Semaphore: s->state--; return false;
        case Kind::Mutex: {
            s->owner_tid = ltid();
            s->owner_pid = my_pid();
            s->state++;
            bool was = s->abandoned;
            s->abandoned = 0;
            return was;
        }
        default: return false;
        }
    }
    uint32_t index;
};

SharedObject* shared_of(Waitable& w) { return static_cast<SharedObject*>(&w); }

// Under lock(): the slot of `name`, or k_slots.
uint32_t find(std::u16string_view name) {
    uint32_t used = std::min(header()->high_water, k_slots);
    for (uint32_t i = 0; i < used; i++) {
        Slot* s = slot(i);
        if (s->kind && s->name_len == name.size() && std::memcmp(s->name, name.data(), name.size() * 2) == 0) {
            prune(s);
            if (s->kind) return i;
        }
    }
    return k_slots;
}
uint32_t free_slot() {
    Header* h = header();
    uint32_t used = std::min(h->high_water, k_slots);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < used; i++)
            if (!slot(i)->kind) return i;
        if (used < k_slots) {
            h->high_water = used + 1;
            return used;
        }
        for (uint32_t i = 0; i < used; i++) prune(slot(i));  // dead processes' leftovers
    }
    return k_slots;
}
}  // namespace

bool available() {
    std::call_once(g_map_once, map_table);
    return g_base != nullptr;
}

void lock() {
    Header* h = header();
    uint32_t me = ltid();
    for (int spin = 0;; spin++) {
        uint32_t cur = 0;
        if (__atomic_compare_exchange_n(&h->lock, &cur, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
        if (spin < 64) {
            __builtin_ia32_pause();
            continue;
        }
        __atomic_fetch_add(&h->lock_waiters, 1, __ATOMIC_SEQ_CST);
        timespec ts{0, 50 * 1000000L};
        long r = futex(&h->lock, FUTEX_WAIT, cur, &ts);
        __atomic_fetch_sub(&h->lock_waiters, 1, __ATOMIC_SEQ_CST);
        // The holder died inside the lock: take it over.
        if (r < 0 && errno == ETIMEDOUT && gone(cur) &&
            __atomic_compare_exchange_n(&h->lock, &cur, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
    }
}

void unlock() {
    Header* h = header();
    __atomic_store_n(&h->lock, 0, __ATOMIC_RELEASE);
    if (__atomic_load_n(&h->lock_waiters, __ATOMIC_SEQ_CST)) futex(&h->lock, FUTEX_WAKE, 1, nullptr);
}

std::shared_ptr<Waitable> open(std::u16string_view name, const CreateParams* create, ObjectKind want) {
    // "Local\" is the session namespace, which bare names also use; "Global\" is kept in the name.
    if (name.rfind(u"Local\\", 0) == 0) name.remove_prefix(6);
    if (name.size() > k_name_max) {
        set_last_error(ERROR_FILENAME_EXCED_RANGE);
        return nullptr;
    }
    lock();
    uint32_t i = find(name);
    if (i < k_slots) {
        Slot* s = slot(i);
        if (object_kind(Kind(s->kind)) != want) {
            unlock();
            set_last_error(ERROR_INVALID_HANDLE);
            return nullptr;
        }
        std::shared_ptr<SharedObject> obj;
        auto it = g_objects.find(i);
        if (it != g_objects.end()) obj = it->second.lock();
        if (!obj) {
            if (!add_holder(s, my_pid())) {
                unlock();
                set_last_error(ERROR_NOT_ENOUGH_MEMORY);  // more processes than a slot records
                return nullptr;
            }
            obj = std::make_shared<SharedObject>(want, i);
            g_objects[i] = obj;
        }
        g_used = true;
        unlock();
        // An existing named mutex is not taken by bInitialOwner (documented).
        set_last_error(create ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
        return obj;
    }
    if (!create) {
        unlock();
        set_last_error(ERROR_FILE_NOT_FOUND);
        return nullptr;
    }
    i = free_slot();
    if (i == k_slots) {
        unlock();
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return nullptr;
    }
    Slot* s = slot(i);
    std::memset(static_cast<void*>(s), 0, sizeof(Slot));
    s->manual_reset = create->manual_reset;
    switch (create->kind) {
    case Kind::Event: s->state = create->initial; break;
    case Kind::Semaphore:
        s->state = create->count;
        s->maximum = create->maximum;
        break;
    case Kind::Mutex:
        if (create->initial) {
            s->owner_tid = ltid();
            s->owner_pid = my_pid();
            s->state = 1;
        }
        break;
    default: break;
    }
    s->name_len = uint32_t(name.size());
    std::memcpy(s->name, name.data(), name.size() * 2);
    s->holders[0] = my_pid();
    __atomic_store_n(&s->kind, uint32_t(create->kind), __ATOMIC_RELEASE);
    auto obj = std::make_shared<SharedObject>(want, i);
    g_objects[i] = obj;
    g_used = true;
    unlock();
    set_last_error(ERROR_SUCCESS);
    return obj;
}

uint32_t slot_of(Waitable& w) { return shared_of(w)->index; }

std::shared_ptr<Waitable> open_slot(uint32_t i, ObjectKind want) {
    if (i >= k_slots || !available()) return nullptr;
    lock();
    Slot* s = slot(i);
    std::shared_ptr<SharedObject> obj;
    if (s->kind && object_kind(Kind(s->kind)) == want) {
        auto it = g_objects.find(i);
        if (it != g_objects.end()) obj = it->second.lock();
        if (!obj && add_holder(s, my_pid())) {
            obj = std::make_shared<SharedObject>(want, i);
            g_objects[i] = obj;
            g_used = true;
        }
    }
    unlock();
    return obj;
}

BOOL set_event(Waitable& w, bool signaled) {
    lock();
    Slot* s = slot(shared_of(w)->index);
    s->state = signaled;
    if (signaled) wake_all(s);
    unlock();
    return TRUE;
}

BOOL release_semaphore(Waitable& w, LONG n, LONG* prev) {
    lock();
    Slot* s = slot(shared_of(w)->index);
    // Exceeding the maximum fails and leaves the count unchanged.
    if (n > s->maximum - s->state) {
        unlock();
        return fail(298);  // ERROR_TOO_MANY_POSTS
    }
    if (prev) *prev = s->state;
    s->state += n;
    wake_all(s);
    unlock();
    return TRUE;
}

BOOL release_mutex(Waitable& w) {
    lock();
    Slot* s = slot(shared_of(w)->index);
    if (s->owner_tid != ltid() || s->state <= 0) {
        unlock();
        return fail(288);  // ERROR_NOT_OWNER
    }
    if (--s->state == 0) {
        s->owner_tid = 0;
        s->owner_pid = 0;
        wake_all(s);
    }
    unlock();
    return TRUE;
}

uint32_t* sequence_word(Waitable& w, bool& poll_owner) {
    Slot* s = slot(shared_of(w)->index);
    poll_owner = s->kind == uint32_t(Kind::Mutex) && s->owner_tid && s->owner_pid != my_pid();
    return &s->seq;
}

void add_sleeper(Waitable& w, int delta) { slot(shared_of(w)->index)->sleepers += uint32_t(delta); }

namespace {
template <class Pred>
void abandon_where(Pred owned) {
    if (!g_used || !g_base) return;
    lock();
    for (uint32_t i = 0, used = std::min(header()->high_water, k_slots); i < used; i++) {
        Slot* s = slot(i);
        if (s->kind == uint32_t(Kind::Mutex) && s->owner_tid && owned(s)) {
            s->owner_tid = 0;
            s->owner_pid = 0;
            s->state = 0;
            s->abandoned = 1;
            wake_all(s);
        }
    }
    unlock();
}
}  // namespace

void thread_exiting() {
    uint32_t me = ltid();
    abandon_where([me](Slot* s) { return s->owner_tid == me; });
}

void process_exiting() {
    uint32_t me = my_pid();
    abandon_where([me](Slot* s) { return s->owner_pid == me; });
}

}  // namespace winrun::k32::named

// File mappings: CreateFileMapping, OpenFileMapping, MapViewOfFile(Ex), UnmapViewOfFile,
// FlushViewOfFile. A mapping object holds its own descriptor (a dup of the file's, or a memfd for
// mappings backed by the paging file), so it outlives the file handle as on Windows. Views are
// shared mmaps placed on 64 KiB boundaries (the allocation granularity Windows code may rely on)
// and registered with the VM bookkeeping as MEM_MAPPED so that VirtualQuery describes them.
//
// Named mappings are shared within this process (a second CreateFileMapping of the name returns
// the same object with ERROR_ALREADY_EXISTS, OpenFileMapping finds it). Sharing a name with other
// processes of the session needs csrssd and is not done yet: OpenFileMapping of a name created by
// another process fails with ERROR_FILE_NOT_FOUND.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "builtin/builtin.h"
#include "file.h"
#include "k32.h"
#include "log.h"
#include "unicode.h"
#include "vm.h"

namespace winrun::k32 {

namespace {
constexpr DWORD FILE_MAP_COPY = 0x1, FILE_MAP_WRITE = 0x2, FILE_MAP_READ = 0x4, FILE_MAP_EXECUTE = 0x20;
constexpr DWORD SEC_IMAGE = 0x1000000, SEC_RESERVE = 0x4000000;
constexpr DWORD ERROR_FILE_INVALID = 1006, ERROR_MAPPED_ALIGNMENT = 1132, ERROR_NOT_ENOUGH_QUOTA = 1816;

struct MappingObject : KObject {
    MappingObject() : KObject(ObjectKind::Other) {}
    ~MappingObject() override {
        if (fd >= 0) close(fd);
    }
    int fd = -1;
    uint64_t size = 0;
    DWORD protect = 0;  // PAGE_* the mapping was created with
    bool file_backed = false;
    std::u16string name;
};

struct View {
    std::shared_ptr<MappingObject> mapping;  // a view keeps its mapping alive, as on Windows
    size_t length;
};

// Lock rule: g_mutex guards g_named and g_views.
std::mutex g_mutex;
std::map<std::u16string, std::weak_ptr<MappingObject>> g_named;  // upper-cased name -> object
std::map<uintptr_t, View> g_views;                                 // view base -> view

std::u16string name_key(std::u16string_view n) {
    std::u16string k(n);
    for (auto& c : k)
        if (c >= u'a' && c <= u'z') c = char16_t(c - 32);
    // "Local\" is the session namespace, which is the only one here; "Global\" names the same.
    for (std::u16string_view p : {u"LOCAL\\", u"GLOBAL\\"})
        if (k.compare(0, p.size(), p) == 0) return k.substr(p.size());
    return k;
}

bool may_write(DWORD page_protect) {
    DWORD p = page_protect & 0xFF;
    return p == vm::PAGE_READWRITE || p == vm::PAGE_EXECUTE_READWRITE;
}

std::shared_ptr<MappingObject> mapping_from_handle(HANDLE h) {
    auto o = handle_get(h);
    auto m = std::dynamic_pointer_cast<MappingObject>(o);
    if (!m) set_last_error(ERROR_INVALID_HANDLE);
    return m;
}
}  // namespace

HANDLE WINAPI CreateFileMappingW(HANDLE file, void* sa, DWORD protect, DWORD max_hi, DWORD max_lo, LPCWSTR name) {
    DWORD page = protect & 0xFF;
    if (page != vm::PAGE_READONLY && page != vm::PAGE_READWRITE && page != vm::PAGE_WRITECOPY &&
        page != vm::PAGE_EXECUTE_READ && page != vm::PAGE_EXECUTE_READWRITE && page != vm::PAGE_EXECUTE_WRITECOPY) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    if (protect & SEC_IMAGE) {
        WR_WARN(file, "CreateFileMapping: SEC_IMAGE mappings are not implemented");
        set_last_error(ERROR_NOT_SUPPORTED);
        return nullptr;
    }
    uint64_t size = uint64_t(max_hi) << 32 | max_lo;
    std::u16string key = name && *name ? name_key(wview(name)) : std::u16string();
    std::lock_guard lock(g_mutex);
    if (!key.empty()) {
        auto it = g_named.find(key);
        if (it != g_named.end()) {
            if (auto existing = it->second.lock()) {
                HANDLE h = handle_alloc(existing);
                set_last_error(ERROR_ALREADY_EXISTS);
                return h;
            }
            g_named.erase(it);
        }
    }
    auto m = std::make_shared<MappingObject>();
    m->protect = protect;
    if (file == reinterpret_cast<HANDLE>(-1LL)) {
        // Backed by the paging file: a size is required.
        if (size == 0) {
            set_last_error(ERROR_INVALID_PARAMETER);
            return nullptr;
        }
        m->fd = memfd_create("winrun-section", MFD_CLOEXEC);
        if (m->fd < 0 || ftruncate(m->fd, off_t(size)) != 0) {
            set_last_error(ERROR_NOT_ENOUGH_MEMORY);
            return nullptr;
        }
    } else {
        auto f = file_from_handle(file);
        if (!f) return nullptr;
        bool readable = f->access & (GENERIC_READ | GENERIC_ALL | FILE_READ_DATA | GENERIC_EXECUTE);
        bool writable = f->access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA);
        if (!readable || (may_write(protect) && !writable)) {
            set_last_error(ERROR_ACCESS_DENIED);
            return nullptr;
        }
        struct stat st;
        if (fstat(f->fd, &st) != 0) {
            fail_errno();
            return nullptr;
        }
        if (size == 0) {
            if (st.st_size == 0) {  // an empty file cannot be mapped without a size
                set_last_error(ERROR_FILE_INVALID);
                return nullptr;
            }
            size = uint64_t(st.st_size);
        } else if (size > uint64_t(st.st_size)) {
            // A mapping larger than the file grows the file, when it may be written.
            if (!may_write(protect)) {
                set_last_error(ERROR_NOT_ENOUGH_MEMORY);
                return nullptr;
            }
            if (ftruncate(f->fd, off_t(size)) != 0) {
                fail_errno();
                return nullptr;
            }
        }
        // Our own open of the same file, so that the mapping keeps working after CloseHandle(file).
        std::string proc = "/proc/self/fd/" + std::to_string(f->fd);
        m->fd = open(proc.c_str(), (writable && may_write(protect) ? O_RDWR : O_RDONLY) | O_CLOEXEC);
        if (m->fd < 0) m->fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
        m->file_backed = true;
    }
    m->size = size;
    m->name = key;
    if (!key.empty()) g_named[key] = m;
    bool inherit = sa && reinterpret_cast<const DWORD*>(sa)[4];
    HANDLE h = handle_alloc(m, inherit);
    set_last_error(ERROR_SUCCESS);
    return h;
}

HANDLE WINAPI CreateFileMappingA(HANDLE file, void* sa, DWORD protect, DWORD hi, DWORD lo, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : std::u16string();
    return CreateFileMappingW(file, sa, protect, hi, lo, name ? w.c_str() : nullptr);
}

HANDLE WINAPI OpenFileMappingW(DWORD access, BOOL inherit, LPCWSTR name) {
    (void)access;
    if (!name || !*name) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    std::lock_guard lock(g_mutex);
    auto it = g_named.find(name_key(wview(name)));
    std::shared_ptr<MappingObject> m = it == g_named.end() ? nullptr : it->second.lock();
    if (!m) {
        set_last_error(ERROR_FILE_NOT_FOUND);
        return nullptr;
    }
    return handle_alloc(m, inherit);
}
HANDLE WINAPI OpenFileMappingA(DWORD access, BOOL inherit, LPCSTR name) {
    if (!name) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    return OpenFileMappingW(access, inherit, ansi_to_wide(name).c_str());
}

LPVOID WINAPI MapViewOfFileEx(HANDLE h, DWORD access, DWORD off_hi, DWORD off_lo, SIZE_T size, LPVOID base) {
    auto m = mapping_from_handle(h);
    if (!m) return nullptr;
    uint64_t off = uint64_t(off_hi) << 32 | off_lo;
    if (off % vm::ALLOCATION_GRANULARITY) {
        set_last_error(ERROR_MAPPED_ALIGNMENT);
        return nullptr;
    }
    if (off > m->size || (size && size > m->size - off)) {
        set_last_error(ERROR_ACCESS_DENIED);
        return nullptr;
    }
    if (!size) size = m->size - off;
    // FILE_MAP_COPY is bit 0, which FILE_MAP_ALL_ACCESS also contains: only COPY alone (or with
    // EXECUTE) asks for a copy-on-write view.
    bool copy = (access & ~FILE_MAP_EXECUTE) == FILE_MAP_COPY;
    bool write = (access & FILE_MAP_WRITE) || copy;
    if ((access & FILE_MAP_WRITE) && !may_write(m->protect)) {
        set_last_error(ERROR_ACCESS_DENIED);
        return nullptr;
    }
    int prot = PROT_READ | (write ? PROT_WRITE : 0) | ((access & FILE_MAP_EXECUTE) ? PROT_EXEC : 0);
    size_t len = (size + vm::PAGE_SIZE - 1) & ~(vm::PAGE_SIZE - 1);
    void* where;
    int flags = (copy ? MAP_PRIVATE : MAP_SHARED);
    if (base) {
        if (reinterpret_cast<uintptr_t>(base) % vm::ALLOCATION_GRANULARITY) {
            set_last_error(ERROR_MAPPED_ALIGNMENT);
            return nullptr;
        }
        where = mmap(base, len, prot, flags | MAP_FIXED_NOREPLACE, m->fd, off_t(off));
        if (where == MAP_FAILED || where != base) {
            if (where != MAP_FAILED) munmap(where, len);
            set_last_error(ERROR_INVALID_ADDRESS);
            return nullptr;
        }
    } else {
        // Reserve a span with room to align, then map the file over its aligned start.
        size_t span = len + vm::ALLOCATION_GRANULARITY;
        void* r = mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (r == MAP_FAILED) {
            set_last_error(ERROR_NOT_ENOUGH_MEMORY);
            return nullptr;
        }
        uintptr_t a = reinterpret_cast<uintptr_t>(r);
        uintptr_t al = (a + vm::ALLOCATION_GRANULARITY - 1) & ~uintptr_t(vm::ALLOCATION_GRANULARITY - 1);
        where = mmap(reinterpret_cast<void*>(al), len, prot, flags | MAP_FIXED, m->fd, off_t(off));
        if (where == MAP_FAILED) {
            munmap(r, span);
            fail_errno();
            return nullptr;
        }
        if (al > a) munmap(r, al - a);
        if (a + span > al + len) munmap(reinterpret_cast<void*>(al + len), a + span - (al + len));
    }
    uint32_t win_protect = copy ? vm::PAGE_WRITECOPY : write ? vm::PAGE_READWRITE : vm::PAGE_READONLY;
    if (access & FILE_MAP_EXECUTE) win_protect = write ? vm::PAGE_EXECUTE_READWRITE : vm::PAGE_EXECUTE_READ;
    vm::register_region(where, len, vm::MEM_MAPPED, win_protect);
    {
        std::lock_guard lock(g_mutex);
        g_views[reinterpret_cast<uintptr_t>(where)] = View{m, len};
    }
    return where;
}

LPVOID WINAPI MapViewOfFile(HANDLE h, DWORD access, DWORD off_hi, DWORD off_lo, SIZE_T size) {
    return MapViewOfFileEx(h, access, off_hi, off_lo, size, nullptr);
}

BOOL WINAPI UnmapViewOfFile(LPCVOID addr) {
    View v;
    {
        std::lock_guard lock(g_mutex);
        auto it = g_views.find(reinterpret_cast<uintptr_t>(addr));
        if (it == g_views.end()) return fail(ERROR_INVALID_ADDRESS);
        v = std::move(it->second);
        g_views.erase(it);
    }
    vm::unregister_region(const_cast<void*>(addr));
    munmap(const_cast<void*>(addr), v.length);
    return TRUE;
}

BOOL WINAPI FlushViewOfFile(LPCVOID addr, SIZE_T size) {
    uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    std::lock_guard lock(g_mutex);
    auto it = g_views.upper_bound(a);
    if (it == g_views.begin()) return fail(ERROR_INVALID_ADDRESS);
    --it;
    if (a >= it->first + it->second.length) return fail(ERROR_INVALID_ADDRESS);
    uintptr_t start = a & ~uintptr_t(vm::PAGE_SIZE - 1);
    uintptr_t end = size ? a + size : it->first + it->second.length;
    if (end > it->first + it->second.length) end = it->first + it->second.length;
    if (msync(reinterpret_cast<void*>(start), end - start, MS_SYNC) != 0) return fail_errno();
    return TRUE;
}

WR_EXPORT_PART(kernel32_file_mapping,
    WR_EXPORT(CreateFileMappingA),
    WR_EXPORT(CreateFileMappingW),
    WR_EXPORT(OpenFileMappingA),
    WR_EXPORT(OpenFileMappingW),
    WR_EXPORT(MapViewOfFile),
    WR_EXPORT(MapViewOfFileEx),
    WR_EXPORT(UnmapViewOfFile),
    WR_EXPORT(FlushViewOfFile));

}  // namespace winrun::k32

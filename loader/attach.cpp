// DLL_PROCESS_ATTACH/DETACH sequencing, static TLS, and the stubs for unimplemented imports.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "binder.h"
#include "kernel32/exception.h"
#include "log.h"

namespace winrun::loader {

// Defined in binder.cpp's namespace scope through this accessor.
std::vector<Module*>& init_order_list();

namespace {
using DllMainFn = win::BOOL(WINAPI*)(void*, win::DWORD, void*);
using TlsCallbackFn = void(WINAPI*)(void*, win::DWORD, void*);
constexpr win::DWORD DLL_PROCESS_DETACH = 0, DLL_PROCESS_ATTACH = 1, DLL_THREAD_ATTACH = 2, DLL_THREAD_DETACH = 3;

std::vector<Module*> g_tls_modules;
std::vector<Module*> g_attached;  // in attach order

void run_tls_callbacks(Module& m, win::DWORD reason) {
    if (!m.tls || !m.tls->callbacks_address) return;
    auto* cb = reinterpret_cast<TlsCallbackFn*>(m.tls->callbacks_address);
    uint8_t* end = m.base + m.size;
    for (int i = 0; i < 1024 && reinterpret_cast<uint8_t*>(cb + i + 1) <= end && cb[i]; i++) {
        WR_TRACE(loader, "{}: TLS callback {} reason {}", m.name, reinterpret_cast<void*>(cb[i]), reason);
        cb[i](m.base, reason, reason == DLL_PROCESS_ATTACH && m.static_load ? reinterpret_cast<void*>(1) : nullptr);
    }
}

void* tls_block(const Module& m) {
    size_t tmpl = m.tls->raw_data_end - m.tls->raw_data_start;
    size_t total = tmpl + m.tls->zero_fill;
    auto* block = static_cast<uint8_t*>(aligned_alloc(16, (total + 16) & ~size_t(15)));
    if (tmpl) std::memcpy(block, reinterpret_cast<const void*>(m.tls->raw_data_start), tmpl);
    std::memset(block + tmpl, 0, total - tmpl + ((16 - (total % 16)) % 16));
    return block;
}

void assign_tls_indexes() {
    for (Module* m : modules()) {
        if (!m->tls || m->tls_index >= 0) continue;
        m->tls_index = int(g_tls_modules.size());
        g_tls_modules.push_back(m);
        if (m->tls->index_address) *reinterpret_cast<uint32_t*>(m->tls->index_address) = uint32_t(m->tls_index);
        if (m->ldr) m->ldr->TlsIndex = uint16_t(m->tls_index);
        // A module loaded after threads exist gets its block in the current thread (Windows Vista+
        // does this for every thread; other threads get theirs at their next TLS access - issue 4).
        win::TEB* teb = win::current_teb();
        if (teb && teb->ThreadLocalStoragePointer) teb->ThreadLocalStoragePointer[m->tls_index] = tls_block(*m);
    }
}
}  // namespace

constexpr int k_max_tls_modules = 256;

void init_thread_tls(win::TEB* teb) {
    auto** slots = static_cast<void**>(calloc(k_max_tls_modules, sizeof(void*)));
    for (Module* m : g_tls_modules) slots[m->tls_index] = tls_block(*m);
    teb->ThreadLocalStoragePointer = slots;
}

Result<void> attach_modules() {
    std::lock_guard lock(loader_lock());
    assign_tls_indexes();
    win::TEB* teb = win::current_teb();
    if (!teb->ThreadLocalStoragePointer) init_thread_tls(teb);
    Module* exe_now = nullptr;  // the EXE, when this call attaches it (once per process)
    for (Module* m : init_order_list()) {
        if (m->attached || m->builtin) continue;
        m->attached = true;
        note_initialized(m);
        if (m->is_exe) {  // the EXE's TLS callbacks run last, below
            exe_now = m;
            continue;
        }
        run_tls_callbacks(*m, DLL_PROCESS_ATTACH);
        if (m->entry) {
            WR_TRACE(loader, "{}: DllMain(PROCESS_ATTACH)", m->name);
            auto dllmain = reinterpret_cast<DllMainFn>(m->entry);
            if (!dllmain(m->base, DLL_PROCESS_ATTACH, m->static_load ? reinterpret_cast<void*>(1) : nullptr))
                return make_error(fmt::format("{}: initialization failed (DllMain returned FALSE)", m->name));
        }
        g_attached.push_back(m);
    }
    // Only when this call attached the EXE: a LoadLibrary made later (from a TLS callback of the EXE,
    // as mimalloc's start-up does, or from main) must not run the EXE's callbacks again.
    if (exe_now) {
        run_tls_callbacks(*exe_now, DLL_PROCESS_ATTACH);
        g_attached.push_back(exe_now);
    }
    return {};
}

void detach_modules() {
    std::lock_guard lock(loader_lock());
    // Reverse order; each module once. At process exit lpReserved is non-NULL.
    while (!g_attached.empty()) {
        Module* m = g_attached.back();
        g_attached.pop_back();
        run_tls_callbacks(*m, DLL_PROCESS_DETACH);
        if (!m->is_exe && m->entry) {
            WR_TRACE(loader, "{}: DllMain(PROCESS_DETACH)", m->name);
            reinterpret_cast<DllMainFn>(m->entry)(m->base, DLL_PROCESS_DETACH, reinterpret_cast<void*>(1));
        }
    }
}

void notify_threads(uint32_t reason) {
    std::lock_guard lock(loader_lock());
    for (Module* m : g_attached) {
        run_tls_callbacks(*m, reason);
        if (!m->is_exe && m->entry) reinterpret_cast<DllMainFn>(m->entry)(m->base, reason, nullptr);
    }
}

// ---- unimplemented functions ----------------------------------------------------------------
namespace {
uint8_t* g_stub_page = nullptr;
size_t g_stub_used = 0;
constexpr size_t k_stub_size = 32;
}  // namespace

void* unimplemented_stub(std::string_view dll, std::string_view function) {
    std::lock_guard lock(loader_lock());
    if (!g_stub_page || g_stub_used + k_stub_size > 4096) {
        void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) abort();
        g_stub_page = static_cast<uint8_t*>(p);
        g_stub_used = 0;
    }
    // The name lives for the life of the process: the stub hands it to the reporter.
    auto* desc = strdup(fmt::format("{}.{}", dll, function).c_str());
    uint8_t* s = g_stub_page + g_stub_used;
    mprotect(g_stub_page, 4096, PROT_READ | PROT_WRITE);
    uint64_t d = reinterpret_cast<uint64_t>(desc), h = reinterpret_cast<uint64_t>(&winrun_unimplemented_function_called);
    s[0] = 0x48; s[1] = 0xB9; std::memcpy(s + 2, &d, 8);    // movabs rcx, desc
    s[10] = 0x48; s[11] = 0xB8; std::memcpy(s + 12, &h, 8);  // movabs rax, handler
    s[20] = 0xFF; s[21] = 0xE0;                              // jmp rax
    std::memset(s + 22, 0xCC, k_stub_size - 22);
    mprotect(g_stub_page, 4096, PROT_READ | PROT_EXEC);
    g_stub_used += k_stub_size;
    return s;
}

}  // namespace winrun::loader

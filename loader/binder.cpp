#include "binder.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "actctx.h"
#include "builtin/synthetic_image.h"
#include "kernel32/path_map.h"
#include "kernel32/vm.h"
#include "log.h"
#include "unicode.h"

namespace winrun::loader {

namespace {
constexpr int MADV_POPULATE_WRITE_ = 23;  // <linux/mman.h>, Linux 5.14; older kernels refuse it harmlessly


uint32_t g_last_status = 0;
std::string g_app_dir;
std::vector<Module*> g_init_order;  // post-order of the import graph: dependencies first
bool g_checking = false;
std::vector<CheckEntry> g_check;

Error load_error(uint32_t status, std::string msg) {
    g_last_status = status;
    return make_error(std::move(msg));
}

// A whole file, mapped read-only; unmapped when the loader is done with it.
struct FileMap {
    void* p = MAP_FAILED;
    size_t n = 0;
    ~FileMap() {
        if (p != MAP_FAILED) munmap(p, n);
    }
    std::span<const uint8_t> span() const { return {static_cast<const uint8_t*>(p), n}; }
};

Result<void> map_file(const std::string& path, FileMap& fm) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(fmt::format("cannot open {}: {}", path, strerror(errno)));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return make_error(fmt::format("{} is not a regular file", path));
    }
    fm.n = size_t(st.st_size);
    if (fm.n == 0) {
        close(fd);
        return make_error(fmt::format("{} is empty", path));
    }
    fm.p = mmap(nullptr, fm.n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (fm.p == MAP_FAILED) return make_error(fmt::format("cannot map {}: {}", path, strerror(errno)));
    return {};
}

uint32_t section_protect(uint32_t ch) {
    bool r = ch & pe::SCN_MEM_READ, w = ch & pe::SCN_MEM_WRITE, x = ch & pe::SCN_MEM_EXECUTE;
    if (x) return w ? vm::PAGE_EXECUTE_READWRITE : (r ? vm::PAGE_EXECUTE_READ : vm::PAGE_EXECUTE);
    if (w) return vm::PAGE_READWRITE;
    return r ? vm::PAGE_READONLY : vm::PAGE_NOACCESS;
}

bool is_debug_section(const pe::Section& s) {
    return s.name.rfind(".debug", 0) == 0 || s.name.rfind("/", 0) == 0;  // "/4" = long .debug_* names
}

// Reserve the image's address range: the preferred base when it is free, else anywhere (64 KiB
// aligned, as Windows places images).
uint8_t* reserve_image(uint64_t preferred, size_t size, bool can_relocate) {
    void* p = mmap(reinterpret_cast<void*>(preferred), size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != MAP_FAILED && p == reinterpret_cast<void*>(preferred)) return static_cast<uint8_t*>(p);
    if (p != MAP_FAILED) munmap(p, size);
    if (!can_relocate) return nullptr;
    size_t span = size + vm::ALLOCATION_GRANULARITY;
    p = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    uintptr_t aligned = (a + vm::ALLOCATION_GRANULARITY - 1) & ~(vm::ALLOCATION_GRANULARITY - 1);
    if (aligned > a) munmap(p, aligned - a);
    size_t tail = (a + span) - (aligned + size);
    if (tail) munmap(reinterpret_cast<void*>(aligned + size), tail);
    return reinterpret_cast<uint8_t*>(aligned);
}

std::string base_name_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

Result<void> bind_imports(Module& m, const pe::PeImage& img);

// Maps a PE file: sections, relocations, imports (recursively), protections. Registers the module.
Result<Module*> map_pe(const std::string& linux_path, std::u16string win_path, bool is_exe) {
    FileMap fm;
    if (auto r = map_file(linux_path, fm); !r)
        return load_error(is_exe ? win::STATUS_INVALID_IMAGE_FORMAT : win::STATUS_DLL_NOT_FOUND, r.error().message);
    auto parsed = pe::PeImage::parse(fm.span());
    if (!parsed)
        return load_error(win::STATUS_INVALID_IMAGE_FORMAT,
                          fmt::format("{}: not a valid Windows program: {}", linux_path, parsed.error().message));
    pe::PeImage& img = parsed.value();
    if (img.machine() != pe::MACHINE_AMD64 || !img.is_pe32_plus())
        return load_error(win::STATUS_INVALID_IMAGE_FORMAT,
                          fmt::format("{}: an {} image; this winrun runs x86-64 (PE32+) programs", linux_path,
                                      pe::machine_name(img.machine())));
    if (img.directory(pe::DIR_CLR).rva)
        return load_error(win::STATUS_INVALID_IMAGE_FORMAT,
                          fmt::format("{}: a .NET assembly; winrun runs native programs only", linux_path));
    if (is_exe == img.is_dll())
        return load_error(win::STATUS_INVALID_IMAGE_FORMAT,
                          fmt::format("{}: {} where {} was expected", linux_path, img.is_dll() ? "a DLL" : "an EXE",
                                      is_exe ? "a program" : "a DLL"));

    size_t size = (size_t(img.size_of_image()) + vm::PAGE_SIZE - 1) & ~(vm::PAGE_SIZE - 1);
    auto relocs = img.relocations();
    if (!relocs) return load_error(win::STATUS_INVALID_IMAGE_FORMAT, fmt::format("{}: {}", linux_path, relocs.error().message));
    bool can_relocate = !(img.characteristics() & pe::FILE_RELOCS_STRIPPED);
    uint8_t* base = reserve_image(img.image_base(), size, can_relocate);
    if (!base)
        return load_error(0xC0000018 /* STATUS_CONFLICTING_ADDRESSES */,
                          fmt::format("{}: cannot place the image at its fixed base 0x{:x}", linux_path, img.image_base()));

    // Headers and section contents. DWARF debug sections are not copied: nothing at run time reads
    // them from memory, and touching them costs page faults (they can be megabytes).
    // The pages about to be written are faulted in with one call (MADV_POPULATE_WRITE, Linux 5.14)
    // rather than one page fault each; debug sections are neither populated nor copied.
    madvise(base, (img.size_of_headers() + vm::PAGE_SIZE - 1) & ~(vm::PAGE_SIZE - 1), MADV_POPULATE_WRITE_);
    for (const auto& s : img.sections()) {
        if (is_debug_section(s)) continue;
        uint64_t start = s.virtual_address & ~uint64_t(vm::PAGE_SIZE - 1);
        uint64_t end = std::min<uint64_t>((uint64_t(s.virtual_address) + std::max(s.virtual_size, s.raw_size) + vm::PAGE_SIZE - 1) &
                                              ~uint64_t(vm::PAGE_SIZE - 1), size);
        if (end > start) madvise(base + start, end - start, MADV_POPULATE_WRITE_);
    }
    std::memcpy(base, fm.p, std::min<size_t>(img.size_of_headers(), fm.n));
    for (const auto& s : img.sections()) {
        if (!s.raw_size || (s.characteristics & pe::SCN_CNT_UNINITIALIZED_DATA) || is_debug_section(s)) continue;
        uint32_t n = s.virtual_size ? std::min(s.raw_size, s.virtual_size) : s.raw_size;
        std::memcpy(base + s.virtual_address, static_cast<const uint8_t*>(fm.p) + s.raw_offset, n);
    }
    int64_t delta = int64_t(reinterpret_cast<uintptr_t>(base) - img.image_base());
    if (delta) {
        WR_TRACE(loader, "{}: relocating from 0x{:x} to {} ({} fixups)", linux_path, img.image_base(),
                 static_cast<void*>(base), relocs->size());
        for (const auto& r : relocs.value()) {
            if (r.type == pe::REL_BASED_DIR64) {
                uint64_t v;
                std::memcpy(&v, base + r.rva, 8);
                v += delta;
                std::memcpy(base + r.rva, &v, 8);
            } else {
                uint32_t v;
                std::memcpy(&v, base + r.rva, 4);
                v += uint32_t(delta);
                std::memcpy(base + r.rva, &v, 4);
            }
        }
        // The header's ImageBase is what GetModuleHandle's caller reads: keep it true.
        uint32_t lfanew;
        std::memcpy(&lfanew, base + 0x3C, 4);
        uint64_t nb = reinterpret_cast<uintptr_t>(base);
        std::memcpy(base + lfanew + 24 + 24, &nb, 8);
    }

    auto* m = new Module;
    m->name = base_name_of(linux_path);
    m->win_path = std::move(win_path);
    m->linux_path = linux_path;
    m->base = base;
    m->size = uint32_t(size);
    m->is_exe = is_exe;
    m->entry = img.entry_point_rva() ? base + img.entry_point_rva() : nullptr;
    auto exports = img.exports();
    if (!exports) return load_error(win::STATUS_INVALID_IMAGE_FORMAT, fmt::format("{}: {}", linux_path, exports.error().message));
    m->ordinal_base = exports->ordinal_base;
    for (auto& e : exports->entries) {
        if (!e.name.empty())
            m->export_names.push_back({m->export_name_storage.emplace_back(std::move(e.name)), uint32_t(m->export_rvas.size())});
        m->export_rvas.push_back(e.rva);
        m->forwarders.push_back(std::move(e.forwarder));
    }
    // A well-formed image's name table is already sorted; a stable sort keeps the first of duplicate
    // names first, and tolerates images whose table is not.
    if (!std::is_sorted(m->export_names.begin(), m->export_names.end(),
                        [](const Module::ExportName& a, const Module::ExportName& b) { return a.name < b.name; }))
        std::stable_sort(m->export_names.begin(), m->export_names.end(),
                         [](const Module::ExportName& a, const Module::ExportName& b) { return a.name < b.name; });
    auto tls = img.tls();
    if (!tls) return load_error(win::STATUS_INVALID_IMAGE_FORMAT, fmt::format("{}: {}", linux_path, tls.error().message));
    if (tls->has_value()) {
        pe::TlsInfo t = **tls;
        auto rebase = [&](uint64_t va) { return va ? va + delta : 0; };
        t.raw_data_start = rebase(t.raw_data_start);
        t.raw_data_end = rebase(t.raw_data_end);
        t.index_address = rebase(t.index_address);
        t.callbacks_address = rebase(t.callbacks_address);
        uint64_t lo = reinterpret_cast<uintptr_t>(base), hi = lo + size;
        auto inside = [&](uint64_t va, uint64_t n) { return va == 0 || (va >= lo && va + n <= hi); };
        if (!inside(t.raw_data_start, t.raw_data_end - t.raw_data_start) || !inside(t.index_address, 4) ||
            !inside(t.callbacks_address, 8))
            return load_error(win::STATUS_INVALID_IMAGE_FORMAT, fmt::format("{}: TLS directory points outside the image", linux_path));
        m->tls = t;
    }
    register_module(m);
    WR_TRACE(loader, "mapped {} at {} (size 0x{:x})", linux_path, static_cast<void*>(base), size);
    if (is_exe) {
        // Every Windows process has ntdll and kernel32 mapped right after the EXE, whether the EXE
        // imports them or not (GetModuleHandle("ntdll") works in any process).
        TRY(load_dll("ntdll.dll", m));
        TRY(load_dll("kernel32.dll", m));
    }

    TRY_VOID(bind_imports(*m, img));

    // Protections, now that the import address table is written: one protection per page (the
    // headers read-only, each section's pages from its characteristics), applied in runs.
    size_t pages = size / vm::PAGE_SIZE;
    std::vector<uint32_t> prot(pages, vm::PAGE_READONLY);
    for (const auto& s : img.sections()) {
        uint64_t start = s.virtual_address / vm::PAGE_SIZE;
        uint64_t len = std::max(s.virtual_size, s.raw_size);
        uint64_t end = std::min<uint64_t>((uint64_t(s.virtual_address) + len + vm::PAGE_SIZE - 1) / vm::PAGE_SIZE, pages);
        for (uint64_t p = start; p < end; p++) prot[p] = section_protect(s.characteristics);
    }
    vm::register_region(base, size, vm::MEM_IMAGE, vm::PAGE_READONLY);
    for (size_t p = 0; p < pages;) {
        size_t q = p;
        while (q < pages && prot[q] == prot[p]) q++;
        if (prot[p] != vm::PAGE_READWRITE) mprotect(base + p * vm::PAGE_SIZE, (q - p) * vm::PAGE_SIZE, vm::linux_prot(prot[p]));
        vm::note_protection(base + p * vm::PAGE_SIZE, (q - p) * vm::PAGE_SIZE, prot[p]);
        p = q;
    }
    g_init_order.push_back(m);
    return m;
}

Result<void> bind_imports(Module& m, const pe::PeImage& img) {
    auto imports = img.imports();
    if (!imports)
        return load_error(win::STATUS_INVALID_IMAGE_FORMAT, fmt::format("{}: {}", m.linux_path, imports.error().message));
    for (const auto& dll : imports.value()) {
        auto dep = load_dll(dll.dll, &m);
        if (!dep) {
            if (!g_checking) return dep.error();
            for (const auto& e : dll.entries)
                g_check.push_back({m.name, dll.dll, e.name.empty() ? fmt::format("#{}", e.ordinal) : e.name, false, false});
            continue;
        }
        Module* d = dep.value();
        if (std::find(m.deps.begin(), m.deps.end(), d) == m.deps.end()) m.deps.push_back(d);
        for (const auto& e : dll.entries) {
            std::string fname = e.name.empty() ? fmt::format("#{}", e.ordinal) : e.name;
            auto addr = e.name.empty() ? resolve_export_ordinal(*d, e.ordinal) : resolve_export(*d, e.name);
            bool implemented = addr.ok();
            if (!addr) {
                // Builtin DLLs bind what they lack to a loud stub (design decision 3); a real PE DLL
                // that lacks an export is a broken installation, and Windows refuses to start.
                if (!d->builtin && !g_checking)
                    return load_error(e.name.empty() ? win::STATUS_ORDINAL_NOT_FOUND : win::STATUS_ENTRYPOINT_NOT_FOUND,
                                      fmt::format("{}: the procedure entry point {} could not be located in {}",
                                                  m.name, fname, d->name));
                addr = unimplemented_stub(d->name, fname);
            }
            if (g_checking) g_check.push_back({m.name, dll.dll, fname, implemented, true});
            void* a = addr.value();
            std::memcpy(m.base + e.iat_rva, &a, sizeof a);
            WR_TRACE(loader, "{}: {}!{} -> {}{}", m.name, d->name, fname, a, implemented ? "" : " (stub)");
        }
    }
    return {};
}

// KnownDLLs: Windows always takes these from the system directory, never from the app dir.
bool is_known_dll(std::string_view name) {
    static const char* const known[] = {"kernel32", "kernelbase", "ntdll",    "msvcrt",  "advapi32", "user32",
                                        "gdi32",    "shell32",    "ole32",    "oleaut32", "combase", "ws2_32",
                                        "rpcrt4",   "sechost",    "shlwapi",  "imm32",   "psapi",   "setupapi",
                                        "comdlg32", "normaliz",   "nsi",      "wldap32", "imagehlp", "shcore"};
    std::string_view n = name;
    if (n.size() > 4 && iequals(n.substr(n.size() - 4), ".dll")) n = n.substr(0, n.size() - 4);
    for (const char* k : known)
        if (iequals(n, k)) return true;
    return false;
}

// Appends the entries of a ':'-separated Linux directory list.
void append_dir_list(const char* list, std::vector<std::string>& dirs) {
    if (!list) return;
    std::string_view p(list);
    while (!p.empty()) {
        size_t c = p.find(':');
        if (c != 0) dirs.emplace_back(p.substr(0, c));
        if (c == std::string_view::npos) break;
        p.remove_prefix(c + 1);
    }
}

std::vector<std::string> search_dirs() {
    std::vector<std::string> dirs;
    dirs.push_back(g_app_dir);
    if (g_app_dir != ".") dirs.push_back(".");
    // The Windows PATH (';'-separated Windows paths) is in the emulated environment; until issue 5
    // gives it its own store, the Linux PATH entries are used as they are.
    append_dir_list(getenv("PATH"), dirs);
    append_dir_list(getenv("WINRUN_PATH"), dirs);
    return dirs;
}

}  // namespace

const std::string& app_dir() { return g_app_dir; }
uint32_t last_load_status() { return g_last_status; }

Result<Module*> load_exe(const std::string& linux_path, std::u16string win_path) {
    std::lock_guard lock(loader_lock());
    size_t slash = linux_path.find_last_of('/');
    g_app_dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : linux_path.substr(0, slash));
    // Side-by-side: the process default activation context, before anything is mapped.
    if (auto r = actctx::init_process(linux_path); !r)
        return load_error(sxs::ERROR_SXS_CANT_GEN_ACTCTX,
                          fmt::format("side-by-side configuration of {} is incorrect: {}", linux_path, r.error().message));
    return map_pe(linux_path, std::move(win_path), true);
}

Result<Module*> load_dll(std::string_view req, const Module* importer) {
    std::lock_guard lock(loader_lock());
    std::string name(req);
    // Windows appends ".dll" to a name without an extension; a trailing dot means "no extension".
    size_t last_sep = name.find_last_of("\\/");
    std::string_view file_part = last_sep == std::string::npos ? std::string_view(name) : std::string_view(name).substr(last_sep + 1);
    if (file_part.find('.') == std::string_view::npos) name += ".dll";
    else if (!name.empty() && name.back() == '.') name.pop_back();

    // API sets resolve to the DLL that implements them.
    std::string_view api_target = builtin::resolve_api_set(name);
    if (!api_target.empty()) {
        WR_TRACE(loaddll, "{}: API set -> {}", name, api_target);
        name = std::string(api_target);
    }
    bool has_path = last_sep != std::string::npos;
    std::string base = has_path ? std::string(file_part) : name;
    // Side-by-side: the active activation context (then the process default, then .local) names
    // the file before any search (docs/sxs.md).
    if (!has_path && api_target.empty()) {
        std::string redirected = actctx::redirect_dll(name);
        if (!redirected.empty()) {
            for (Module* m : modules())
                if (m->linux_path == redirected) return m;
            return map_pe(redirected, paths::to_windows(redirected), false);
        }
    }
    if (!has_path)
        if (Module* m = find_module(name)) return m;

    const builtin::DllDef* bdef = builtin::find_dll(base);
    auto load_builtin = [&]() -> Result<Module*> {
        WR_TRACE(loaddll, "{}: builtin", name);
        Module* m = builtin::build_image(*bdef);
        g_init_order.push_back(m);
        return m;
    };
    if (bdef && (is_known_dll(base) || !api_target.empty())) return load_builtin();

    if (has_path) {
        auto lp = paths::to_linux(name);
        if (!lp || !paths::file_exists(lp.value()))
            return load_error(win::STATUS_DLL_NOT_FOUND, fmt::format("{}: DLL not found", name));
        for (Module* m : modules())
            if (m->linux_path == lp.value()) return m;
        return map_pe(lp.value(), paths::to_windows(lp.value()), false);
    }

    std::vector<std::string> tried;
    auto dirs = search_dirs();
    for (size_t i = 0; i < dirs.size(); i++) {
        // Windows order: application directory, system directory (our builtins), current
        // directory, PATH; then WINRUN_PATH.
        if (i == 1 && bdef) return load_builtin();
        std::string cand = paths::resolve_case(dirs[i] + "/" + name);
        WR_TRACE(loaddll, "{}: trying {}", name, cand);
        if (paths::file_exists(cand)) {
            for (Module* m : modules())
                if (m->linux_path == cand) return m;
            return map_pe(cand, paths::to_windows(cand), false);
        }
        tried.push_back(dirs[i]);
    }
    if (bdef) return load_builtin();
    std::string where;
    for (size_t i = 0; i < tried.size() && i < 6; i++) where += (i ? ", " : "") + tried[i];
    if (tried.size() > 6) where += fmt::format(" and {} more", tried.size() - 6);
    return load_error(win::STATUS_DLL_NOT_FOUND,
                      fmt::format("{} not found (needed by {}; searched the builtin DLLs, {})", name,
                                  importer ? importer->name : std::string("LoadLibrary"), where));
}

std::vector<Module*>& init_order_list() { return g_init_order; }

void begin_check() { g_checking = true; }
const std::vector<CheckEntry>& check_entries() { return g_check; }

}  // namespace winrun::loader

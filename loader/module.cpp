#include "module.h"

#include <algorithm>
#include <cstring>

#include "binder.h"
#include "log.h"
#include "unicode.h"

namespace winrun::loader {

namespace {
std::vector<Module*> g_modules;
win::PEB_LDR_DATA g_ldr_data;
bool g_ldr_init = false;

void list_init(win::LIST_ENTRY* head) { head->Flink = head->Blink = head; }
void list_append(win::LIST_ENTRY* head, win::LIST_ENTRY* e) {
    e->Flink = head;
    e->Blink = head->Blink;
    head->Blink->Flink = e;
    head->Blink = e;
}
void list_remove(win::LIST_ENTRY* e) {
    e->Blink->Flink = e->Flink;
    e->Flink->Blink = e->Blink;
    e->Flink = e->Blink = e;
}

void make_ustring(win::UNICODE_STRING& us, const std::u16string& s) {
    // The buffer lives as long as the module (allocated with it, never freed while loaded).
    auto* buf = new char16_t[s.size() + 1];
    std::memcpy(buf, s.data(), s.size() * 2);
    buf[s.size()] = 0;
    us.Buffer = buf;
    us.Length = uint16_t(s.size() * 2);
    us.MaximumLength = uint16_t(s.size() * 2 + 2);
}

win::PEB_LDR_DATA* ldr_data() {
    if (!g_ldr_init) {
        std::memset(&g_ldr_data, 0, sizeof g_ldr_data);
        g_ldr_data.Length = sizeof g_ldr_data;
        g_ldr_data.Initialized = 1;
        list_init(&g_ldr_data.InLoadOrderModuleList);
        list_init(&g_ldr_data.InMemoryOrderModuleList);
        list_init(&g_ldr_data.InInitializationOrderModuleList);
        g_ldr_init = true;
    }
    return &g_ldr_data;
}

// Strip a trailing ".dll" for comparisons of names given without extension.
std::string_view strip_dll(std::string_view s) {
    if (s.size() > 4 && iequals(s.substr(s.size() - 4), ".dll")) return s.substr(0, s.size() - 4);
    return s;
}
}  // namespace

win::PEB_LDR_DATA* peb_ldr_data() { return ldr_data(); }

std::recursive_mutex& loader_lock() {
    static std::recursive_mutex m;
    return m;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y) return false;
    }
    return true;
}

std::string to_lower(std::string_view s) {
    std::string r(s);
    for (auto& c : r)
        if (c >= 'A' && c <= 'Z') c += 32;
    return r;
}

const std::vector<Module*>& modules() { return g_modules; }

Module* find_module(std::string_view name) {
    std::string_view want = strip_dll(name);
    for (Module* m : g_modules)
        if (iequals(strip_dll(m->name), want)) return m;
    return nullptr;
}

Module* find_module_by_address(const void* addr) {
    auto a = reinterpret_cast<const uint8_t*>(addr);
    for (Module* m : g_modules)
        if (a >= m->base && a < m->base + m->size) return m;
    return nullptr;
}

void register_module(Module* m) {
    auto* ld = ldr_data();
    auto* e = new win::LDR_DATA_TABLE_ENTRY{};
    e->DllBase = m->base;
    e->EntryPoint = m->entry;
    e->SizeOfImage = m->size;
    make_ustring(e->FullDllName, m->win_path);
    make_ustring(e->BaseDllName, ascii_to_utf16(m->name));
    e->ObsoleteLoadCount = 0xFFFF;
    list_init(&e->HashLinks);
    list_append(&ld->InLoadOrderModuleList, &e->InLoadOrderLinks);
    list_append(&ld->InMemoryOrderModuleList, &e->InMemoryOrderLinks);
    list_init(&e->InInitializationOrderLinks);
    m->ldr = e;
    g_modules.push_back(m);
}

// Called when a module's DLL_PROCESS_ATTACH is about to run: the initialization-order list holds
// modules in the order they were initialised (dependencies first), the EXE never.
void note_initialized(Module* m) {
    if (m->is_exe || !m->ldr) return;
    list_append(&ldr_data()->InInitializationOrderModuleList, &m->ldr->InInitializationOrderLinks);
}

void unregister_module(Module* m) {
    if (m->ldr) {
        list_remove(&m->ldr->InLoadOrderLinks);
        list_remove(&m->ldr->InMemoryOrderLinks);
        list_remove(&m->ldr->InInitializationOrderLinks);
    }
    g_modules.erase(std::remove(g_modules.begin(), g_modules.end(), m), g_modules.end());
}

static Result<void*> resolve_index(Module& m, uint32_t index, std::string_view what, int depth);

static Result<void*> resolve_forwarder(Module& m, const std::string& fwd, std::string_view what, int depth) {
    // "OTHER.Function" or "OTHER.#12"; the DLL part may itself contain dots ("api-ms-win-x.y.z").
    if (depth > 16)
        return make_error(fmt::format("export {}!{} forwards in a loop (via '{}')", m.name, what, fwd));
    size_t dot = fwd.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == fwd.size())
        return make_error(fmt::format("export {}!{} has a malformed forwarder '{}'", m.name, what, fwd));
    std::string dll = fwd.substr(0, dot);
    std::string func = fwd.substr(dot + 1);
    WR_TRACE(module, "{}!{} forwards to {}", m.name, what, fwd);
    Module* target = TRY(load_dll(dll, &m));
    if (func[0] == '#') {
        char* end = nullptr;
        unsigned long ord = std::strtoul(func.c_str() + 1, &end, 10);
        if (*end || ord > 0xFFFF) return make_error(fmt::format("export {}!{} has a malformed forwarder '{}'", m.name, what, fwd));
        uint32_t idx = uint32_t(ord) - target->ordinal_base;
        if (ord < target->ordinal_base || idx >= target->export_rvas.size())
            return make_error(fmt::format("ordinal {} not found in {} (forwarded from {}!{})", ord, target->name, m.name, what));
        return resolve_index(*target, idx, func, depth + 1);
    }
    std::optional<uint32_t> index = target->find_export_index(func);
    if (!index) {
        if (target->builtin) return unimplemented_stub(target->name, func);
        return make_error(fmt::format("{} not found in {} (forwarded from {}!{})", func, target->name, m.name, what));
    }
    return resolve_index(*target, *index, func, depth + 1);
}

static Result<void*> resolve_index(Module& m, uint32_t index, std::string_view what, int depth) {
    if (index < m.forwarders.size() && !m.forwarders[index].empty())
        return resolve_forwarder(m, m.forwarders[index], what, depth);
    uint32_t rva = m.export_rvas[index];
    if (rva == 0 || rva >= m.size) return make_error(fmt::format("export {}!{} has no address", m.name, what));
    return static_cast<void*>(m.base + rva);
}

std::optional<uint32_t> Module::find_export_index(std::string_view want) const {
    auto it = std::lower_bound(export_names.begin(), export_names.end(), want,
                               [](const ExportName& e, std::string_view n) { return e.name < n; });
    if (it == export_names.end() || it->name != want) return std::nullopt;
    return it->index;
}

Result<void*> resolve_export(Module& m, std::string_view name) {
    std::optional<uint32_t> index = m.find_export_index(name);
    if (!index) return make_error(fmt::format("{} not found in {}", name, m.name));
    return resolve_index(m, *index, name, 0);
}

Result<void*> resolve_export_ordinal(Module& m, uint16_t ordinal) {
    uint32_t idx = uint32_t(ordinal) - m.ordinal_base;
    if (ordinal < m.ordinal_base || idx >= m.export_rvas.size())
        return make_error(fmt::format("ordinal {} not found in {}", ordinal, m.name));
    return resolve_index(m, idx, fmt::format("#{}", ordinal), 0);
}

}  // namespace winrun::loader

#include "actctx.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "client.h"
#include "kernel32/k32.h"
#include "kernel32/path_map.h"
#include "log.h"

namespace winrun::loader::actctx {

namespace {

std::mutex g_mu;               // the set of live contexts and the process default
std::set<ActCtx*> g_live;
ActCtx* g_default = nullptr;
std::string g_dotlocal;        // .local: "<app dir>" (a file) or "<app>.exe.local" (a directory); "" off
bool g_long_path_aware = false;

struct Frame {
    ActCtx* ctx;
    uintptr_t cookie;
};
thread_local std::vector<Frame> t_stack;
std::atomic<uintptr_t> g_next_cookie{0x1000};

sxs::Resolver& local_resolver() {
    static sxs::Resolver r;
    return r;
}

bool exists(const std::string& p, bool* is_dir = nullptr) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) return false;
    if (is_dir) *is_dir = S_ISDIR(st.st_mode);
    return true;
}

Result<sxs::ActCtxData> resolve(const sxs::ResolveRequest& req) {
    // Decision 10: csrssd resolves (and caches across processes). A daemon that cannot carry the
    // request (a path that is not UTF-8, a reply too large) or is absent: resolved here, same code.
    if (csrss::Session* s = k32::session()) {
        bool trace = log::enabled(log::Channel::sxs, log::Level::trace);
        auto r = s->resolve_actctx(req.resource_id, req.source, req.app_dir, req.config, req.store,
                                   trace ? csrss::proto::k_resolve_trace : 0);
        if (r) {
            if (r->error) return make_error(r->strings.at(0));
            auto d = sxs::decode(r->strings);
            if (d) {
                for (const auto& line : d->trace) WR_TRACE(sxs, "csrssd: {}", line);
                d->trace.clear();
                return d;
            }
            WR_WARN(sxs, "csrssd: {}; resolving in-process", d.error().message);
        } else {
            WR_TRACE(sxs, "csrssd: {}; resolving in-process", r.error().message);
        }
    }
    return local_resolver().resolve(req);
}

}  // namespace

std::string store_dir() { return paths::prefix_dir() + "/winsxs"; }

Result<ActCtx*> create(const sxs::ResolveRequest& req) {
    auto d = TRY(resolve(req));
    auto* c = new ActCtx;
    c->data = std::move(d);
    c->config = req.config;
    std::lock_guard l(g_mu);
    g_live.insert(c);
    return c;
}

Result<void> init_process(const std::string& exe) {
    sxs::ResolveRequest req;
    req.store = store_dir();
    req.config = exe + ".config";
    size_t slash = exe.find_last_of('/');
    req.app_dir = slash == std::string::npos ? "." : slash == 0 ? "/" : exe.substr(0, slash);
    // The embedded manifest wins over an external one (Windows since Server 2003 SP1).
    bool not_pe = false;
    auto embedded = sxs::read_manifest_bytes(exe, sxs::CREATEPROCESS_MANIFEST_RESOURCE_ID, &not_pe);
    // A file that is no valid PE at all is refused by the loader with its own message.
    if (!embedded && not_pe) return {};
    if (!embedded) return make_error(embedded.error().message);
    if (embedded->has_value()) {
        req.source = exe;
        req.resource_id = sxs::CREATEPROCESS_MANIFEST_RESOURCE_ID;
    } else if (exists(exe + ".manifest")) {
        req.source = exe + ".manifest";
    } else {
        // No manifest: DotLocal redirection (app.exe.local, a file or a directory).
        bool dir = false;
        if (exists(exe + ".local", &dir)) {
            g_dotlocal = dir ? exe + ".local" : req.app_dir;
            WR_TRACE(sxs, ".local redirection: DLLs from {} first", g_dotlocal);
        }
        return {};
    }
    ActCtx* c = TRY(create(req));
    g_default = c;
    const auto& s = c->data.settings;
    if (s.active_code_page) {
        // "UTF-8" makes the ANSI code page 65001; "Legacy" and locale names keep the system's.
        if (sxs::iequal(*s.active_code_page, "UTF-8")) {
            k32::set_ansi_code_page(65001);
            k32::refresh_ansi_command_line();
            WR_TRACE(sxs, "activeCodePage UTF-8: GetACP() is 65001");
        } else {
            WR_TRACE(sxs, "activeCodePage {}: the ANSI code page stays {}", *s.active_code_page, k32::ansi_code_page());
        }
    }
    g_long_path_aware = s.long_path_aware.value_or(false);
    return {};
}

ActCtx* process_default() { return g_default; }

bool set_process_default(ActCtx* c) {
    std::lock_guard l(g_mu);
    if (g_default) return false;
    c->refs++;
    g_default = c;
    return true;
}

ActCtx* active() { return t_stack.empty() ? nullptr : t_stack.back().ctx; }

bool valid(ActCtx* c) {
    std::lock_guard l(g_mu);
    return g_live.count(c) != 0;
}

void add_ref(ActCtx* c) {
    if (c && valid(c)) c->refs++;
}

void release(ActCtx* c) {
    if (!c || !valid(c)) return;
    if (--c->refs == 0) {
        std::lock_guard l(g_mu);
        if (c == g_default) return;  // the process default lives as long as the process
        g_live.erase(c);
        delete c;
    }
}

uintptr_t activate(ActCtx* c) {
    add_ref(c);
    uintptr_t cookie = g_next_cookie.fetch_add(1);
    t_stack.push_back({c, cookie});
    return cookie;
}

uint32_t deactivate(uintptr_t cookie, bool force) {
    constexpr uint32_t ERROR_SXS_EARLY_DEACTIVATION = 14084, ERROR_SXS_INVALID_DEACTIVATION = 14085;
    auto it = std::find_if(t_stack.begin(), t_stack.end(), [&](const Frame& f) { return f.cookie == cookie; });
    if (it == t_stack.end()) return ERROR_SXS_INVALID_DEACTIVATION;
    // Windows raises STATUS_SXS_EARLY_DEACTIVATION for a frame that is not on top, unless forced;
    // here the call fails with the matching error code and the stack is left as it was.
    if (it + 1 != t_stack.end() && !force) return ERROR_SXS_EARLY_DEACTIVATION;
    std::vector<ActCtx*> gone;
    for (auto j = it; j != t_stack.end(); ++j) gone.push_back(j->ctx);
    t_stack.erase(it, t_stack.end());
    for (ActCtx* c : gone) release(c);
    return 0;
}

std::string redirect_dll(std::string_view name) {
    for (ActCtx* c : {active(), g_default}) {
        if (!c || c->zombie) continue;
        if (const std::string* p = c->data.redirect(name)) {
            WR_TRACE(sxs, "{}: redirected by the activation context of {} to {}", name, c->data.source, *p);
            return *p;
        }
    }
    if (!g_dotlocal.empty()) {
        std::string f = sxs::find_ci(g_dotlocal, std::string(name));
        if (!f.empty()) {
            WR_TRACE(sxs, "{}: .local redirection to {}/{}", name, g_dotlocal, f);
            return g_dotlocal + "/" + f;
        }
    }
    return "";
}

bool long_path_aware() { return g_long_path_aware; }

}  // namespace winrun::loader::actctx

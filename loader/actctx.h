// Activation contexts in the process (design decision 10; docs/sxs.md): the process default context
// made at start-up from the EXE's manifest, the per-thread activation stack, and the DLL
// redirections the binder consults before its normal search. Resolution itself is sxs::Resolver,
// run by csrssd (RESOLVE_ACTCTX) or, without a daemon, here.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "resolver.h"
#include "result.h"

namespace winrun::loader::actctx {

struct ActCtx {
    std::atomic<int> refs{1};
    bool zombie = false;
    sxs::ActCtxData data;
    std::string config;  // the application configuration file looked at ("" none)
    // FindActCtxSectionString's DLL redirection section, built on first use (kernel32/actctx.cpp).
    std::vector<uint8_t> dll_section;
    std::vector<uint32_t> dll_section_entries;  // offset of each redirect's record in dll_section
};

// Resolves a manifest into a new context (refs 1): through csrssd when the session is up, else in
// this process. The error message names the assembly and every place searched.
Result<ActCtx*> create(const sxs::ResolveRequest& req);
// The store directory of the prefix ($WINRUN_PREFIX/winsxs).
std::string store_dir();

// Start-up: the EXE's RT_MANIFEST 1, else `app.exe.manifest`, becomes the process default context;
// its settings are applied (activeCodePage UTF-8 -> GetACP() 65001). Without a manifest, an
// `app.exe.local` file or directory turns on .local redirection. A failure is the process's
// ERROR_SXS_CANT_GEN_ACTCTX.
Result<void> init_process(const std::string& exe_linux_path);

ActCtx* process_default();
// Sets the process default (CreateActCtx with ACTCTX_FLAG_SET_PROCESS_DEFAULT): false when one is set.
bool set_process_default(ActCtx* c);
// The context on top of this thread's activation stack (nullptr: none, the process default applies).
ActCtx* active();
bool valid(ActCtx* c);  // a live context created here
void add_ref(ActCtx* c);
void release(ActCtx* c);
// Activation stack of the calling thread. deactivate: 0 ok, else the Windows error code.
uintptr_t activate(ActCtx* c);
uint32_t deactivate(uintptr_t cookie, bool force);

// The Linux path a DLL name (no directory) is redirected to by the active context, then the process
// default, then .local; "" when none applies.
std::string redirect_dll(std::string_view name);
// longPathAware from the manifest.
bool long_path_aware();

}  // namespace winrun::loader::actctx

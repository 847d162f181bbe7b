// Per-component log channels, switched by WINRUN_DEBUG (like Wine's WINEDEBUG):
//   WINRUN_DEBUG=+relay,+loaddll     enable those channels (trace level)
//   WINRUN_DEBUG=+all,-relay         everything but relay
//   WINRUN_DEBUG=warn+all            warnings (and errors) of every channel
// Silent by default: a user sees only what the program prints. Output goes to stderr through spdlog.
// The check on a channel is one load and a test, so disabled logging costs nothing measurable.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace winrun::log {

enum class Channel : uint8_t {
    loader,   // PE mapping, relocation, binding
    loaddll,  // DLL search: every place looked at
    relay,    // every call into a builtin DLL, with arguments and return value
    module,   // GetModuleHandle / GetProcAddress / LoadLibrary
    file,     // files and handles
    heap,     // heaps and VirtualAlloc
    crt,      // msvcrt
    nls,      // code pages
    seh,      // exceptions
    process,  // process start/exit, environment
    csrss,    // csrssd: the session daemon and its client (connect, registration, watchdog)
    reg,      // the registry: hive files loaded, created, written; failed saves
    sxs,      // side-by-side: manifests read, every place probed for an assembly, redirections
    count_
};

enum class Level : uint8_t { trace = 0, warn = 1, err = 2, off = 3 };

// Minimum level per channel; Level::off when disabled.
extern Level g_min_level[static_cast<int>(Channel::count_)];

inline bool enabled(Channel c, Level l) { return l >= g_min_level[static_cast<int>(c)]; }

// Parse WINRUN_DEBUG (or the given spec) and set the channel levels. Unknown names are reported once.
void configure(const char* spec);
void write(Channel c, Level l, std::string_view msg);
const char* channel_name(Channel c);

}  // namespace winrun::log

#define WR_LOG_(ch, lvl, ...)                                                               \
    do {                                                                                    \
        if (::winrun::log::enabled(::winrun::log::Channel::ch, ::winrun::log::Level::lvl)) \
            ::winrun::log::write(::winrun::log::Channel::ch, ::winrun::log::Level::lvl,      \
                                 fmt::format(__VA_ARGS__));                                 \
    } while (0)
#define WR_TRACE(ch, ...) WR_LOG_(ch, trace, __VA_ARGS__)
#define WR_WARN(ch, ...) WR_LOG_(ch, warn, __VA_ARGS__)
#define WR_ERR(ch, ...) WR_LOG_(ch, err, __VA_ARGS__)

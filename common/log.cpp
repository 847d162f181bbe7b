#include "log.h"

#include <cstdlib>
#include <cstring>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace winrun::log {

Level g_min_level[static_cast<int>(Channel::count_)] = {
    Level::off, Level::off, Level::off, Level::off, Level::off,
    Level::off, Level::off, Level::off, Level::off, Level::off, Level::off, Level::off, Level::off,
};

static const char* const k_names[] = {"loader", "loaddll", "relay", "module", "file",
                                      "heap",   "crt",     "nls",   "seh",    "process", "csrss", "reg",
                                      "sxs"};
static_assert(sizeof(k_names) / sizeof(k_names[0]) == static_cast<int>(Channel::count_));

const char* channel_name(Channel c) { return k_names[static_cast<int>(c)]; }

static std::shared_ptr<spdlog::logger> g_loggers[static_cast<int>(Channel::count_)];

static void set_level(std::string_view name, Level l) {
    for (int i = 0; i < static_cast<int>(Channel::count_); i++)
        if (name == "all" || name == k_names[i]) g_min_level[i] = l;
}

void configure(const char* spec) {
    if (!spec) return;
    std::string_view s(spec);
    while (!s.empty()) {
        size_t comma = s.find(',');
        std::string_view item = s.substr(0, comma);
        s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
        if (item.empty()) continue;
        // Forms: +name, -name, warn+name, err+name, name (same as +name)
        Level on = Level::trace;
        size_t op = item.find_first_of("+-");
        if (op != std::string_view::npos && op > 0) {
            std::string_view lvl = item.substr(0, op);
            if (lvl == "warn") on = Level::warn;
            else if (lvl == "err") on = Level::err;
            else if (lvl == "trace") on = Level::trace;
            item = item.substr(op);
        }
        if (item[0] == '-') set_level(item.substr(1), Level::off);
        else set_level(item[0] == '+' ? item.substr(1) : item, on);
    }
}

void write(Channel c, Level l, std::string_view msg) {
    int i = static_cast<int>(c);
    if (!g_loggers[i]) {
        auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
        g_loggers[i] = std::make_shared<spdlog::logger>(k_names[i], sink);
        g_loggers[i]->set_pattern("%n: %v");
        g_loggers[i]->set_level(spdlog::level::trace);
    }
    auto lvl = l == Level::trace ? spdlog::level::trace
             : l == Level::warn  ? spdlog::level::warn
                                 : spdlog::level::err;
    g_loggers[i]->log(lvl, "{}", msg);
}

}  // namespace winrun::log

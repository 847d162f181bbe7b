#include "cmdline.h"

namespace winrun::loader {

// The rules both parsers share: backslashes are literal unless they precede a quote; 2n
// backslashes + quote mean n backslashes and a quoting toggle, 2n+1 + quote mean n backslashes and
// a literal quote. So inside our quotes every quote is escaped and trailing backslashes doubled.
std::string quote_argument(const std::string& arg) {
    if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string::npos) return arg;
    std::string out = "\"";
    size_t slashes = 0;
    for (char c : arg) {
        if (c == '\\') {
            slashes++;
            continue;
        }
        if (c == '"') {
            out.append(slashes * 2 + 1, '\\');
            out.push_back('"');
        } else {
            out.append(slashes, '\\');
            out.push_back(c);
        }
        slashes = 0;
    }
    out.append(slashes * 2, '\\');
    out.push_back('"');
    return out;
}

std::string build_command_line(const std::string& argv0, const std::vector<std::string>& args) {
    // argv[0] is parsed without escapes (up to the closing quote): quote it only when needed.
    std::string line = argv0.find_first_of(" \t") == std::string::npos ? argv0 : "\"" + argv0 + "\"";
    for (const auto& a : args) {
        line.push_back(' ');
        line += quote_argument(a);
    }
    return line;
}

}  // namespace winrun::loader

// Linux argv -> the Windows command line, quoted so that msvcrt's parser and CommandLineToArgvW
// give back exactly the same arguments (spaces, quotes, backslashes, empty arguments).
#pragma once
#include <string>
#include <vector>

namespace winrun::loader {

std::string quote_argument(const std::string& arg);
// argv0 is the program as Windows code should see argv[0]; args are the rest.
std::string build_command_line(const std::string& argv0, const std::vector<std::string>& args);

}  // namespace winrun::loader

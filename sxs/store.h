// The prefix's assembly store ($WINRUN_PREFIX/winsxs, layout in resolver.h and docs/sxs.md):
// `winrun --install-assembly DIR` and `winrun --list-assemblies`.
#pragma once
#include <string>
#include <vector>

#include "result.h"

namespace winrun::sxs {

// Installs what DIR holds: at most one assembly manifest (*.manifest, with the files it lists, all in
// DIR) and any number of publisher policies (*.policy). Everything is checked before anything is
// written; an assembly is copied to a temporary directory and renamed into place, so a reader sees
// the old version or the new one, never half of one. Returns one line per item installed.
Result<std::vector<std::string>> install_assembly(const std::string& dir, const std::string& store);
// One line per installed assembly and policy; damaged entries are listed with the reason.
Result<std::vector<std::string>> list_assemblies(const std::string& store);

}  // namespace winrun::sxs

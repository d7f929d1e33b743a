// Where subcommands write their reports: stdout or a file.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli/commands.h"

namespace hunch::cli {

bool WriteOutput(const std::string& path, const std::string& text, std::string_view what) {
  if (path.empty()) {
    std::cout << text;
    return static_cast<bool>(std::cout);
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    std::cerr << fmt::format("{}: error: cannot write the {}\n", path, what);
    return false;
  }
  return true;
}

}  // namespace hunch::cli

// Golden tests of `hunch check` on broken rule files.
//
// For each tests/rule_errors/NAME.yaml, runs `hunch check tests/rule_errors/NAME.yaml` from the
// repository root (so the paths in the output are relative and stable) and requires exit status
// 1 and a stderr equal to tests/rule_errors/NAME.expected.
//
// To regenerate the .expected files after an intended change of messages or positions:
//
//   HUNCH_UPDATE_GOLDEN=1 build-unit/tests/hunch_tests "[golden]"
//
// then read every changed file (git diff tests/rule_errors): each line:column and caret must
// stand exactly at the mistake, and each message must say what was expected.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace hunch {
namespace {

namespace fs = std::filesystem;

struct Run {
  int exit_status = -1;
  std::string err;  // what the tool printed on stderr
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `hunch check RELATIVE_PATH` in the source directory, capturing stderr (stdout is dropped).
Run CheckFile(const std::string& relative_path) {
  const std::string command = "cd " + ShellQuote(HUNCH_SOURCE_DIR) + " && " +
                              ShellQuote(HUNCH_BINARY) + " check " + ShellQuote(relative_path) +
                              " 2>&1 1>/dev/null";
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.err.append(buffer, n);
  const int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) run.exit_status = WEXITSTATUS(status);
  return run;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> GoldenNames() {
  std::vector<std::string> names;
  for (const auto& entry :
       fs::directory_iterator(fs::path(HUNCH_SOURCE_DIR) / "tests/rule_errors")) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST_CASE("Every broken rule file in tests/rule_errors gives exactly its expected diagnostics",
          "[golden]") {
  const fs::path dir = fs::path(HUNCH_SOURCE_DIR) / "tests/rule_errors";
  const char* update = std::getenv("HUNCH_UPDATE_GOLDEN");
  const bool updating = update != nullptr && std::string(update) == "1";
  const std::vector<std::string> names = GoldenNames();
  CHECK(names.size() >= 25);
  for (const std::string& name : names) {
    INFO("tests/rule_errors/" << name << ".yaml");
    const Run run = CheckFile("tests/rule_errors/" + name + ".yaml");
    CHECK(run.exit_status == 1);
    const fs::path expected_path = dir / (name + ".expected");
    if (updating) {
      std::ofstream(expected_path, std::ios::binary) << run.err;
      continue;
    }
    REQUIRE(fs::exists(expected_path));
    CHECK(run.err == ReadFile(expected_path));
  }
}

TEST_CASE("Every expected output in tests/rule_errors belongs to a rule file", "[golden]") {
  const fs::path dir = fs::path(HUNCH_SOURCE_DIR) / "tests/rule_errors";
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".expected") continue;
    fs::path yaml = entry.path();
    yaml.replace_extension(".yaml");
    INFO(entry.path().string());
    CHECK(fs::exists(yaml));
  }
}

}  // namespace
}  // namespace hunch

// Test helper: a fresh directory under the system temp directory, removed with its files at the
// end.
#ifndef HUNCH_TESTS_TEMP_DIR_H_
#define HUNCH_TESTS_TEMP_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

namespace hunch::testing {

class TempDir {
 public:
  // The directory's name starts with `prefix` and holds the pid and a random number, so parallel
  // test processes never share one.
  explicit TempDir(std::string_view prefix) {
    std::random_device random;
    path_ =
        std::filesystem::temp_directory_path() /
        (std::string(prefix) + "_" + std::to_string(::getpid()) + "_" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  // The path of `name` inside the directory (not created).
  std::string Child(std::string_view name) const { return (path_ / name).string(); }
  // Writes `content` to `name` inside the directory and returns its path.
  std::string Write(std::string_view name, const std::string& content) const {
    const std::string file = Child(name);
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace hunch::testing

#endif  // HUNCH_TESTS_TEMP_DIR_H_

// Test helpers shared by the engine, experiment and scenario tests: paths of the shipped files, and a way to
// build a scenario in a temporary file from TOML text that uses the shipped model.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "model/compiled_model.hpp"
#include "model/load.hpp"

namespace hedgesim::testing {

inline std::string source_path(const std::string& rel) {
  return std::string(HEDGESIM_SOURCE_DIR) + "/" + rel;
}

/// A unique temporary directory, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("hedgesim-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name)) << text;
    return file(name);
  }

 private:
  std::filesystem::path path_;
};

/// Compiles a scenario given as TOML text (header, parameters and events) against the shipped model.
inline CompiledModel compile_text(const TempDir& dir, const std::string& body,
                                  const std::string& start = "2019-08-01",
                                  const std::string& end = "2020-06-30") {
  const std::string text = "[scenario]\nname = \"test\"\ntitle = \"test\"\nmodel = \"" +
                           source_path("model") + "\"\nstart = " + start + "\nend = " + end + "\nseed = 7\n" +
                           body;
  return load_and_compile(dir.write("scenario.toml", text));
}

inline int agent_index(const CompiledModel& m, const std::string& id) {
  for (int a = 0; a < m.n_agents; ++a)
    if (m.agent_ids[a] == id) return a;
  return -1;
}

}  // namespace hedgesim::testing

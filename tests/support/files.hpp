// Small file helpers shared by tests that inspect output directories: the names a directory holds (to check
// that nothing partial was left behind), whole-file reads and writes that never throw, what a gnuplot SVG
// draws, and a scratch-directory fixture.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>

namespace hedgesim::testing {

inline std::set<std::string> names_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.insert(e.path().filename().string());
  return names;
}

/// The file's bytes, or "" if it cannot be read.
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// Number of series groups in a gnuplot SVG that draw something: a line (`<path`) or a band (`<polygon`).
/// An empty plot (such as an event table's) draws nothing.
inline int drawn_series(const std::string& svg) {
  int n = 0;
  const std::string open = "<g id=\"gnuplot_plot_";
  for (auto at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
    const auto end = svg.find("\n\t</g>", at);
    const std::string group = svg.substr(at, end - at);
    if (group.find("<path") != std::string::npos || group.find("<polygon") != std::string::npos) ++n;
  }
  return n;
}

/// A test with its own scratch root and a private TMPDIR (restored afterwards), so that it can see exactly
/// what the code under test leaves behind; copy_of() copies a fixture directory from `data_dir` there.
class ScratchDirTest : public ::testing::Test {
 protected:
  explicit ScratchDirTest(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("hedgesim-scratch-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(root_ / "tmp");
    if (const char* t = std::getenv("TMPDIR")) old_tmpdir_ = t;
    setenv("TMPDIR", (root_ / "tmp").c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_)
      setenv("TMPDIR", old_tmpdir_->c_str(), 1);
    else
      unsetenv("TMPDIR");
    std::filesystem::remove_all(root_);
  }
  std::string copy_of(const std::string& fixture) {
    const std::filesystem::path dir = root_ / fixture;
    std::filesystem::copy(data_dir_ + fixture, dir, std::filesystem::copy_options::recursive);
    return dir.string();
  }
  bool temp_dir_is_empty() const { return std::filesystem::is_empty(root_ / "tmp"); }

  std::filesystem::path root_;

 private:
  std::string data_dir_;
  std::optional<std::string> old_tmpdir_;
};

}  // namespace hedgesim::testing

// Dependencies between modules point one way: cli -> experiment, report -> engine -> model; io at the edges
// (never from model or engine). This reads every #include under src/ and fails on one that points back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::set<std::string>> kAllowed = {
    {"model", {"model"}},
    {"engine", {"engine", "model"}},
    {"io", {"io", "model"}},
    {"experiment", {"experiment", "engine", "model", "io"}},
    {"report", {"report", "engine", "model", "io"}},
    {"cli", {"cli", "experiment", "report", "engine", "model", "io"}},
};

TEST(Architecture, IncludesPointOneWay) {
  const fs::path src = fs::path(HEDGESIM_SOURCE_DIR) / "src";
  const std::regex include_re(R"re(^\s*#include\s+"([a-z_]+)/)re");
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    const auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".hpp") continue;
    const std::string module = fs::relative(entry.path(), src).begin()->string();
    ASSERT_TRUE(kAllowed.count(module)) << "unknown module " << module;
    std::ifstream in(entry.path());
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      std::smatch m;
      if (!std::regex_search(line, m, include_re)) continue;
      ++checked;
      EXPECT_TRUE(kAllowed.at(module).count(m[1].str()))
          << entry.path().string() << ":" << line_no << ": module '" << module << "' must not include '"
          << m[1] << "/'";
    }
  }
  EXPECT_GT(checked, 20);  // the scan really saw the project's includes
}

}  // namespace

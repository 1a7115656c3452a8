// Dependencies between modules point one way: cli -> experiment, report -> results -> engine -> model; io at
// the edges (never from model or engine). This reads every #include under src/ and fails on one that points
// back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::set<std::string>> kAllowed = {
    {"model", {"model"}},
    {"engine", {"engine", "model"}},
    {"io", {"io", "model"}},
    {"results", {"results", "engine", "model", "io"}},
    {"experiment", {"experiment", "results", "engine", "model", "io"}},
    {"report", {"report", "results", "engine", "model", "io"}},
    {"calibration", {"calibration", "experiment", "results", "engine", "model", "io"}},
    {"serve", {"serve", "experiment", "report", "results", "engine", "model", "io"}},
    {"cli", {"cli", "serve", "calibration", "experiment", "report", "results", "engine", "model", "io"}},
};

/// "engine" for `#include "engine/engine.hpp"`; empty for system includes and other lines. (No std::regex:
/// GCC 12 warns falsely inside it at -O1, which the sanitizer build uses.)
std::string included_module(const std::string& line) {
  const std::string directive = "#include \"";
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos || line.compare(start, directive.size(), directive) != 0) return "";
  const std::size_t name = start + directive.size();
  const std::size_t slash = line.find('/', name);
  const std::size_t quote = line.find('"', name);
  if (slash == std::string::npos || slash > quote) return "";
  return line.substr(name, slash - name);
}

/// Calls visit(where, module, line) for every line of every source file under src/ ("where" is
/// "path:line"); returns how many lines it visited.
int for_each_source_line(
    const std::function<void(const std::string&, const std::string&, const std::string&)>& visit) {
  const fs::path src = fs::path(HEDGESIM_SOURCE_DIR) / "src";
  int lines = 0;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    const auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".hpp") continue;
    const std::string module = fs::relative(entry.path(), src).begin()->string();
    std::ifstream in(entry.path());
    int line_no = 0;
    for (std::string line; std::getline(in, line);)
      visit(entry.path().string() + ":" + std::to_string(++line_no), module, line);
    lines += line_no;
  }
  return lines;
}

TEST(Architecture, IncludesPointOneWay) {
  int checked = 0;
  for_each_source_line([&](const std::string& where, const std::string& module, const std::string& line) {
    ASSERT_TRUE(kAllowed.count(module)) << "unknown module " << module;
    const std::string target = included_module(line);
    if (target.empty()) return;
    ++checked;
    EXPECT_TRUE(kAllowed.at(module).count(target))
        << where << ": module '" << module << "' must not include '" << target << "/'";
  });
  EXPECT_GT(checked, 20);  // the scan really saw the project's includes
}

TEST(Architecture, NoModuleReachesIntoAnotherModulesDetail) {
  // A module's `detail` namespace is its own business (report::detail holds the figures' plumbing): another
  // module that names it depends on what may change without notice.
  const int lines =
      for_each_source_line([&](const std::string& where, const std::string& module, const std::string& line) {
        for (const auto& [other, allowed] : kAllowed)
          if (other != module && line.find(other + "::detail") != std::string::npos)
            ADD_FAILURE() << where << ": module '" << module << "' reaches into " << other << "::detail";
      });
  EXPECT_GT(lines, 1000);  // the scan really read the sources
}

// Issue 14, point 11: what a clone ships cites sources a reader can open — a publisher's URL — never a path
// of the machine it was written on (the seeds were cited as ../shared/seeds/..., which a clone does not
// have). Fails on such a path in any shipped text file: scenarios, model, experiments, docs, web pages, the
// README.
// (../shared/bench/, the optional speed reference kernel the benchmarks build when it is there, is not a
// citation and is allowed.)
TEST(ShippedFiles, CiteNoPathOfADevelopmentMachine) {
  const fs::path root = HEDGESIM_SOURCE_DIR;
  const char* const kForbidden[] = {"../shared/seeds", "shared/MODEL-NOTES", "/work/", "/root/",
                                    "/home/",          "/tmp/hedgesim"};
  int files = 0;
  for (const char* dir : {"scenarios", "model", "experiments", "docs", "web"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      const std::string path = entry.path().string();
      const auto ext = entry.path().extension();
      if (path.find("node_modules") != std::string::npos || !entry.is_regular_file()) continue;
      if (ext != ".toml" && ext != ".md" && ext != ".html" && ext != ".js" && ext != ".mjs" && ext != ".css")
        continue;
      ++files;
      std::ifstream in(entry.path());
      int line_no = 0;
      for (std::string line; std::getline(in, line);) {
        ++line_no;
        for (const char* bad : kForbidden)
          if (line.find(bad) != std::string::npos)
            ADD_FAILURE() << path << ":" << line_no << ": cites '" << bad << "…', a path outside the clone";
      }
    }
  }
  std::ifstream readme(root / "README.md");
  for (std::string line; std::getline(readme, line);)
    for (const char* bad : kForbidden)
      EXPECT_EQ(line.find(bad), std::string::npos) << "README.md cites " << bad;
  EXPECT_GT(files, 30);  // the scan really read the shipped files
}

}  // namespace

// Deep nesting in TOML input: toml++ recurses once per part of a dotted key or table header and limits only
// arrays and inline tables, so a key 50,000 parts deep would overflow the stack. Every TOML file goes through
// parse_toml_file, which scans it first (check_toml_depth) and refuses what is too deep at file:line:col.
// The deep files are generated here, into a scratch directory, not kept in the repository.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "model/load.hpp"
#include "model/toml_reader.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::at;
using testing::TempDir;

/// "a.a.a...a" with `parts` parts.
std::string dotted(int parts, const std::string& part = "a") {
  std::string s = part;
  for (int i = 1; i < parts; ++i)
    s += "." + part;
  return s;
}

std::string depth_error(const std::string& text) {
  return testing::error_of([&] { toml_io::check_toml_depth(text, "f.toml"); });
}

void expect_accepted(const std::string& text) {
  EXPECT_NO_THROW(toml_io::check_toml_depth(text, "f.toml")) << text.substr(0, 200);
}

TEST(TomlDepth, A50000PartDottedKeyIsRefusedAtItsPositionWithoutCrashing) {
  TempDir dir;
  const std::string path = dir.write("deep.toml", "# deep\n\n  " + dotted(50000) + " = 1\n");
  const auto start = std::chrono::steady_clock::now();
  const std::string msg = testing::error_of([&] { toml_io::parse_toml_file(path, {}, "scenario file"); });
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
  EXPECT_EQ(msg, at(path, 3, 3) +
                     "dotted key 'a.a.a.a.a.a.a.a.a.a.a.a....' is nested 50000 levels deep; at most 64 "
                     "allowed");
}

TEST(TomlDepth, A50000PartTableHeaderIsRefused) {
  TempDir dir;
  for (const std::string open : {"[", "[[", "[ "}) {
    const std::string path = dir.write("deep.toml", "x = 1\n" + open + dotted(50000, "bb") + "]\n");
    const std::string msg = testing::error_of([&] { toml_io::parse_toml_file(path, {}, "scenario file"); });
    EXPECT_EQ(
        msg,
        at(path, 2, static_cast<int>(open.size()) + 1) +
            "table header '[bb.bb.bb.bb.bb.bb.bb.bb....' is nested 50000 levels deep; at most 64 allowed")
        << open;
  }
}

TEST(TomlDepth, SixtyFourPartsAreAllowedAndSixtyFiveAreNot) {
  TempDir dir;
  const std::string ok = dir.write("ok.toml", "[" + dotted(63) + "]\n" + dotted(64) + " = 1\n");
  const toml::table t = toml_io::parse_toml_file(ok, {}, "scenario file");
  EXPECT_TRUE(t.contains("a"));
  EXPECT_NE(depth_error("[" + dotted(65) + "]\n").find("nested 65 levels deep; at most 64 allowed"),
            std::string::npos);
  EXPECT_NE(depth_error(dotted(65) + " = 1\n").find("dotted key 'a.a.a"), std::string::npos);
}

TEST(TomlDepth, QuotedPartsCountAndSpacesAroundDotsDoNotHideThem) {
  std::string quoted = "\"q.q\"";
  for (int i = 1; i < 65; ++i)
    quoted += (i % 2 ? " . 'r.r'" : ".\"s\"");
  EXPECT_NE(depth_error(quoted + " = 1\n").find("nested 65 levels deep"), std::string::npos);
  expect_accepted("\"" + dotted(500) + "\" = 1\n");  // one quoted part, however many dots inside
}

TEST(TomlDepth, InlineTablesKeysAreCheckedToo) {
  const std::string msg = depth_error("x = { y = 1, " + dotted(100) + " = 2 }\n");
  EXPECT_EQ(msg, at("f.toml", 1, 14) +
                     "dotted key 'a.a.a.a.a.a.a.a.a.a.a.a....' is nested 100 levels deep; at most "
                     "64 allowed");
}

TEST(TomlDepth, StringsAndCommentsAreNotKeys) {
  const std::string dots = dotted(1000);
  expect_accepted("# " + dots + "\nx = \"" + dots + "\"\ny = '" + dots + "'\n");
  expect_accepted("x = \"\"\"\n" + dots + "\n\"\"\"\ny = '''\n" + dots + "\n'''\nz = \"\\\"" + dots + "\"\n");
  expect_accepted("x = \"\"\"a\"\"\"\"\n# " + dots + "\n");  // a multi-line string that ends in a quote
  // The position after a multi-line string is still right.
  EXPECT_NE(depth_error("x = '''\n\n'''\n" + dotted(70) + " = 1\n").find("f.toml:4:1: "), std::string::npos);
}

TEST(TomlDepth, ValuesWithDotsAreNotDeep) {
  expect_accepted("x = 1.5\ny = 1979-05-27T07:32:00.999-07:00\nz = [1.0, 2.5e-3, -0.5]\nw = 0x1F\n");
}

TEST(TomlDepth, ArraysAndInlineTablesNestedTooDeepAreRefused) {
  std::string deep = "x = ";
  for (int i = 0; i < 65; ++i)
    deep += i % 2 ? "{ a = " : "[";
  EXPECT_EQ(
      depth_error(deep + "\n"),
      at("f.toml", 1, 229) + "an array or inline table is nested 65 levels deep here; at most 64 allowed");
  std::string fine = "x = ";
  for (int i = 0; i < 64; ++i)
    fine += "[";
  expect_accepted(fine + std::string(64, ']') + "\n[[t]]\n[[t]]\n");
}

// Found by the scenario fuzz target (tests/fuzz/regressions/scenario/toml-header-*): toml++ 3.3 asserts
// when a table header does not begin with a key.
TEST(TomlDepth, ATableHeaderThatDoesNotBeginWithAKeyIsRefusedBeforeTheParser) {
  const std::string what =
      "malformed TOML: a table header must begin with a key (a bare key or a quoted one), not ";
  const std::string syntax = "; see https://toml.io for the syntax";
  EXPECT_EQ(depth_error("x = 1\n[[# c\n"), at("f.toml", 2, 3) + what + "'#'" + syntax);
  EXPECT_EQ(depth_error("[[[a]]]\n"), at("f.toml", 1, 3) + what + "'['" + syntax);
  EXPECT_EQ(depth_error("\xEF\xBB\xBF[[[a]]]\n"), at("f.toml", 1, 3) + what + "'['" + syntax);  // after a BOM
  EXPECT_EQ(depth_error("  [ .a]\n"), at("f.toml", 1, 5) + what + "'.'" + syntax);
  EXPECT_EQ(depth_error("[\n"), at("f.toml", 1, 2) + what + "the end of the line" + syntax);
  EXPECT_EQ(depth_error("[[ [a]]\n"), at("f.toml", 1, 4) + what + "'['" + syntax);
  EXPECT_EQ(depth_error("[\xC3\xA9]\n"),
            at("f.toml", 1, 2) + what + "a character that cannot begin a key" + syntax);
  // Headers that begin with a key, those the parser refuses well itself, and rows of a multi-line array.
  expect_accepted("[a]\n[ b . c ]\n[[d]]\n[[ e ]]\n[\"f\"]\n[ 'g' ]\n[-]\n[9]\n");
  expect_accepted("[]\n[[]]\n[ [a]]\n[");
  expect_accepted("x = [\n  [1, 2],\n  [#c\n  3],\n]\ny = [[1], [\n[2]]]\n");
}

TEST(TomlDepth, ColumnsCountCharactersNotBytes) {
  EXPECT_NE(depth_error("\"Vučić\" = 1\n  é = 2; " + dotted(70) + " = 1\n").find("f.toml:2:10: "),
            std::string::npos);
}

TEST(TomlDepth, EveryModelFileIsChecked) {
  TempDir dir;
  const std::string model = dir.path() + "/model";
  std::filesystem::copy(testing::source_path("model"), model, std::filesystem::copy_options::recursive);
  std::ofstream(model + "/agents.toml", std::ios::app) << "\n" << dotted(50000) << " = 1\n";
  const std::string msg = testing::error_of([&] { load_model(model); });
  EXPECT_NE(msg.find(model + "/agents.toml:"), std::string::npos) << msg.substr(0, 300);
  EXPECT_NE(msg.find("is nested 50000 levels deep; at most 64 allowed"), std::string::npos)
      << msg.substr(0, 300);
}

TEST(TomlDepth, ScenarioFilesAreChecked) {
  TempDir dir;
  const std::string path = dir.write("s.toml", "[" + dotted(50000) + "]\n");
  const std::string msg = testing::error_of([&] { load_scenario(path); });
  EXPECT_EQ(msg.rfind(at(path, 1, 2) + "table header '[a.a.a", 0), 0u) << msg.substr(0, 300);
}

// A file past the size cap is refused once the cap is passed; one of exactly the cap is read whole (the
// negative control: the cap, not the reading, refuses).
TEST(TomlReader, AFileLargerThanTheCapIsRefusedWithoutReadingItAll) {
  TempDir dir;
  const std::string at_cap = dir.write("at-cap.toml", std::string(toml_io::kMaxTomlBytes, '#'));
  EXPECT_EQ(toml_io::read_toml_file(at_cap, {}, "scenario file").size(), toml_io::kMaxTomlBytes);
  const std::string over = dir.write("over.toml", std::string(toml_io::kMaxTomlBytes + 1, '#'));
  EXPECT_EQ(testing::error_of([&] {
              toml_io::read_toml_file(over, {"s.toml", 2, 11}, "base scenario");
            }),
            "s.toml:2:11: cannot read base scenario '" + over +
                "': it is larger than 16 MiB; allowed: a TOML file of at most 16 MiB");
}

}  // namespace
}  // namespace hedgesim

// results/run_files: which files `hedgesim run --keep/--compress` writes, and how readers find them.
#include "results/run_files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::results {
namespace {

using ::testing::ElementsAre;
using testing::TempDir;

TEST(RunFiles, KeepingNamesTheFilesInAFixedOrderAndBandsOnlyForAnEnsemble) {
  EXPECT_THAT(run_file_names(RunFiles{}, 2),
              ElementsAre("trajectory.csv", "events.csv", "attribution.csv", "bands.csv"));
  EXPECT_THAT(run_file_names(RunFiles{}, 1), ElementsAre("trajectory.csv", "events.csv", "attribution.csv"));
  std::string unknown;
  RunFiles f = RunFiles::keeping({"bands", "trajectory", "nonsense", "other"}, &unknown);
  EXPECT_EQ(unknown, "nonsense");
  f.gzip = true;
  EXPECT_THAT(run_file_names(f, 5), ElementsAre("trajectory.csv.gz", "bands.csv.gz"));
  EXPECT_TRUE(run_file_names(f, 1).size() == 1);
}

TEST(RunFiles, AReaderFindsEitherFormAndPrefersThePlainOne) {
  TempDir dir;
  EXPECT_FALSE(find_run_file(dir.path(), "trajectory.csv"));
  dir.write("trajectory.csv.gz", "x");
  EXPECT_EQ(find_run_file(dir.path(), "trajectory.csv"), dir.file("trajectory.csv.gz"));
  dir.write("trajectory.csv", "x");
  EXPECT_EQ(find_run_file(dir.path(), "trajectory.csv"), dir.file("trajectory.csv"));
}

// Fails if a file that meta.json does not list gave the reader's "no such file" instead of saying why.
TEST(RunFiles, AFileTheRunDidNotKeepIsNamedAsSuchAndAMissingOneIsLeftToItsReader) {
  TempDir dir;
  EXPECT_EQ(run_file(dir.path(), "events.csv"), dir.file("events.csv"));  // no meta.json: the reader reports
  dir.write("meta.json", R"({"kind": "run", "files": ["trajectory.csv.gz"]})");
  EXPECT_EQ(
      testing::error_of([&] { run_file(dir.path(), "events.csv"); }),
      dir.file("events.csv") +
          ":0:0: this run did not keep events.csv (it wrote trajectory.csv.gz); run it again with --keep "
          "including events");
  dir.write("meta.json", R"({"kind": "run", "files": ["events.csv"]})");
  EXPECT_EQ(run_file(dir.path(), "events.csv"), dir.file("events.csv"));  // listed but deleted
  dir.write("meta.json", R"({"kind": "run"})");  // an older run, which wrote every file
  EXPECT_EQ(run_file(dir.path(), "events.csv"), dir.file("events.csv"));
}

TEST(RunFiles, ARunRemovesTheFormsOfRunFilesItDidNotWriteAndNothingElse) {
  TempDir dir;
  for (const char* f :
       {"trajectory.csv", "trajectory.csv.gz", "bands.csv", "events.csv", "notes.csv", "meta.json"})
    dir.write(f, "x");
  remove_other_run_files(dir.path(), {"trajectory.csv.gz", "events.csv"});
  std::set<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    left.insert(e.path().filename().string());
  EXPECT_EQ(left, (std::set<std::string>{"trajectory.csv.gz", "events.csv", "notes.csv", "meta.json"}));
}

}  // namespace
}  // namespace hedgesim::results

// report/figure: `hedgesim plot DIR` draws the figure each kind of output directory calls for.
#include "report/figure.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "support/files.hpp"
#include "support/input_error_message.hpp"
#include "support/report_runs.hpp"
#include "support/study_runs.hpp"

namespace hedgesim::report {
namespace {

namespace fs = std::filesystem;
using ::testing::StartsWith;

class FigureTest : public testing::ScratchDirTest {
 protected:
  FigureTest() : ScratchDirTest(std::string(HEDGESIM_TEST_DATA) + "/") {}
  /// A copy of a directory the real writers made: the single run (report/run1, tests/support/report_runs.hpp)
  /// or a study (study/sobol, study/lhs, study/compare: tests/support/study_runs.hpp).
  std::string fixture(const std::string& name) {
    fs::create_directories((root_ / name).parent_path());
    const std::string from = name == "report/run1" ? testing::report_runs().run1
                                                   : testing::study_runs() + name.substr(name.find('/') + 1);
    fs::copy(from, root_ / name, fs::copy_options::recursive);
    return (root_ / name).string();
  }
};

// Fails if a kind were sent to another figure (each writes its own default name), or --out's extension did
// not choose the format.
TEST_F(FigureTest, EachKindOfDirectoryGetsItsFigure) {
  const std::pair<const char*, const char*> cases[] = {{"report/run1", "plot.png"},
                                                       {"study/sobol", "indices.png"},
                                                       {"study/lhs", "scatter.png"},
                                                       {"study/compare", "difference.png"}};
  for (const auto& [name, figure] : cases) {
    const std::string dir = fixture(name);
    EXPECT_EQ(draw_figure({.dir = dir}), (fs::path(dir) / figure).string()) << name;
  }
  const std::string dir = (root_ / "study/lhs").string();  // copied above
  const std::string out = (fs::path(dir) / "elsewhere.svg").string();
  EXPECT_EQ(draw_figure({.dir = dir, .out = out}), out);
  EXPECT_NE(testing::slurp(out).find("<svg"), std::string::npos);
}

TEST_F(FigureTest, AnOutWithoutAFiguresExtensionIsRefused) {
  const std::string dir = fixture("report/run1");
  EXPECT_EQ(
      testing::error_of([&] { draw_figure({.dir = dir, .out = dir + "/figure.pdf"}); }),
      "<command line>:1:0: --out '" + dir + "/figure.pdf' must end in .png or .svg (the figure's format)");
  EXPECT_FALSE(fs::exists(dir + "/figure.pdf"));
}

}  // namespace
}  // namespace hedgesim::report

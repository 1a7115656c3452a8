// Tests of `plot` on copies of the runs the real writer makes of tests/data/report/fixture-run.toml
// (tests/support/report_runs.hpp): the figure is written whole (PNG magic
// bytes; an SVG with one curve per drawn series and the event table), nothing temporary is left behind in
// the run directory or the temporary directory, and bad requests or a failing gnuplot are InputErrors.
#include "report/plot.hpp"
#include "support/files.hpp"
#include "support/input_error_message.hpp"
#include "support/report_runs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <vector>

#include "model/input_error.hpp"
#include "results/build_info.hpp"

namespace hedgesim::report {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using testing::names_in;
using testing::slurp;

using testing::drawn_series;

using testing::error_of;

/// The number of variables `agent` has in DIR/trajectory.csv (run,step,date,agent,variable,value), read
/// here with a plain line splitter.
int variables_of(const std::string& dir, const std::string& agent) {
  std::ifstream in(dir + "/trajectory.csv");
  std::set<std::string> variables;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, ',');)
      f.push_back(field);
    if (f.size() == 6 && f[3] == agent) variables.insert(f[4]);
  }
  return static_cast<int>(variables.size());
}

/// A copy of a fixture and a private TMPDIR, so the test can see exactly what the plot leaves behind.
class PlotTest : public testing::ScratchDirTest {
 protected:
  PlotTest() : ScratchDirTest(testing::report_runs().root) {}
};

TEST_F(PlotTest, WritesAPngAndLeavesNothingElse) {
  const std::string dir = copy_of("run1");
  const auto before = names_in(dir);
  PlotOptions o;
  o.dir = dir;
  const std::string out = plot(o);
  EXPECT_EQ(out, (fs::path(dir) / "plot.png").string());
  EXPECT_EQ(slurp(out).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto expected = before;
  expected.insert("plot.png");
  EXPECT_EQ(names_in(dir), expected);
  EXPECT_TRUE(temp_dir_is_empty());
}

TEST_F(PlotTest, SvgHasOneCurvePerSeriesAndTheEventTable) {
  const std::string dir = copy_of("run1");
  PlotOptions o;
  o.dir = dir;
  o.format = "svg";
  const std::string svg = slurp(plot(o));
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_EQ(drawn_series(svg), 4);  // AAA and BBB (the hedgers), signal and substance each
  EXPECT_THAT(svg, HasSubstr("hedgesim: fixture-run<"));
  EXPECT_THAT(svg, HasSubstr("An invented veto and what came after it"));
  EXPECT_THAT(svg, HasSubstr("Alphaland (AAA)"));
  EXPECT_THAT(svg, HasSubstr("Betaland (BBB)"));
  EXPECT_THAT(svg, HasSubstr("BBB signs a defence cooperation plan"));
  EXPECT_THAT(svg, HasSubstr("WWW blocks the opening of talks, citing"));
  EXPECT_THAT(svg, Not(HasSubstr("WWW's leader hosts RRR's leader")));  // involves neither AAA nor BBB
  EXPECT_TRUE(temp_dir_is_empty());
}

// Issue 14, point 9: a figure copied out of its directory still says how it was made.
TEST_F(PlotTest, TheFigureCarriesTheRunsSeedAndTheProgramsVersion) {
  const std::string dir = copy_of("run_ens");
  PlotOptions o;
  o.dir = dir;
  o.format = "svg";
  EXPECT_THAT(slurp(plot(o)), HasSubstr("scenario fixture-run · seed 7 · " +
                                        std::to_string(testing::kReportEnsembleReplicates) +
                                        " replicates · hedgesim " + std::string(results::version())));
}

TEST_F(PlotTest, EnsembleDrawsTheMeanAndA5To95Band) {
  const std::string dir = copy_of("run_ens");
  PlotOptions o;
  o.dir = dir;
  o.format = "svg";
  const std::string svg = slurp(plot(o));
  EXPECT_EQ(drawn_series(svg), 8);  // per hedger and variable: the band and the mean line
  EXPECT_THAT(svg, HasSubstr("5-95 % of the runs"));
  EXPECT_THAT(svg, HasSubstr("mean over " + std::to_string(testing::kReportEnsembleReplicates) + " runs"));
}

TEST_F(PlotTest, DrawsTheAgentsAskedForInTheirOwnVariables) {
  const std::string dir = copy_of("run1");
  PlotOptions o;
  o.dir = dir;
  o.format = "svg";
  o.agents = {"WWW", "RRR", "WWW"};
  const std::string svg = slurp(plot(o));
  // A curve per variable the run's trajectory.csv holds for each (each agent drawn once).
  EXPECT_EQ(drawn_series(svg), variables_of(dir, "WWW") + variables_of(dir, "RRR"));
  EXPECT_GT(variables_of(dir, "RRR"), 1);  // so that a panel drawing only its first variable would fail
  // Each panel is titled by its first variable (the patrons' first, in the model's order, is detente).
  EXPECT_THAT(svg, HasSubstr("Westland (WWW): detente with the rival"));
  EXPECT_THAT(svg, HasSubstr("Rivalia (RRR): detente with the rival"));
  EXPECT_THAT(svg, HasSubstr("WWW's leader hosts RRR's leader"));
}

TEST_F(PlotTest, AFigureOfChosenAgentsHasItsOwnNameAndLeavesTheFigureOfAllAlone) {
  const std::string dir = copy_of("run1");
  PlotOptions all;
  all.dir = dir;
  const std::string whole = slurp(plot(all));
  PlotOptions some = all;
  some.agents = {"WWW", "RRR", "WWW"};
  EXPECT_EQ(plot(some), (fs::path(dir) / "plot-WWW-RRR.png").string());
  EXPECT_EQ(slurp((fs::path(dir) / "plot.png").string()), whole);
}

TEST_F(PlotTest, OutWritesTheFigureWhereAskedAndNothingIntoTheRun) {
  const std::string dir = copy_of("run1"), elsewhere = copy_of("run_ens");
  const auto before = names_in(dir);
  PlotOptions o;
  o.dir = dir;
  o.format = "svg";
  o.out = (fs::path(elsewhere) / "figure.svg").string();
  EXPECT_EQ(plot(o), o.out);
  EXPECT_THAT(slurp(o.out), HasSubstr("<svg"));
  EXPECT_EQ(names_in(dir), before);
  o.out = (fs::path(elsewhere) / "no-such-dir" / "figure.svg").string();
  EXPECT_THAT(
      error_of([&] { plot(o); }),
      AllOf(StartsWith(o.out + ":0:0: cannot write the plot: the directory"), HasSubstr("does not exist")));
}

TEST_F(PlotTest, EventsKeepOneNumberingInEveryFigureAndThoseLeftOutAreNamed) {
  // Numbered by date over all events (as the report's table numbers them), whatever agents are drawn:
  // the hedgers' figure leaves out event 1 (between the patrons), RRR's leaves out 2, 5, 6 and 7.
  const std::string dir = copy_of("run1");
  PlotOptions o;
  o.dir = dir;
  o.format = "svg";
  EXPECT_THAT(slurp(plot(o)), HasSubstr("not shown (no agent drawn takes part): 1<"));
  o.agents = {"RRR"};
  EXPECT_THAT(slurp(plot(o)), HasSubstr("not shown (no agent drawn takes part): 2, 5, 6, 7<"));
}

TEST_F(PlotTest, UnknownAgentIsAnErrorWithASuggestion) {
  const std::string dir = copy_of("run1");
  PlotOptions o;
  o.dir = dir;
  o.agents = {"AAA", "BBX"};
  EXPECT_THAT(error_of([&] { plot(o); }),
              AllOf(StartsWith("<command line>:1:0: --agents: 'BBX' is not an agent of this run"),
                    HasSubstr("'AAA', 'BBB', 'WWW' or 'RRR'"), HasSubstr("did you mean 'BBB'")));
  EXPECT_FALSE(fs::exists(fs::path(dir) / "plot.png"));
}

TEST_F(PlotTest, FormatMustBePngOrSvg) {
  PlotOptions o;
  o.dir = copy_of("run1");
  o.format = "jpg";
  EXPECT_THAT(error_of([&] { plot(o); }), AllOf(HasSubstr("--format: 'jpg'"), HasSubstr("'png' or 'svg'")));
}

TEST_F(PlotTest, FailingGnuplotIsAnErrorAndLeavesNoOutput) {
  const std::string dir = copy_of("run1");
  const auto before = names_in(dir);
  PlotOptions o;
  o.dir = dir;
  o.gnuplot = "false";  // exits with 1, like gnuplot on a bad script
  EXPECT_THAT(error_of([&] { plot(o); }), AllOf(StartsWith(dir + ":0:0: gnuplot failed (exit 1)"),
                                                HasSubstr("install it with `apt-get install gnuplot-nox`")));
  o.gnuplot = "/nonexistent/gnuplot";
  EXPECT_THAT(error_of([&] { plot(o); }), HasSubstr("gnuplot failed (exit 127)"));
  EXPECT_EQ(names_in(dir), before);
  EXPECT_TRUE(temp_dir_is_empty());
}

TEST_F(PlotTest, MissingOrBrokenMetaJsonIsNamed) {
  const std::string dir = copy_of("run1");
  fs::remove(fs::path(dir) / "meta.json");
  PlotOptions o;
  o.dir = dir;
  EXPECT_THAT(error_of([&] { plot(o); }),
              AllOf(HasSubstr(dir + "/meta.json:0:0: cannot read"), HasSubstr("hedgesim run")));
  std::ofstream(fs::path(dir) / "meta.json") << "{\n  \"scenario\": \"x\",\n  oops\n}\n";
  EXPECT_THAT(error_of([&] { plot(o); }), StartsWith(dir + "/meta.json:3:"));
}

}  // namespace
}  // namespace hedgesim::report

// Tests of plot_indices, plot_scatter, plot_sweep, plot_difference and output_kind on copies of the study
// directories the real writers make (tests/support/study_runs.hpp: run_sweep on analytic functions, compare
// on the report fixture model), with expected numbers read from their files: the figure is written whole (PNG
// magic bytes and the size the script asked for; an SVG with the titles, panels and series), the bars are
// sorted by the total index and the scatter matrix draws the parameters' real values in a panel per (metric,
// parameter) (read from the generated script's data blocks and panels, not from pixels), bad requests are
// InputErrors with suggestions, and a failing gnuplot leaves nothing behind.
#include "report/plot_study.hpp"
#include "results/build_info.hpp"
#include "results/compare_files.hpp"
#include "results/sweep_files.hpp"
#include "support/files.hpp"
#include "support/input_error_message.hpp"
#include "support/report_runs.hpp"
#include "support/study_runs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

#include "model/input_error.hpp"

namespace hedgesim::report {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using testing::error_of;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

/// The study directories, written by the real writers (tests/support/study_runs.hpp).
const std::string kData = testing::study_runs();

using testing::names_in;
using testing::slurp;
using testing::spit;

/// Width and height from a PNG's IHDR chunk (big-endian at bytes 16 and 20).
std::pair<int, int> png_size(const std::string& png) {
  const auto be32 = [&](std::size_t at) {
    int v = 0;
    for (std::size_t i = 0; i < 4; ++i)
      v = v * 256 + static_cast<unsigned char>(png.at(at + i));
    return v;
  };
  return {be32(16), be32(20)};
}

/// The canvas size a script asks for: "size W,H" (no std::regex: GCC 12 warns inside it under ASan).
std::pair<int, int> script_size(const std::string& script) {
  const auto at = script.find(" size ");
  if (at == std::string::npos) return {-1, -1};
  std::istringstream in(script.substr(at + 6));
  int width = -1, height = -1;
  char comma = 0;
  in >> width >> comma >> height;
  return comma == ',' ? std::pair{width, height} : std::pair{-1, -1};
}

/// The rows of the inline data block `name` ("$panel0") of a script.
std::vector<std::string> data_block(const std::string& script, const std::string& name) {
  std::vector<std::string> rows;
  const auto at = script.find(name + " << EOD\n");
  if (at == std::string::npos) return rows;
  std::istringstream in(script.substr(at));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && line != "EOD")
    rows.push_back(line);
  return rows;
}

/// The first field of each row of a bar block: the parameter's name, without its quotes.
std::vector<std::string> bar_order(const std::string& script, const std::string& block) {
  std::vector<std::string> names;
  for (const auto& row : data_block(script, block))
    names.push_back(row.substr(1, row.find('"', 1) - 1));
  return names;
}

using testing::drawn_series;

/// indices.csv of a sweep as (metric, index, parameter) -> its row.
std::map<std::tuple<std::string, std::string, std::string>, results::IndexRow> indices_of(
    const std::string& dir) {
  std::map<std::tuple<std::string, std::string, std::string>, results::IndexRow> out;
  for (const results::IndexRow& r : results::read_indices(dir + "/indices.csv"))
    out[{r.metric, r.index, r.parameter}] = r;
  return out;
}

/// A bar block's row as the figure writes it: the parameter, its y, then value, low and high of the primary
/// and the secondary index, each as gnuplot reads them back (%.10g).
std::string bar_row(const std::map<std::tuple<std::string, std::string, std::string>, results::IndexRow>& idx,
                    const std::string& metric, const std::string& parameter, int y,
                    const std::string& primary, const std::string& secondary) {
  std::string row = "\"" + parameter + "\" " + std::to_string(y);
  for (const std::string& index : {primary, secondary}) {
    const results::IndexRow& r = idx.at({metric, index, parameter});
    for (double v : {r.value, r.ci_low, r.ci_high}) {
      char text[32];
      std::snprintf(text, sizeof text, " %.10g", v);
      row += text;
    }
  }
  return row;
}

/// A copy of a fixture and a private TMPDIR, so the test can see exactly what the plot leaves behind.
class PlotStudyTest : public testing::ScratchDirTest {
 protected:
  PlotStudyTest() : ScratchDirTest(kData) {}
  PlotStudyOptions options_for(const std::string& fixture) {
    PlotStudyOptions o;
    o.dir = copy_of(fixture);
    return o;
  }
  /// Draws o.dir's figure `name` with `draw`, checks that it is a whole PNG of the size `script` asks for and
  /// the only file left behind; returns that size.
  std::pair<int, int> lone_png(const PlotStudyOptions& o, const std::string& name,
                               const std::function<std::string()>& draw, const std::string& script);
};

const std::string kPngMagic("\x89PNG\r\n\x1a\n", 8);

std::pair<int, int> PlotStudyTest::lone_png(const PlotStudyOptions& o, const std::string& name,
                                            const std::function<std::string()>& draw,
                                            const std::string& script) {
  const auto before = names_in(o.dir);
  const std::string out = draw();
  EXPECT_EQ(out, (fs::path(o.dir) / name).string());
  const std::string png = slurp(out);
  EXPECT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), kPngMagic);
  const auto size = script_size(script);
  EXPECT_EQ(png_size(png), size);
  auto expected = before;
  expected.insert(name);
  EXPECT_EQ(names_in(o.dir), expected);
  EXPECT_TRUE(temp_dir_is_empty());
  return size;
}

// ---- Sensitivity indices ----------------------------------------------------------------------------------

TEST_F(PlotStudyTest, IndicesPngHasTheScriptsSizeAndNothingElseIsLeft) {
  const PlotStudyOptions o = options_for("sobol");
  const auto size = lone_png(
      o, "indices.png", [&] { return plot_indices(o); }, indices_script(o, "x.png"));
  EXPECT_EQ(size.first, 1200);  // three metrics: two columns, README width
  EXPECT_GT(size.second, 400);
}

TEST_F(PlotStudyTest, IndicesSvgHasTheTitleAPanelPerMetricAndTheLegend) {
  PlotStudyOptions o = options_for("sobol");
  o.format = "svg";
  const std::string out = plot_indices(o);
  EXPECT_EQ(out, (fs::path(o.dir) / "indices.svg").string());
  const std::string svg = slurp(out);
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("hedgesim sweep: fixture-sobol"));
  EXPECT_THAT(svg,
              HasSubstr("Sobol sensitivity indices, 512 base samples: 5,120 design points × 4 replicates "
                        "= 20,480 runs"));
  for (const char* metric : {"gap_mean", "signal_after_veto", "flat_metric"})
    EXPECT_THAT(svg, HasSubstr(std::string(">") + metric + "<")) << metric;
  for (const char* parameter : {"alpha_gain", "beta_half_life_days", "gamma_pull", "delta_budget"})
    EXPECT_THAT(svg, HasSubstr(parameter));
  EXPECT_THAT(svg, HasSubstr("ST: total effect"));
  EXPECT_THAT(svg, HasSubstr("S1: first-order effect"));
  EXPECT_THAT(svg, HasSubstr("95 % bootstrap interval (200 resamples)"));
  EXPECT_THAT(svg, HasSubstr("The metric did not vary: every index is 0."));  // flat_metric
  EXPECT_THAT(svg, HasSubstr("Second-order indices S2: indices.csv."));
  // Per panel: a bar series and a whisker series for each of ST and S1; flat_metric's bars have no width.
  EXPECT_GE(drawn_series(svg), 8);
}

TEST_F(PlotStudyTest, TheCaptionCallsSobolEstimatesOutsideZeroToOneNoise) {
  // The nearly inert beta's estimates scatter around 0, some below it; signal_after_veto's are inside [0, 1].
  PlotStudyOptions o = options_for("sobol");
  int outside = 0, outside_signal = 0;
  for (const auto& [key, r] : indices_of(o.dir))
    if ((r.index == "S1" || r.index == "ST") && (r.value < 0 || r.value > 1)) {
      ++outside;
      outside_signal += r.metric == "signal_after_veto";
    }
  ASSERT_GE(outside, 1) << "the fixture should have an estimate outside [0, 1]";
  ASSERT_EQ(outside_signal, 0);
  EXPECT_THAT(indices_script(o, "x.png"),
              HasSubstr(std::to_string(outside) + (outside == 1 ? " estimate lies" : " estimates lie") +
                        " outside [0, 1] (S1 < 0 or ST > 1): estimator noise, not an effect"));
  o.select = {"signal_after_veto"};
  EXPECT_THAT(indices_script(o, "x.png"), Not(HasSubstr("estimator noise")));
}

TEST_F(PlotStudyTest, BarsAreSortedByTheTotalIndexFromTheTop) {
  const PlotStudyOptions o = options_for("sobol");
  const std::string script = indices_script(o, "x.png");
  // By ST: gamma (mostly through its interaction with delta), alpha, delta, beta; S1 alone would put alpha
  // first, meta.json's order is alpha, beta, gamma, delta.
  const auto idx = indices_of(o.dir);
  ASSERT_GT(idx.at({"gap_mean", "ST", "gamma_pull"}).value, idx.at({"gap_mean", "ST", "alpha_gain"}).value);
  ASSERT_GT(idx.at({"gap_mean", "S1", "alpha_gain"}).value, idx.at({"gap_mean", "S1", "gamma_pull"}).value);
  EXPECT_THAT(bar_order(script, "$panel0"),
              ElementsAre("gamma_pull", "alpha_gain", "delta_budget", "beta_half_life_days"));
  EXPECT_THAT(bar_order(script, "$panel1"),
              ElementsAre("delta_budget", "beta_half_life_days", "alpha_gain", "gamma_pull"));
  // Rows: name, y (top row highest), ST value lo hi, S1 value lo hi, as indices.csv has them.
  EXPECT_EQ(data_block(script, "$panel0").front(), bar_row(idx, "gap_mean", "gamma_pull", 3, "ST", "S1"));
  EXPECT_EQ(data_block(script, "$panel0").back(),
            bar_row(idx, "gap_mean", "beta_half_life_days", 0, "ST", "S1"));
  // The tick labels follow the same order.
  EXPECT_THAT(script, HasSubstr("set ytics ('gamma_pull' 3, 'alpha_gain' 2, 'delta_budget' 1, "
                                "'beta_half_life_days' 0)"));
  // The shared x range shows the negative estimates (bounds below 0) and ends at 1.
  const auto at = script.find("set xrange [");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LT(std::stod(script.substr(at + 12)), 0.0);
  EXPECT_EQ(script.substr(script.find(':', at), 4), ":1]\n");
}

TEST_F(PlotStudyTest, MorrisBarsAreMuStarAndSigmaSortedByMuStar) {
  PlotStudyOptions o = options_for("morris");
  const std::string script = indices_script(o, "x.svg");
  EXPECT_THAT(bar_order(script, "$panel0"),
              ElementsAre("delta_budget", "alpha_gain", "gamma_pull", "beta_half_life_days"));
  EXPECT_THAT(bar_order(script, "$panel1"),
              ElementsAre("alpha_gain", "gamma_pull", "beta_half_life_days", "delta_budget"));
  EXPECT_EQ(data_block(script, "$panel0").front(),
            bar_row(indices_of(o.dir), "srb_courting_mean", "delta_budget", 3, "mu_star", "sigma"));
  o.format = "svg";
  const std::string svg = slurp(plot_indices(o));
  EXPECT_THAT(svg, HasSubstr("Morris elementary effects, 10 trajectories: 50 design points × 10 replicates = "
                             "500 runs"));
  EXPECT_THAT(svg, HasSubstr("μ*: mean |elementary effect|"));
  EXPECT_THAT(svg, HasSubstr("σ: spread of the effects"));
  EXPECT_THAT(svg, HasSubstr(">srb_courting_mean<"));
  EXPECT_THAT(svg, HasSubstr(">mkd_signal_after_veto<"));
}

TEST_F(PlotStudyTest, MetricsAskedForAreDrawnInTheirOrder) {
  PlotStudyOptions o = options_for("sobol");
  o.select = {"signal_after_veto"};
  std::string script = indices_script(o, "x.png");
  EXPECT_THAT(script, HasSubstr("$panel0 << EOD"));
  EXPECT_THAT(script, Not(HasSubstr("$panel1")));
  EXPECT_EQ(script_size(script).first, 1000);  // one panel, one column
  EXPECT_THAT(bar_order(script, "$panel0").front(), "delta_budget");
  o.select = {"flat_metric", "gap_mean", "flat_metric"};
  script = indices_script(o, "x.png");
  EXPECT_THAT(script, HasSubstr("'flat_metric' at screen"));
  EXPECT_THAT(script, Not(HasSubstr("$panel2")));
  EXPECT_THAT(bar_order(script, "$panel1").front(), "gamma_pull");
  EXPECT_LT(script.find("'flat_metric' at screen"), script.find("'gap_mean' at screen"));
}

TEST_F(PlotStudyTest, AtMostSixMetricsByDefault) {
  const PlotStudyOptions o = options_for("sobol");
  std::string csv = "metric,index,parameter,other,value,ci_low,ci_high\n";
  for (int m = 0; m < 8; ++m)
    for (const char* index : {"S1", "ST"})
      csv += "m" + std::to_string(m) + "," + index + ",alpha_gain,,0.5,0.4,0.6\n";
  spit(fs::path(o.dir) / "indices.csv", csv);
  const std::string script = indices_script(o, "x.png");
  EXPECT_THAT(script, HasSubstr("$panel5 << EOD"));
  EXPECT_THAT(script, Not(HasSubstr("$panel6")));
  EXPECT_THAT(script, HasSubstr("The first 6 of 8 metrics; choose others with --metrics."));
}

TEST_F(PlotStudyTest, UnknownMetricIsAnErrorWithASuggestion) {
  PlotStudyOptions o = options_for("sobol");
  o.select = {"gap_mean", "gap_maen"};
  EXPECT_THAT(error_of([&] { plot_indices(o); }),
              AllOf(StartsWith("<command line>:1:0: --metrics: 'gap_maen' is not a metric of this sweep"),
                    HasSubstr("'gap_mean', 'signal_after_veto' or 'flat_metric'"),
                    HasSubstr("did you mean 'gap_mean'")));
  EXPECT_FALSE(fs::exists(fs::path(o.dir) / "indices.png"));
  EXPECT_TRUE(temp_dir_is_empty());
}

TEST_F(PlotStudyTest, AGridSweepHasNoIndicesButAScatterMatrix) {
  const PlotStudyOptions o = options_for("grid");
  const auto before = names_in(o.dir);
  EXPECT_THAT(error_of([&] { plot_indices(o); }),
              AllOf(StartsWith(o.dir + "/indices.csv:0:0: "), HasSubstr("the sweep's design is 'grid'"),
                    HasSubstr("only Morris and Sobol designs have them"),
                    HasSubstr("`hedgesim plot " + o.dir + "` draws its metrics against its parameters")));
  EXPECT_EQ(names_in(o.dir), before);
}

TEST_F(PlotStudyTest, BadIndicesFilesAreReportedWhereTheyAreBad) {
  const PlotStudyOptions o = options_for("sobol");
  const fs::path file = fs::path(o.dir) / "indices.csv";
  spit(file,
       "metric,index,parameter,other,value,ci_low,ci_high\ngap_mean,S1,alpha_gain,,0.3,0.2,0.4\n"
       "gap_mean,ST,alpha_gain,,high,0.2,0.4\n");
  EXPECT_THAT(
      error_of([&] { plot_indices(o); }),
      AllOf(StartsWith(file.string() + ":3:"), HasSubstr("'high' in column 'value' is not a number")));
  spit(file, "metric,index,parameter,other,value,ci_low,ci_high\ngap_mean,S3,alpha_gain,,0.3,0.2,0.4\n");
  EXPECT_THAT(
      error_of([&] { plot_indices(o); }),
      AllOf(StartsWith(file.string() + ":2:10: 'S3' is not a sensitivity index"), HasSubstr("'mu_star'")));
  spit(file, "metric,index,parameter,other,value,ci_low,ci_high\ngap_mean,S1,alpha_gain,,0.3,0.2,0.4\n");
  EXPECT_THAT(error_of([&] { plot_indices(o); }),
              HasSubstr("metric 'gap_mean' has no 'ST' row for parameter 'alpha_gain'"));
  spit(file, "metric,index,value\n");
  EXPECT_THAT(error_of([&] { plot_indices(o); }), HasSubstr("the file has no column 'parameter'"));
  fs::remove(file);
  EXPECT_THAT(error_of([&] { plot_indices(o); }),
              AllOf(StartsWith(file.string() + ":0:0: cannot read"), HasSubstr("hedgesim sweep")));
  EXPECT_FALSE(fs::exists(fs::path(o.dir) / "indices.png"));
}

TEST_F(PlotStudyTest, IndicesOfADirectoryThatIsNoSweepSayWhatItIs) {
  PlotStudyOptions o;
  o.dir = copy_of("compare");
  EXPECT_THAT(error_of([&] { plot_indices(o); }),
              AllOf(StartsWith(o.dir + ":0:0: this is the output of `hedgesim compare`, not of a sweep")));
}

// ---- Scatter matrix (grid and LHS sweeps) -----------------------------------------------------------------

/// A sweep fixture's parameter as its meta.json gives it.
struct FixtureParameter {
  std::string name;
  double min, max;
};
const std::vector<FixtureParameter> kGridParameters = {{"alpha_gain", 0.5, 4.5},
                                                       {"beta_half_life_days", 30, 270}};
const std::vector<FixtureParameter> kLhsParameters = {
    {"alpha_gain", 1, 8}, {"beta_half_life_days", 30, 270}, {"gamma_pull", 0.3, 1.2}};
const std::vector<std::string> kGridMetrics = {"gap_mean", "signal_after_veto"};
const std::vector<std::string> kLhsMetrics = {"gap_mean", "signal_after_veto", "flat_metric"};

/// Each row's fields as numbers.
std::vector<std::vector<double>> numbers_of(const std::vector<std::string>& rows, char separator = ' ') {
  std::vector<std::vector<double>> out;
  for (std::string row : rows) {
    std::replace(row.begin(), row.end(), separator, ' ');
    std::istringstream in(row);
    out.emplace_back();
    for (double v = 0; in >> v;)
      out.back().push_back(v);
  }
  return out;
}

/// The lines of a file after its header.
std::vector<std::string> records_of(const fs::path& file) {
  std::istringstream in(slurp(file));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> rows;
  while (std::getline(in, line))
    rows.push_back(line);
  return rows;
}

/// What a scatter script draws in panel (i, j): from its "# panel i j:" comment to the next panel's.
std::string panel_of(const std::string& script, std::size_t i, std::size_t j) {
  const std::string mark = "# panel " + std::to_string(i) + " " + std::to_string(j) + ":";
  const auto at = script.find(mark);
  if (at == std::string::npos) return "";
  const auto next = script.find("# panel ", at + mark.size());
  return script.substr(at, next == std::string::npos ? std::string::npos : next - at);
}

/// The range "set <axis>range [lo:hi]" a panel sets.
std::pair<double, double> range_of(const std::string& panel, const std::string& axis) {
  const std::string key = "set " + axis + "range [";
  const auto at = panel.find(key);
  if (at == std::string::npos) return {0, 0};
  std::istringstream in(panel.substr(at + key.size()));
  double lo = 0, hi = 0;
  char colon = 0;
  in >> lo >> colon >> hi;
  return {lo, hi};
}

TEST_F(PlotStudyTest, ScatterPngOfAGridSweepHasTheScriptsSizeAndNothingElseIsLeft) {
  const PlotStudyOptions o = options_for("grid");
  const auto size = lone_png(
      o, "scatter.png", [&] { return plot_scatter(o); }, scatter_script(o, "x.png"));
  EXPECT_EQ(size.first, 1000);  // two parameters: the narrowest figure
  EXPECT_GT(size.second, 2 * 200);
}

TEST_F(PlotStudyTest, ASweepsFigureIsItsIndicesForMorrisAndSobolAndItsScatterMatrixForGridAndLhs) {
  for (const auto& [fixture, figure] : {std::pair{"sobol", "indices.png"}, std::pair{"morris", "indices.png"},
                                        std::pair{"grid", "scatter.png"}, std::pair{"lhs", "scatter.png"}}) {
    const PlotStudyOptions o = options_for(fixture);
    EXPECT_EQ(plot_sweep(o), (fs::path(o.dir) / figure).string()) << fixture;
  }
}

TEST_F(PlotStudyTest, ScatterHasAPanelPerMetricAndParameterWithTheirNamesAndTheParametersRealRange) {
  for (const auto& [fixture, parameters, metrics] :
       {std::tuple{"grid", kGridParameters, kGridMetrics}, std::tuple{"lhs", kLhsParameters, kLhsMetrics}}) {
    const std::string script = scatter_script(options_for(fixture), "x.png");
    const std::size_t n_par = parameters.size();
    EXPECT_EQ(panel_of(script, metrics.size(), 0), "") << fixture;  // a row per metric and no more
    EXPECT_EQ(panel_of(script, 0, n_par), "") << fixture;           // a column per parameter and no more
    for (std::size_t i = 0; i < metrics.size(); ++i)
      for (std::size_t j = 0; j < n_par; ++j) {
        const std::string panel = panel_of(script, i, j);
        const std::string where = std::string(fixture) + ": " + metrics[i] + " against " + parameters[j].name;
        ASSERT_NE(panel, "") << where;
        EXPECT_THAT(panel, HasSubstr("set xlabel '" + parameters[j].name + "'")) << where;
        // The metric's name once per row, on its left (the panels of a row share it).
        EXPECT_EQ(panel.find("set ylabel '" + metrics[i] + "'") != std::string::npos, j == 0) << where;
        EXPECT_EQ(panel.find("\nset ylabel"), panel.rfind("\nset ylabel")) << where;
        // Column 2 + j of $points (the parameter) against column 2 + P + i (the metric).
        EXPECT_THAT(panel, HasSubstr("plot $points using " + std::to_string(2 + j) + ":" +
                                     std::to_string(2 + n_par + i) + " "))
            << where;
        // The parameter's real range from meta.json with a small margin; the unit cube's [0, 1] is not it.
        const auto [lo, hi] = range_of(panel, "x");
        const double width = parameters[j].max - parameters[j].min;
        EXPECT_LT(lo, parameters[j].min) << where;
        EXPECT_GT(lo, parameters[j].min - 0.1 * width) << where;
        EXPECT_GT(hi, parameters[j].max) << where;
        EXPECT_LT(hi, parameters[j].max + 0.1 * width) << where;
      }
  }
}

TEST_F(PlotStudyTest, ScatterDrawsTheValuesTheModelRanWithNotTheUnitCube) {
  // design.csv's columns are found by the parameters' names: columns it may gain (here the unit-cube
  // coordinates, in front of the values) are not drawn in their place.
  const PlotStudyOptions o = options_for("lhs");
  const fs::path file = fs::path(o.dir) / "design.csv";
  const auto design = numbers_of(records_of(file), ',');
  std::string with_unit_cube =
      "point,u_alpha_gain,u_beta_half_life_days,u_gamma_pull,"
      "alpha_gain,beta_half_life_days,gamma_pull\n";
  for (const auto& record : records_of(file)) {
    const auto row = numbers_of({record}, ',').front();
    with_unit_cube += record.substr(0, record.find(','));
    for (std::size_t j = 0; j < kLhsParameters.size(); ++j)
      with_unit_cube += "," + std::to_string((row[1 + j] - kLhsParameters[j].min) /
                                             (kLhsParameters[j].max - kLhsParameters[j].min));
    with_unit_cube += record.substr(record.find(',')) + "\n";
  }
  spit(file, with_unit_cube);

  const auto points = numbers_of(data_block(scatter_script(o, "x.png"), "$points"));
  ASSERT_EQ(points.size(), design.size());
  for (std::size_t p = 0; p < points.size(); ++p) {
    ASSERT_EQ(points[p].size(), 1 + kLhsParameters.size() + kLhsMetrics.size());
    EXPECT_EQ(points[p][0], design[p][0]);  // the point's number
    for (std::size_t j = 0; j < kLhsParameters.size(); ++j)
      EXPECT_NEAR(points[p][1 + j], design[p][1 + j], 1e-9 * std::abs(design[p][1 + j]))  // gnuplot's %.10g
          << "point " << p << ", " << kLhsParameters[j].name;
    // The point's means from summary.csv (study_runs.hpp: gap_mean = 0.05 alpha + 0.3 gamma, ...).
    EXPECT_NEAR(points[p][4], 0.05 * design[p][1] + 0.3 * design[p][3], 1e-6) << p;
    EXPECT_NEAR(points[p][5], -0.002 * design[p][2], 1e-6) << p;
    EXPECT_EQ(points[p][6], 0.25) << p;
  }
  // The values span the ranges (one LHS stratum each): far outside the unit cube.
  for (std::size_t j = 0; j < kLhsParameters.size(); ++j) {
    double lowest = 1e300, highest = -1e300;
    for (const auto& row : points) {
      lowest = std::min(lowest, row[1 + j]);
      highest = std::max(highest, row[1 + j]);
    }
    const double width = kLhsParameters[j].max - kLhsParameters[j].min;
    EXPECT_GT(highest - lowest, 0.8 * width) << kLhsParameters[j].name;
  }
}

TEST_F(PlotStudyTest, AGridsPanelsHaveTheMainEffectAndTicksAtTheLevels) {
  const std::string script = scatter_script(options_for("grid"), "x.png");
  // study_runs.hpp: gap_mean = 0.1 alpha - 0.0005 beta, signal_after_veto = -0.2 alpha; beta's mean level
  // is 150, alpha's 2.5.
  const auto alpha = numbers_of(data_block(script, "$levels0"));
  const auto beta = numbers_of(data_block(script, "$levels1"));
  ASSERT_EQ(alpha.size(), 3u);
  ASSERT_EQ(beta.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    const double a = 0.5 + 2.0 * static_cast<double>(k), b = 30 + 120.0 * static_cast<double>(k);
    EXPECT_DOUBLE_EQ(alpha[k][0], a);
    EXPECT_NEAR(alpha[k][1], 0.1 * a - 0.0005 * 150, 1e-9);
    EXPECT_NEAR(alpha[k][2], -0.2 * a, 1e-9);
    EXPECT_DOUBLE_EQ(beta[k][0], b);
    EXPECT_NEAR(beta[k][1], 0.1 * 2.5 - 0.0005 * b, 1e-9);
    EXPECT_NEAR(beta[k][2], -0.2 * 2.5, 1e-9);
  }
  for (std::size_t i = 0; i < kGridMetrics.size(); ++i)
    for (std::size_t j = 0; j < kGridParameters.size(); ++j)
      EXPECT_THAT(panel_of(script, i, j), HasSubstr("$levels" + std::to_string(j) +
                                                    " using 1:" + std::to_string(2 + i) + " with lines"));
  EXPECT_THAT(panel_of(script, 0, 0), HasSubstr("set xtics (0.5, 2.5, 4.5)"));
  EXPECT_THAT(panel_of(script, 1, 1), HasSubstr("set xtics (30, 150, 270)"));
  EXPECT_THAT(script, HasSubstr("Orange line: the mean at each level"));
  // An LHS has no levels: each value is met once, and a line through the dots would zigzag.
  const std::string lhs = scatter_script(options_for("lhs"), "x.png");
  EXPECT_THAT(lhs, Not(HasSubstr("$levels")));
  EXPECT_THAT(lhs, Not(HasSubstr("Orange line")));
}

TEST_F(PlotStudyTest, ScatterSvgHasTheTitleTheDesignTheProvenanceAndAPanelPerPair) {
  PlotStudyOptions o = options_for("lhs");
  o.format = "svg";
  const std::string svg = slurp(plot_scatter(o));
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("hedgesim sweep: fixture-lhs"));
  EXPECT_THAT(svg, HasSubstr("Latin hypercube sample: 12 design points × 5 replicates = 60 runs"));
  EXPECT_THAT(svg, HasSubstr("Each dot is a design point: the metric's mean over its 5 replicates"));
  EXPECT_THAT(svg, HasSubstr("experiment fixture-lhs · seed 7 · 5 replicates · hedgesim 0.1.0"));
  for (const auto& p : kLhsParameters)
    EXPECT_THAT(svg, HasSubstr(">" + p.name + "<"));
  for (const auto& m : kLhsMetrics)
    EXPECT_THAT(svg, HasSubstr(">" + m + "<"));
  EXPECT_THAT(svg, HasSubstr("The metric did not vary: 0.25"));  // flat_metric
  // Every point in every panel: gnuplot leaves out points outside the ranges, so none was.
  std::size_t dots = 0;
  for (auto at = svg.find("<use xlink:href='#gpPt6'"); at != std::string::npos;
       at = svg.find("<use xlink:href='#gpPt6'", at + 1))
    ++dots;
  EXPECT_EQ(dots, 12u * 9u);
}

TEST_F(PlotStudyTest, ScatterMetricsAskedForAreDrawnInTheirOrderAndCheckedWithASuggestion) {
  PlotStudyOptions o = options_for("lhs");
  o.select = {"flat_metric", "gap_mean"};
  const std::string script = scatter_script(o, "x.png");
  EXPECT_THAT(panel_of(script, 0, 0), HasSubstr("set ylabel 'flat_metric'"));
  EXPECT_THAT(panel_of(script, 1, 0), HasSubstr("set ylabel 'gap_mean'"));
  EXPECT_EQ(panel_of(script, 2, 0), "");
  EXPECT_EQ(numbers_of(data_block(script, "$points")).front().size(), 1 + 3 + 2u);
  o.select = {"gap_maen"};
  EXPECT_THAT(error_of([&] { plot_scatter(o); }),
              AllOf(StartsWith("<command line>:1:0: --metrics: 'gap_maen' is not a metric of this sweep"),
                    HasSubstr("did you mean 'gap_mean'")));
  EXPECT_FALSE(fs::exists(fs::path(o.dir) / "scatter.png"));
}

TEST_F(PlotStudyTest, BadSweepFilesAreReportedWhereTheyAreBadAndLeaveNoScatter) {
  const PlotStudyOptions o = options_for("lhs");
  const fs::path design = fs::path(o.dir) / "design.csv", summary = fs::path(o.dir) / "summary.csv",
                 meta = fs::path(o.dir) / "meta.json";
  const std::string design_text = slurp(design), summary_text = slurp(summary), meta_text = slurp(meta);
  const auto expect_error = [&](const std::string& prefix, const std::string& message) {
    EXPECT_THAT(error_of([&] { plot_sweep(o); }), AllOf(StartsWith(prefix), HasSubstr(message)));
    EXPECT_FALSE(fs::exists(fs::path(o.dir) / "scatter.png"));
    EXPECT_TRUE(temp_dir_is_empty());
  };
  spit(design, "point,alpha_gain,beta_half_life_days\n0,1,30\n");
  expect_error(design.string() + ":1:", "no column 'gamma_pull'");
  spit(design, "point,alpha_gain,beta_half_life_days,gamma_pull\n0,1,30,0.5\n0,2,40,0.6\n");
  expect_error(design.string() + ":3:1: ", "a second row for design point 0");
  spit(design, "point,alpha_gain,beta_half_life_days,gamma_pull\n0,1,thirty,0.5\n");
  expect_error(design.string() + ":2:", "'thirty' in column 'beta_half_life_days' is not a number");
  fs::remove(design);
  expect_error(design.string() + ":0:0: cannot read", "it is written by `hedgesim sweep`");
  spit(design, design_text);

  spit(summary, summary_text + "12,gap_mean,0.1,0,0,0,0\n");
  expect_error(summary.string() + ":38:1: ", "point 12 is not a point of design.csv");
  spit(summary, summary_text + "11,gap_mean,0.1,0,0,0,0\n");
  expect_error(summary.string() + ":38:1: ", "a second row for metric 'gap_mean' at point 11");
  spit(summary, summary_text.substr(0, summary_text.rfind("11,flat_metric")));  // the last row cut off
  expect_error(summary.string() + ":0:0: ", "metric 'flat_metric' has no row for design point 11");
  spit(summary, summary_text);

  spit(meta, R"({"kind": "sweep", "design": "lhs", "metrics": ["gap_mean"]})");
  expect_error(meta.string() + ":0:0: ", "the file has no list 'parameters'");
  spit(meta, R"({"kind": "sweep", "design": "lhs", "parameters": [], "metrics": ["gap_mean"]})");
  expect_error(meta.string() + ":0:0: ", "the sweep has no parameters to draw its metrics against");
  spit(meta, meta_text);
  EXPECT_EQ(plot_sweep(o), (fs::path(o.dir) / "scatter.png").string());  // the files restored draw
}

// ---- Difference over time ---------------------------------------------------------------------------------

TEST_F(PlotStudyTest, DifferencePngHasTheScriptsSize) {
  const PlotStudyOptions o = options_for("compare");
  const auto size = lone_png(
      o, "difference.png", [&] { return plot_difference(o); }, difference_script(o, "x.png"));
  EXPECT_EQ(size.first, 1200);  // two hedgers side by side
}

TEST_F(PlotStudyTest, DifferenceSvgHasTheTitleAPanelPerHedgerAndTheEvent) {
  PlotStudyOptions o = options_for("compare");
  o.format = "svg";
  const std::string svg = slurp(plot_difference(o));
  EXPECT_THAT(svg, HasSubstr("A − B: fixture-veto minus fixture-no-veto, 50 paired replicates"));
  const std::string data = std::string(HEDGESIM_SOURCE_DIR) + "/tests/data/report/";
  EXPECT_THAT(svg, HasSubstr("A = " + data + "fixture-veto.toml,  B = " + data + "fixture-no-veto.toml"));
  EXPECT_THAT(svg, HasSubstr("Alphaland (AAA)"));
  EXPECT_THAT(svg, HasSubstr("Betaland (BBB)"));
  EXPECT_THAT(svg, Not(HasSubstr("Westland (WWW)")));
  EXPECT_THAT(svg, HasSubstr("signal, A − B"));
  EXPECT_THAT(svg, HasSubstr("substance, A − B"));
  EXPECT_THAT(svg,
              HasSubstr("2020-01-15   WWW blocks the opening of accession talks with AAA   [WWW; only in "
                        "A, fixture-veto]"));
  EXPECT_EQ(drawn_series(svg), 8);  // per hedger and variable: the band and the mean line
  // Issue 14, point 9: the provenance at the figure's foot.
  EXPECT_THAT(svg, HasSubstr("compare fixture-veto vs fixture-no-veto · seed 11 · 50 replicates · hedgesim " +
                             std::string(results::version()) + " (commit "));
}

TEST_F(PlotStudyTest, DifferenceScriptHasTheCurvesTheZeroLineAndTheEventMarker) {
  const PlotStudyOptions o = options_for("compare");
  const std::string script = difference_script(o, "x.png");
  const auto signal = data_block(script, "$panel0_signal");
  ASSERT_EQ(signal.size(), 11u);             // steps 0..10
  EXPECT_EQ(signal.front(), "18262 0 0 0");  // 2020-01-01, no difference before the event
  // 2020-01-22, the week after it: AAA's mean difference and its 5-95 % band, as the file has them.
  const auto rows = results::read_time_differences(o.dir + "/difference-over-time.csv");
  const auto week3 = std::find_if(rows.begin(), rows.end(), [](const results::TimeDifferenceRow& r) {
    return r.agent == "AAA" && r.variable == "signal" && r.step == 3;
  });
  ASSERT_NE(week3, rows.end());
  ASSERT_LT(week3->mean, -0.01) << "the veto moves AAA's signal toward the rival";
  char expected[96];
  std::snprintf(expected, sizeof expected, "18283 %.10g %.10g %.10g", week3->mean, week3->q05, week3->q95);
  EXPECT_EQ(signal[3], expected);
  EXPECT_EQ(data_block(script, "$panel1_substance").size(), 11u);
  EXPECT_TRUE(data_block(script, "$panel0_courting").empty());  // only signal and substance are drawn
  EXPECT_THAT(script, HasSubstr("set xzeroaxis"));
  // Symmetric, shared by the panels, just above the largest bound drawn (signal and substance).
  double largest = 0;
  for (const results::TimeDifferenceRow& r : rows)
    if (r.variable == "signal" || r.variable == "substance")
      largest = std::max({largest, std::abs(r.q05), std::abs(r.q95)});
  const auto at = script.find("set yrange [-");
  ASSERT_NE(at, std::string::npos);
  const double half = std::stod(script.substr(at + 13));
  EXPECT_THAT(script, HasSubstr("set yrange [-" + script.substr(at + 13, script.find(':', at) - at - 13) +
                                ":" + script.substr(at + 13, script.find(':', at) - at - 13) + "]"));
  EXPECT_GE(half, largest);
  EXPECT_LE(half, 2 * largest);
  EXPECT_THAT(script,
              HasSubstr("set arrow from first 18276, graph 0 to first 18276, graph 1 nohead back dt 2"));
}

TEST_F(PlotStudyTest, DifferenceWithoutEventsHasNoMarkersAndNoTable) {
  PlotStudyOptions o = options_for("compare");
  const fs::path meta = fs::path(o.dir) / "meta.json";
  std::string text = slurp(meta.string());
  const auto at = text.find(",\n  \"events_a\"");
  ASSERT_NE(at, std::string::npos);
  spit(meta, text.substr(0, at) + "\n}\n");
  const std::string script = difference_script(o, "x.svg");
  EXPECT_THAT(script, Not(HasSubstr("set arrow from first")));
  EXPECT_THAT(script, Not(HasSubstr("Events that differ")));
  EXPECT_THAT(script, Not(HasSubstr("event only in A")));
  o.format = "svg";
  EXPECT_EQ(drawn_series(slurp(plot_difference(o))), 8);
}

TEST_F(PlotStudyTest, EventsOnlyInBAreDottedAndListed) {
  PlotStudyOptions o = options_for("compare");
  const fs::path meta = fs::path(o.dir) / "meta.json";
  std::string text = slurp(meta.string());
  const auto at = text.rfind('}');
  spit(meta,
       text.substr(0, at) +
           ", \"events_b\": [{\"date\": \"2020-02-12\", \"label\": \"WWW opens talks\", \"type\": \"talks\", "
           "\"actor\": \"WWW\"}]}\n");
  const std::string script = difference_script(o, "x.svg");
  EXPECT_THAT(script,
              HasSubstr("set arrow from first 18304, graph 0 to first 18304, graph 1 nohead back dt 3"));
  EXPECT_THAT(script, HasSubstr("event only in B"));
  EXPECT_THAT(script, HasSubstr("[WWW; only in B, fixture-no-veto]"));
  spit(meta, text.substr(0, at) + ", \"events_b\": [{\"label\": \"no date\"}]}\n");
  EXPECT_THAT(error_of([&] { difference_script(o, "x.svg"); }),
              AllOf(StartsWith(meta.string() + ":0:0: "), HasSubstr("events_b[0] has no date 'YYYY-MM-DD'")));
}

TEST_F(PlotStudyTest, AgentsAskedForAreCheckedWithASuggestion) {
  PlotStudyOptions o = options_for("compare");
  o.select = {"BBB"};
  std::string script = difference_script(o, "x.png");
  EXPECT_THAT(script, HasSubstr("'Betaland (BBB)'"));
  EXPECT_THAT(script, Not(HasSubstr("Alphaland")));
  EXPECT_EQ(script_size(script).first, 1000);
  o.select = {"AAA", "BBX"};
  EXPECT_THAT(error_of([&] { plot_difference(o); }),
              AllOf(StartsWith("<command line>:1:0: --agents: 'BBX' is not an agent of this comparison"),
                    HasSubstr("'AAA', 'BBB', 'WWW' or 'RRR'"), HasSubstr("did you mean 'BBB'")));
  o.select = {"WWW"};
  EXPECT_THAT(error_of([&] { plot_difference(o); }),
              AllOf(HasSubstr("--agents: 'WWW' has no differences over time"), HasSubstr("'AAA' or 'BBB'")));
  EXPECT_FALSE(fs::exists(fs::path(o.dir) / "difference.png"));
}

TEST_F(PlotStudyTest, DifferenceNeedsItsFiles) {
  PlotStudyOptions o = options_for("compare");
  const std::string data = (fs::path(o.dir) / "difference-over-time.csv").string();
  std::ofstream(data, std::ios::app) << "11,2020-03-18,AAA,signal,oops,0,0\n";
  EXPECT_THAT(error_of([&] { plot_difference(o); }),
              AllOf(StartsWith(data + ":90:"), HasSubstr("'oops' in column 'mean' is not a number")));
  fs::remove(data);
  EXPECT_THAT(error_of([&] { plot_difference(o); }),
              AllOf(StartsWith(data + ":0:0: cannot read"), HasSubstr("`hedgesim compare`")));
  o.dir = copy_of("sobol");
  EXPECT_THAT(error_of([&] { plot_difference(o); }),
              StartsWith(o.dir + ":0:0: this is the output of `hedgesim sweep`, not of a comparison"));
}

// ---- Both
// --------------------------------------------------------------------------------------------------

TEST_F(PlotStudyTest, FailingGnuplotIsAnErrorAndLeavesNoOutput) {
  for (const char* fixture : {"sobol", "lhs", "compare"}) {
    PlotStudyOptions o = options_for(fixture);
    const auto before = names_in(o.dir);
    const auto draw = [&] { return fixture == std::string("compare") ? plot_difference(o) : plot_sweep(o); };
    o.gnuplot = "false";  // exits with 1, like gnuplot on a bad script
    EXPECT_THAT(error_of(draw), AllOf(StartsWith(o.dir + ":0:0: gnuplot failed (exit 1)"),
                                      HasSubstr("install it with `apt-get install gnuplot-nox`")));
    o.gnuplot = "/nonexistent/gnuplot";
    EXPECT_THAT(error_of(draw), HasSubstr("gnuplot failed (exit 127)"));
    EXPECT_EQ(names_in(o.dir), before) << fixture;
    EXPECT_TRUE(temp_dir_is_empty()) << fixture;
  }
}

TEST_F(PlotStudyTest, FormatMustBePngOrSvg) {
  PlotStudyOptions o = options_for("sobol");
  o.format = "pdf";
  EXPECT_THAT(error_of([&] { plot_indices(o); }),
              AllOf(HasSubstr("--format: 'pdf'"), HasSubstr("'png' or 'svg'")));
  o.dir = copy_of("compare");
  EXPECT_THAT(error_of([&] { plot_difference(o); }), HasSubstr("--format: 'pdf'"));
}

TEST_F(PlotStudyTest, OutputKindOfEachDirectory) {
  EXPECT_EQ(output_kind(testing::report_runs().run1), "run");
  EXPECT_EQ(output_kind(kData + "sobol"), "sweep");
  EXPECT_EQ(output_kind(kData + "grid"), "sweep");  // no indices.csv, but meta.json says so
  EXPECT_EQ(output_kind(kData + "lhs"), "sweep");
  EXPECT_EQ(output_kind(kData + "compare"), "compare");
  // Without "kind" in meta.json (sweeps written before it existed), the files decide.
  const std::string sweep = copy_of("sobol");
  spit(fs::path(sweep) / "meta.json", "{\"experiment_name\": \"old\"}\n");
  EXPECT_EQ(output_kind(sweep), "sweep");
  const std::string compare = copy_of("compare");
  fs::remove(fs::path(compare) / "meta.json");
  EXPECT_EQ(output_kind(compare), "compare");
  const fs::path empty = root_ / "empty";
  fs::create_directories(empty);
  EXPECT_THAT(
      error_of([&] { output_kind(empty.string()); }),
      AllOf(StartsWith(empty.string() + ":0:0: this is not an output directory of hedgesim"),
            HasSubstr("trajectory.csv"), HasSubstr("indices.csv"), HasSubstr("difference-over-time.csv")));
  EXPECT_THAT(error_of([&] { output_kind((root_ / "missing").string()); }),
              HasSubstr("this is not a directory"));
}

}  // namespace
}  // namespace hedgesim::report

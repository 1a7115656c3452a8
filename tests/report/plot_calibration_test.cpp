// The calibration figure (report/plot_calibration.hpp) of a calibration written by the real writer
// (calibration/fit.cpp on tests/data/calibration/fit.toml): a panel per indicator and country with data, the
// observed points in the block of their use, the cut-off line after fit_until, the provenance at the foot;
// `hedgesim plot DIR` picks it by meta.json's kind; and the messages for directories it cannot draw.
#include "report/plot_calibration.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "calibration/fit.hpp"
#include "io/atomic_file.hpp"
#include "report/figure.hpp"
#include "results/calibration_files.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::report {
namespace {

using hedgesim::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

/// The fixture calibration run into `dir`.
void calibrate_fixture(const std::string& dir) {
  calibration::CalibrateOptions opt;
  opt.out_dir = dir;
  opt.threads = 2;
  ASSERT_TRUE(
      calibration::run_calibration(
          calibration::resolve_calibration(std::string(HEDGESIM_TEST_DATA) + "/calibration/fit.toml"), opt)
          .finished);
}

TEST(PlotCalibration, APanelPerIndicatorAndCountryWithEachPointInTheBlockOfItsUse) {
  TempDir dir;
  calibrate_fixture(dir.path());
  const std::vector<results::PredictiveRow> rows = results::read_predictive(dir.path() + "/predictive.csv");
  ASSERT_EQ(rows.size(), 5u);  // the fixture's rows, in its order
  EXPECT_EQ(rows[0].use, "fit");
  EXPECT_EQ(rows[3].use, "held_out");
  for (const auto& r : rows) {
    EXPECT_LE(r.posterior_q05, r.posterior_q95) << r.country << " " << r.year;
    EXPECT_LE(r.prior_q05, r.prior_q95) << r.country << " " << r.year;
  }
  const std::string script = calibration_script({dir.path(), {}, "svg", "", "gnuplot"}, "x.svg");
  // Two countries (MKD, SRB) by three indicators: six cells, three with data.
  EXPECT_THAT(script, HasSubstr("set multiplot layout 3,2"));
  for (const char* title : {"SRB: cfsp_alignment", "MKD: eu_support", "SRB: sanctions_alignment_2022"})
    EXPECT_THAT(script, HasSubstr(title));
  EXPECT_THAT(script, Not(HasSubstr("MKD: cfsp_alignment'")));
  // The held-out 2022 value (45) is in a held_out block, the fitted 2019 value (57) in a fit block.
  const auto block = [&](const std::string& name) {
    const std::string head = "$" + name + " << EOD\n";
    const auto at = script.find(head);
    if (at == std::string::npos) return std::string();
    const auto begin = at + head.size();
    return script.substr(begin, script.find("EOD\n", begin) - begin);
  };
  bool held = false, fitted = false;
  for (int p = 0; p < 3; ++p) {
    held = held || block("p" + std::to_string(p) + "_held_out").find("2022 45\n") != std::string::npos;
    fitted = fitted || block("p" + std::to_string(p) + "_fit").find("2019 57\n") != std::string::npos;
  }
  EXPECT_TRUE(held);
  EXPECT_TRUE(fitted);
  EXPECT_THAT(script, HasSubstr("set arrow 1 from 2021.5"));
  EXPECT_THAT(script, HasSubstr("calibration fixture · seed 3 · 2 replicates · hedgesim "));
}

TEST(PlotCalibration, HedgesimPlotDrawsItByTheDirectorysKind) {
  TempDir dir;
  calibrate_fixture(dir.path());
  FigureOptions o;
  o.dir = dir.path();
  EXPECT_EQ(draw_figure(o), dir.path() + "/predictive.png");
  EXPECT_TRUE(std::filesystem::file_size(dir.path() + "/predictive.png") > 1000);
}

TEST(PlotCalibration, EachDefectHasItsMessage) {
  TempDir dir;
  calibrate_fixture(dir.path());
  std::filesystem::remove(dir.path() + "/predictive.csv");
  EXPECT_EQ(testing::error_of([&] {
              calibration_script({dir.path(), {}, "png", "", "gnuplot"}, "x.png");
            }),
            dir.path() + "/predictive.csv:0:0: cannot read " + dir.path() +
                "/predictive.csv: no such file; it is written by `hedgesim calibrate`");
  std::ofstream(dir.path() + "/predictive.csv")
      << "country,year,indicator,observed,use,noise_sd,prior_mean,prior_q05,prior_q95,posterior_mean,"
         "posterior_q05,posterior_q95\nSRB,2019,cfsp_alignment,57,fitted,8,1,1,1,1,1,1\n";
  EXPECT_EQ(testing::error_of([&] {
              calibration_script({dir.path(), {}, "png", "", "gnuplot"}, "x.png");
            }),
            dir.path() + "/predictive.csv:2:28: use 'fitted' is not one of 'fit', 'held_out' or 'alt'");
  std::ofstream(dir.path() + "/meta.json") << R"({"kind": "sweep", "parameters": [], "metrics": []})";
  EXPECT_EQ(
      testing::error_of([&] {
        calibration_script({dir.path(), {}, "png", "", "gnuplot"}, "x.png");
      }),
      dir.path() +
          "/meta.json:1:1: this is the meta.json of `hedgesim sweep`, not of a calibration; it should be "
          "the meta.json written by `hedgesim calibrate`");
}

}  // namespace
}  // namespace hedgesim::report

// The attribution figure (report/plot_attribute.hpp) of an attribution written by the real writer
// (experiment/attribute.cpp on veto-2019 with two players): a panel per metric, the events ordered by the
// size of their Shapley value with their ids on the axis, the provenance at the foot; `hedgesim plot DIR`
// picks it by meta.json's kind; and the messages for directories it cannot draw.
#include "report/plot_attribute.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "experiment/attribute.hpp"
#include "experiment/compare.hpp"
#include "model/load.hpp"
#include "report/figure.hpp"
#include "results/attribute_files.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::report {
namespace {

using hedgesim::testing::TempDir;
using ::testing::HasSubstr;

/// veto-2019's veto and S-400 display attributed on two metrics, 4 replicates, into `dir`.
void attribute_fixture(const std::string& dir) {
  const Scenario s = load_scenario(hedgesim::testing::source_path("scenarios/veto-2019.toml"));
  const ModelSpec spec = load_model(s.model_dir);
  const CompiledModel m = compile(spec, s);
  std::vector<MetricDef> metrics;
  for (const MetricDef& d : default_compare_metrics(m))
    if (d.name == "mkd_signal_mean" || d.name == "srb_signal_mean") metrics.push_back(d);
  AttributeOptions opt;
  opt.replicates = 4;
  opt.bootstrap = 100;
  opt.seed = s.seed;
  opt.events = {"fra-veto-2019", "s400-display-2019"};
  write_attribute_outputs(m, attribute(spec, s, metrics, opt), opt, dir, "");
}

TEST(PlotAttribute, APanelPerMetricWithItsEventsOrderedByTheSizeOfTheirShapleyValue) {
  TempDir dir;
  attribute_fixture(dir.path());
  const std::vector<results::EventEffectRow> rows =
      results::read_event_effects(dir.path() + "/event-effects.csv");
  ASSERT_EQ(rows.size(), 4u);  // two metrics by two events, in the writer's order
  EXPECT_EQ(rows[0].metric, "mkd_signal_mean");
  EXPECT_EQ(rows[0].event, "fra-veto-2019");
  // On North Macedonia the veto outweighs the display; the figure draws the larger first.
  ASSERT_GT(std::abs(rows[0].shapley), std::abs(rows[1].shapley));
  const std::string script = attribute_script({dir.path(), {}, "svg", "", "gnuplot"}, "x.svg");
  EXPECT_THAT(script, HasSubstr("set multiplot layout 2,1"));
  EXPECT_THAT(script, HasSubstr("set title 'mkd_signal_mean'"));
  EXPECT_THAT(script, HasSubstr("set title 'srb_signal_mean'"));
  const std::string m0 = script.substr(script.find("$m0 << EOD\n"));
  EXPECT_LT(m0.find("\"fra-veto-2019\""), m0.find("\"s400-display-2019\""));
  EXPECT_THAT(script,
              HasSubstr("attribute veto-2019 (exact Shapley values over all coalitions) · seed 2019 · "
                        "4 replicates · hedgesim "));
}

TEST(PlotAttribute, HedgesimPlotDrawsItByTheDirectorysKind) {
  TempDir dir;
  attribute_fixture(dir.path());
  FigureOptions o;
  o.dir = dir.path();
  EXPECT_EQ(draw_figure(o), dir.path() + "/effects.png");
  EXPECT_GT(std::filesystem::file_size(dir.path() + "/effects.png"), 1000u);
}

TEST(PlotAttribute, EachDefectHasItsMessage) {
  TempDir dir;
  attribute_fixture(dir.path());
  std::filesystem::remove(dir.path() + "/event-effects.csv");
  EXPECT_EQ(testing::error_of([&] {
              attribute_script({dir.path(), {}, "png", "", "gnuplot"}, "x.png");
            }),
            dir.path() + "/event-effects.csv:0:0: cannot read " + dir.path() +
                "/event-effects.csv: no such file; it is written by `hedgesim attribute`");
  std::ofstream(dir.path() + "/meta.json") << R"({"kind": "sweep", "parameters": [], "metrics": []})";
  EXPECT_EQ(testing::error_of([&] {
              attribute_script({dir.path(), {}, "png", "", "gnuplot"}, "x.png");
            }),
            dir.path() +
                "/meta.json:1:1: this is the meta.json of `hedgesim sweep`, not of an attribution; it "
                "should be the meta.json written by `hedgesim attribute`");
}

}  // namespace
}  // namespace hedgesim::report

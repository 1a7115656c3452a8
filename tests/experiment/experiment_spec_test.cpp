// Tests of experiment files (experiment_spec.hpp): what a valid file loads to, the defaults, value_at of each
// distribution, how metrics resolve to steps, design sizes, that every shipped experiments/*.toml loads and
// resolves, and one test per error message, each asserting the whole message with its `file:line:col`.
// Defects come from the corpus in tests/data/bad-experiments/ (one defect per file, positions fixed by its
// template, see its README.md).
#include "experiment/experiment_spec.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "model/load.hpp"

namespace hedgesim {
namespace {

namespace fs = std::filesystem;

const std::string kSource = HEDGESIM_SOURCE_DIR;
const std::string kBad = std::string(HEDGESIM_TEST_DATA) + "/bad-experiments/";
const std::string kVeto = kSource + "/scenarios/veto-2019.toml";
using testing::at;
using testing::BadScenario;
using testing::source_path;
using testing::TempDir;

/// The head of a valid experiment file on veto-2019, for files written in a temporary directory.
std::string head(const std::string& scenario = kVeto) {
  return "[experiment]\nscenario = \"" + scenario + "\"\nseed = 3\nreplicates = 2\n";
}

const std::string kOneMetric =
    "[[metrics]]\nname = \"m\"\nagent = \"SRB\"\nvariable = \"signal\"\nstatistic = \"final\"\n";

// ---- a valid file -----------------------------------------------------------------------------------------

TEST(LoadExperiment, FromMemoryIsTheFilesExperiment) {
  const std::string path = kBad + "control.toml";
  std::ifstream in(path, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const ExperimentSpec from_text = parse_experiment(text, path), from_file = load_experiment(path);
  EXPECT_EQ(from_text.scenario_path, from_file.scenario_path);
  EXPECT_EQ(from_text.samples, from_file.samples);
  EXPECT_EQ(at(from_text.design_pos), at(from_file.design_pos));
  // Relative to the name's directory: the same text elsewhere names a scenario that is not there.
  const InputError e = testing::input_error_of([&] { parse_experiment(text, "/nowhere/x.toml"); });
  EXPECT_EQ(e.where().file, "/nowhere/x.toml");
}

TEST(LoadExperiment, ControlFileLoadsEveryField) {
  const std::string path = kBad + "control.toml";
  const ExperimentSpec e = load_experiment(path);
  EXPECT_EQ(e.file, path);
  EXPECT_EQ(e.name, "bad");
  EXPECT_EQ(e.scenario_path, kVeto);  // "../../../scenarios/veto-2019.toml" from tests/data/bad-experiments/
  EXPECT_EQ(at(e.scenario_pos), at(path, 4, 12));
  EXPECT_EQ(e.seed, 1u);
  EXPECT_EQ(e.replicates, 2);
  EXPECT_EQ(e.chunk_points, 0);  // default: automatic
  EXPECT_EQ(e.design, DesignKind::sobol);
  EXPECT_EQ(at(e.design_pos), at(path, 8, 1));
  EXPECT_EQ(e.samples, 8);
  EXPECT_EQ(e.levels, 0);  // not a key of sobol
  EXPECT_FALSE(e.second_order);
  EXPECT_EQ(e.bootstrap, 1000);
  EXPECT_EQ(e.confidence, 0.95);
  ASSERT_EQ(e.parameters.size(), 1u);
  const ParameterAxis& p = e.parameters[0];
  EXPECT_EQ(p.name, "grievance_weight");
  EXPECT_EQ(p.lo, 1.0);
  EXPECT_EQ(p.hi, 4.0);
  EXPECT_EQ(p.dist, Distribution::uniform);
  EXPECT_EQ(at(p.pos), at(path, 12, 1));
  EXPECT_EQ(at(p.name_pos), at(path, 13, 8));
  EXPECT_EQ(at(p.min_pos), at(path, 14, 7));
  EXPECT_EQ(at(p.max_pos), at(path, 15, 7));
  ASSERT_EQ(e.metrics.size(), 1u);
  const MetricSpec& m = e.metrics[0];
  EXPECT_EQ(m.name, "srb_signal");
  EXPECT_EQ(m.agent, "SRB");
  EXPECT_EQ(m.variable, "signal");
  EXPECT_EQ(m.stat, Statistic::mean);
  EXPECT_FALSE(m.date.has_value());
  ASSERT_TRUE(m.from.has_value());
  ASSERT_TRUE(m.to.has_value());
  EXPECT_EQ(format_date(*m.from), "2019-10-17");
  EXPECT_EQ(format_date(*m.to), "2020-06-30");
  EXPECT_EQ(at(m.pos), at(path, 19, 1));
  EXPECT_EQ(at(m.agent_pos), at(path, 21, 9));
  EXPECT_EQ(at(m.variable_pos), at(path, 22, 12));
  EXPECT_EQ(at(m.from_pos), at(path, 24, 8));
  EXPECT_EQ(at(m.to_pos), at(path, 25, 6));
  EXPECT_EQ(design_points(e), 8 * (1 + 2));
}

TEST(LoadExperiment, ControlFileResolves) {
  const ResolvedExperiment r = load_and_resolve_experiment(kBad + "control.toml");
  EXPECT_EQ(r.model.scenario.name, "veto-2019");
  ASSERT_EQ(r.metrics.size(), 1u);
  EXPECT_EQ(r.metrics[0].name, "srb_signal");
  EXPECT_EQ(r.metrics[0].agent, testing::agent_index(r.model, "SRB"));
  EXPECT_EQ(r.metrics[0].row, r.model.row(Var::signal, r.metrics[0].agent));
}

TEST(LoadExperiment, EveryKeyOfEachDesignKindIsRead) {
  TempDir dir;
  const std::string axis = "[[parameters]]\nname = \"engagement_signal_pull\"\nmin = 0.5\nmax = 1.5\n";
  {
    const ExperimentSpec e = load_experiment(
        dir.write("full.toml", "[experiment]\nname = \"full-name_1\"\nscenario = \"" + kVeto +
                                   "\"\nseed = 9223372036854775807\nreplicates = 100000\nchunk_points = 12\n"
                                   "[design]\nkind = \"sobol\"\nsamples = 16\nsecond_order = true\nbootstrap "
                                   "= 200\nconfidence = 0.9\n" +
                                   axis + kOneMetric));
    EXPECT_EQ(e.name, "full-name_1");
    EXPECT_EQ(e.seed, 9223372036854775807u);
    EXPECT_EQ(e.replicates, 100000);
    EXPECT_EQ(e.chunk_points, 12);
    EXPECT_EQ(e.design, DesignKind::sobol);
    EXPECT_EQ(e.samples, 16);
    EXPECT_TRUE(e.second_order);
    EXPECT_EQ(e.bootstrap, 200);
    EXPECT_EQ(e.confidence, 0.9);
    EXPECT_EQ(design_points(e), 16 * (2 * 1 + 2));
  }
  {
    const ExperimentSpec e = load_experiment(
        dir.write("morris.toml", head() + "[design]\nkind = \"morris\"\nsamples = 10\n" + axis + kOneMetric));
    EXPECT_EQ(e.design, DesignKind::morris);
    EXPECT_EQ(e.samples, 10);
    EXPECT_EQ(e.levels, 4);  // the default for morris
    EXPECT_EQ(e.bootstrap, 1000);
    EXPECT_EQ(e.confidence, 0.95);
    EXPECT_EQ(design_points(e), 10 * (1 + 1));
  }
  {
    const ExperimentSpec e = load_experiment(
        dir.write("morris6.toml",
                  head() + "[design]\nkind = \"morris\"\nsamples = 10\nlevels = 6\n" + axis + kOneMetric));
    EXPECT_EQ(e.levels, 6);
  }
  {
    const ExperimentSpec e = load_experiment(
        dir.write("lhs.toml", head() + "[design]\nkind = \"lhs\"\nsamples = 32\n" + axis + kOneMetric));
    EXPECT_EQ(e.design, DesignKind::lhs);
    EXPECT_EQ(e.samples, 32);
    EXPECT_EQ(design_points(e), 32);
  }
  {
    const ExperimentSpec e = load_experiment(dir.write(
        "grid.toml", head() + "[design]\nkind = \"grid\"\nlevels = 5\n" + axis +
                         "[[parameters]]\nname = \"grievance_weight\"\nmin = 0\nmax = 5\n" + kOneMetric));
    EXPECT_EQ(e.design, DesignKind::grid);
    EXPECT_EQ(e.levels, 5);
    EXPECT_EQ(e.samples, 0);
    EXPECT_EQ(design_points(e), 25);
  }
}

TEST(LoadExperiment, DefaultsOfAMetricsOnlyFile) {
  TempDir dir;
  const std::string path = dir.write("only-metrics.toml", head() + kOneMetric);
  const ExperimentSpec e = load_experiment(path);
  EXPECT_EQ(e.name, "only-metrics");  // the file stem
  EXPECT_EQ(e.design, DesignKind::none);
  EXPECT_EQ(at(e.design_pos), at(path, 1, 1));
  EXPECT_EQ(e.chunk_points, 0);
  EXPECT_EQ(e.samples, 0);
  EXPECT_EQ(e.levels, 0);
  EXPECT_FALSE(e.second_order);
  EXPECT_EQ(e.bootstrap, 1000);
  EXPECT_EQ(e.confidence, 0.95);
  EXPECT_TRUE(e.parameters.empty());
  EXPECT_EQ(design_points(e), 1);  // the scenario as it is
}

TEST(LoadExperiment, ScenarioPathIsRelativeToTheFileAndDatesMayBeStrings) {
  TempDir dir;
  fs::create_directories(dir.file("sub"));
  fs::copy_file(kVeto, dir.file("veto.toml"));
  const std::string path =
      dir.write("sub/e.toml",
                "[experiment]\nscenario = \"../veto.toml\"\nseed = 0\nreplicates = 1\n"
                "[[metrics]]\nname = \"m\"\nagent = \"SRB\"\nvariable = \"signal\"\nstatistic = \"at\"\n"
                "date = \"2019-10-18\"\n");
  const ExperimentSpec e = load_experiment(path);
  EXPECT_EQ(e.scenario_path, fs::path(dir.file("veto.toml")).lexically_normal().string());
  ASSERT_TRUE(e.metrics[0].date.has_value());
  EXPECT_EQ(format_date(*e.metrics[0].date), "2019-10-18");
}

TEST(LoadExperiment, MissingFile) {
  const std::string path = kBad + "no-such-file.toml";
  EXPECT_EQ(testing::error_of([&] { load_experiment(path); }),
            at(path, 0, 0) + "cannot read experiment file '" + path + "': no such file");
}

TEST(LoadExperiment, SyntaxErrorIsReportedAtItsPosition) {
  const std::string path = kBad + "syntax_error.toml";
  const InputError e = testing::input_error_of([&] { load_experiment(path); });
  EXPECT_EQ(e.where().file, path);
  EXPECT_EQ(e.where().line, 5);
  EXPECT_EQ(e.where().col, 8);  // the second '='
  EXPECT_EQ(e.detail().rfind("malformed TOML: ", 0), 0u) << e.what();
  EXPECT_NE(e.detail().find("; see https://toml.io for the syntax"), std::string::npos) << e.what();
}

// ---- names
// --------------------------------------------------------------------------------------------------

TEST(ExperimentNames, RoundTripAndLists) {
  EXPECT_EQ(design_kind_name(DesignKind::none), "none");
  EXPECT_EQ(design_kind_name(DesignKind::sobol), "sobol");
  EXPECT_EQ(distribution_name(Distribution::loguniform), "loguniform");
  EXPECT_EQ(statistic_name(Statistic::first_above), "first_above");
  EXPECT_EQ(design_kind_names(), (std::vector<std::string>{"grid", "lhs", "morris", "sobol"}));
  EXPECT_EQ(distribution_names(), (std::vector<std::string>{"uniform", "loguniform", "normal"}));
  EXPECT_EQ(statistic_names(), (std::vector<std::string>{"at", "final", "mean", "min", "max", "first_below",
                                                         "first_above", "series"}));
}

// ---- value_at
// -----------------------------------------------------------------------------------------------

ParameterAxis axis(double lo, double hi, Distribution d, double mean = 0.0, double sd = 0.0) {
  ParameterAxis a;
  a.name = "p";
  a.lo = lo;
  a.hi = hi;
  a.dist = d;
  a.mean = mean;
  a.sd = sd;
  return a;
}

TEST(ParameterAxis, UniformIsLinear) {
  const ParameterAxis a = axis(0.5, 2.0, Distribution::uniform);
  EXPECT_EQ(a.value_at(0.0), 0.5);
  EXPECT_EQ(a.value_at(1.0), 2.0);
  EXPECT_DOUBLE_EQ(a.value_at(0.5), 1.25);
  EXPECT_DOUBLE_EQ(a.value_at(0.25), 0.875);
  EXPECT_EQ(a.value_at(-0.5), 0.5);  // clamped
  EXPECT_EQ(a.value_at(1.5), 2.0);
}

TEST(ParameterAxis, LogUniformMidpointIsTheGeometricMean) {
  const ParameterAxis a = axis(1.0, 100.0, Distribution::loguniform);
  EXPECT_EQ(a.value_at(0.0), 1.0);
  EXPECT_EQ(a.value_at(1.0), 100.0);
  EXPECT_NEAR(a.value_at(0.5), 10.0, 1e-12);
  EXPECT_NEAR(a.value_at(0.25), std::sqrt(10.0), 1e-12);
  const ParameterAxis b = axis(45.0, 180.0, Distribution::loguniform);
  EXPECT_NEAR(b.value_at(0.5), 90.0, 1e-12);  // half to twice the default: the default is the median
}

TEST(ParameterAxis, NormalIsTruncatedToTheBounds) {
  // Symmetric bounds around the mean: the median is the mean, and quantiles are symmetric.
  const ParameterAxis a = axis(0.0, 4.0, Distribution::normal, 2.0, 1.0);
  EXPECT_NEAR(a.value_at(0.5), 2.0, 1e-12);
  EXPECT_NEAR(a.value_at(0.2) - 2.0, 2.0 - a.value_at(0.8), 1e-12);
  EXPECT_NEAR(a.value_at(0.0), 0.0, 1e-9);
  EXPECT_NEAR(a.value_at(1.0), 4.0, 1e-9);
  // Truncated N(2, 1) on [0, 4]: Phi(-2) = 0.0227501, so u = 0.25 maps to the untruncated quantile
  // p = 0.0227501 + 0.25 * (1 - 2 * 0.0227501) = 0.261375, i.e. 2 + z(0.261375) = 2 - 0.639 (to 1e-3).
  EXPECT_NEAR(a.value_at(0.25), 2.0 - 0.6390, 2e-3);
  // Monotone and inside the bounds, also for bounds far in one tail.
  const ParameterAxis tail = axis(3.0, 10.0, Distribution::normal, 3.0, 0.1);
  double prev = -1.0;
  for (int i = 0; i <= 100; ++i) {
    const double x = tail.value_at(i / 100.0);
    EXPECT_GE(x, 3.0);
    EXPECT_LE(x, 10.0);
    EXPECT_GE(x, prev);
    prev = x;
  }
  EXPECT_NEAR(tail.value_at(0.5), 3.0 + 0.1 * 0.6744898, 1e-6);  // half-normal median: z(0.75)
}

// ---- metrics against veto-2019 (start 2019-08-01, weekly, end 2020-06-30, 48 steps)
// --------------------------

MetricSpec metric(const std::string& agent, const std::string& var, Statistic s) {
  MetricSpec m;
  m.name = "m";
  m.agent = agent;
  m.variable = var;
  m.stat = s;
  return m;
}

Date day(const char* text) {
  return *parse_date(text);
}

TEST(ResolveMetrics, DatesMapToTheRightSteps) {
  const CompiledModel m = load_and_compile(kVeto);
  ASSERT_EQ(m.steps, 48);
  ASSERT_EQ(m.params.step_days, 7);
  std::vector<MetricSpec> specs;
  MetricSpec at_veto = metric("SRB", "signal", Statistic::at);
  at_veto.date =
      day("2019-10-18");  // day 78: the last recorded state on or before it is step 11 (2019-10-17)
  specs.push_back(at_veto);
  MetricSpec at_step = metric("MKD", "courting", Statistic::at);
  at_step.date = day("2019-10-24");  // exactly step 12
  specs.push_back(at_step);
  MetricSpec at_start = metric("ALB", "signal", Statistic::at);
  at_start.date = day("2019-08-01");
  specs.push_back(at_start);
  MetricSpec at_end = metric("ALB", "signal", Statistic::at);
  at_end.date = day("2020-06-30");  // day 334: step 47 (2020-06-25); step 48 (2020-07-02) is after the end
  specs.push_back(at_end);
  specs.push_back(metric("RUS", "attention", Statistic::final));
  specs.push_back(metric("SRB", "gap", Statistic::mean));  // default window: the whole scenario
  MetricSpec window = metric("FRA", "detente", Statistic::max);
  window.from = day("2019-10-17");  // on step 11
  window.to = day("2019-12-31");    // day 152: step 21 is 2019-12-26
  specs.push_back(window);
  MetricSpec between = metric("MKD", "signal", Statistic::first_below);
  between.from = day("2019-10-18");  // first state on or after it: step 12 (2019-10-24)
  between.to = day("2019-10-24");
  between.threshold = 0.5;
  specs.push_back(between);
  MetricSpec from_only = metric("SRB", "courting", Statistic::first_above);
  from_only.from = day("2020-06-25");  // step 47 up to the default end 2020-06-30: one state
  from_only.threshold = 0.1;
  specs.push_back(from_only);

  const std::vector<MetricDef> d = resolve_metrics(specs, m);
  ASSERT_EQ(d.size(), specs.size());
  EXPECT_EQ(d[0].agent, testing::agent_index(m, "SRB"));
  EXPECT_EQ(d[0].row, m.row(Var::signal, d[0].agent));
  EXPECT_EQ(d[0].minus_row, -1);
  EXPECT_EQ(d[0].stat, Statistic::at);
  EXPECT_EQ(d[0].step_at, 11);
  EXPECT_EQ(format_date(m.date_of_step(d[0].step_at)), "2019-10-17");
  EXPECT_EQ(d[0].step_from, 11);
  EXPECT_EQ(d[0].step_to, 11);
  EXPECT_EQ(d[1].agent, testing::agent_index(m, "MKD"));
  EXPECT_EQ(d[1].row, m.row(Var::courting, d[1].agent));
  EXPECT_EQ(d[1].step_at, 12);
  EXPECT_EQ(d[2].step_at, 0);
  EXPECT_EQ(d[3].step_at, 47);
  EXPECT_EQ(d[4].agent, testing::agent_index(m, "RUS"));
  EXPECT_EQ(d[4].row, m.row(Var::attention, d[4].agent));
  EXPECT_EQ(d[4].step_at, 48);
  EXPECT_EQ(d[4].step_from, 48);
  EXPECT_EQ(d[4].step_to, 48);
  EXPECT_EQ(d[5].row, m.row(Var::signal, testing::agent_index(m, "SRB")));
  EXPECT_EQ(d[5].minus_row, m.row(Var::substance, testing::agent_index(m, "SRB")));
  EXPECT_EQ(d[5].step_at, -1);
  EXPECT_EQ(d[5].step_from, 0);
  EXPECT_EQ(d[5].step_to, 47);
  EXPECT_EQ(format_date(d[5].from), "2019-08-01");
  EXPECT_EQ(format_date(d[5].to), "2020-06-30");
  EXPECT_EQ(d[5].censored_days, 0);
  EXPECT_EQ(d[6].agent, testing::agent_index(m, "FRA"));
  EXPECT_EQ(d[6].row, m.row(Var::detente, d[6].agent));
  EXPECT_EQ(d[6].step_from, 11);
  EXPECT_EQ(d[6].step_to, 21);
  EXPECT_EQ(d[7].step_from, 12);
  EXPECT_EQ(d[7].step_to, 12);
  EXPECT_EQ(d[7].threshold, 0.5);
  EXPECT_EQ(d[7].censored_days, 6 + 7);
  EXPECT_EQ(d[8].step_from, 47);
  EXPECT_EQ(d[8].step_to, 47);
  EXPECT_EQ(format_date(d[8].to), "2020-06-30");
  EXPECT_EQ(d[8].censored_days, 5 + 7);
}

TEST(ResolveMetrics, StepsFollowStepDays) {
  TempDir dir;
  const CompiledModel m = testing::compile_text(dir, "[parameters]\nstep_days = 14\n");
  MetricSpec s = metric("SRB", "signal", Statistic::at);
  s.date = day("2019-08-28");  // day 27: step 1 (2019-08-15)
  MetricSpec w = metric("SRB", "signal", Statistic::mean);
  w.from = day("2019-08-02");  // day 1 -> step 1 (day 14)
  w.to = day("2019-09-12");    // day 42 -> step 3
  const std::vector<MetricDef> d = resolve_metrics({s, w}, m);
  EXPECT_EQ(d[0].step_at, 1);
  EXPECT_EQ(d[1].step_from, 1);
  EXPECT_EQ(d[1].step_to, 3);
}

TEST(ResolveMetrics, WindowEndingBeforeItBeginsIsRejectedAtTo) {
  // load_experiment rejects this too; specs built in code are checked again.
  const CompiledModel m = load_and_compile(kVeto);
  MetricSpec w = metric("SRB", "signal", Statistic::mean);
  w.from = day("2020-01-10");
  w.to = day("2020-01-01");
  w.to_pos = {"x.toml", 7, 6};
  EXPECT_EQ(
      testing::error_of([&] { resolve_metrics({w}, m); }),
      at("x.toml", 7, 6) +
          "the window 2020-01-10 to 2020-01-01 of [[metrics]] 'm' ends before it begins; the window must "
          "have from <= to");
}

// A series is `at` metrics, one per sampled step, named after the step's date. Fails if the stride were
// every / step_days rounded down, if the window's last step were dropped, or if the cap were not applied.
TEST(ResolveMetrics, ASeriesSamplesTheWindowEveryNDaysAsAtMetrics) {
  const CompiledModel m = load_and_compile(kVeto);  // 48 steps of 7 days from 2019-08-01
  MetricSpec s = metric("SRB", "signal", Statistic::series);
  s.name = "srb";
  s.from = day("2019-08-02");  // first recorded state on or after it: step 1 (2019-08-08)
  s.to = day("2019-10-17");    // step 11
  s.every_days = 20;           // ceil(20 / 7) = every 3rd step: 1, 4, 7, 10
  const std::vector<MetricDef> d = resolve_metrics({s, metric("MKD", "signal", Statistic::final)}, m);
  ASSERT_EQ(d.size(), 5u);
  const std::vector<int> steps = {1, 4, 7, 10};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(d[i].stat, Statistic::at);
    EXPECT_EQ(d[i].step_at, steps[i]);
    EXPECT_EQ(d[i].step_from, steps[i]);
    EXPECT_EQ(d[i].step_to, steps[i]);
    EXPECT_EQ(d[i].series, "srb");
    EXPECT_EQ(d[i].row, m.row(Var::signal, testing::agent_index(m, "SRB")));
  }
  EXPECT_EQ(d[0].name, "srb_20190808");
  EXPECT_EQ(d[3].name, "srb_20191010");
  EXPECT_EQ(d[4].name, "m");
  EXPECT_EQ(d[4].series, "");
  s.every_days = 0;  // every recorded step of the whole scenario: steps 0..47 (step 48 is after the end)
  s.from.reset();
  s.to.reset();
  EXPECT_EQ(resolve_metrics({s}, m).size(), 48u);
}

TEST(ResolveMetrics, ASeriesOfMoreThanAThousandDatesIsRefusedWithTheEveryThatFits) {
  TempDir dir;
  const CompiledModel m =
      testing::compile_text(dir, "[parameters]\nstep_days = 1\n", "2019-01-01", "2022-12-31");
  MetricSpec s = metric("SRB", "signal", Statistic::series);
  s.pos = {"x.toml", 19, 1};
  EXPECT_EQ(
      testing::error_of([&] { resolve_metrics({s}, m); }),
      at("x.toml", 19, 1) +
          "[[metrics]] 'm' samples 1461 dates, more than the 1000 a series may; set 'every' to at least 2 "
          "days, or narrow 'from' and 'to'");
  s.every_days = 2;
  EXPECT_EQ(resolve_metrics({s}, m).size(), 731u);
}

// ---- design_points
// ------------------------------------------------------------------------------------------

TEST(DesignPoints, FormulaOfEachKind) {
  ExperimentSpec e;
  for (int i = 0; i < 3; ++i)
    e.parameters.push_back(axis(0, 1, Distribution::uniform));
  e.design = DesignKind::none;
  EXPECT_EQ(design_points(e), 1);
  e.design = DesignKind::grid;
  e.levels = 4;
  EXPECT_EQ(design_points(e), 64);
  e.design = DesignKind::lhs;
  e.samples = 32;
  EXPECT_EQ(design_points(e), 32);
  e.design = DesignKind::morris;
  e.samples = 20;
  EXPECT_EQ(design_points(e), 20 * 4);
  e.design = DesignKind::sobol;
  e.samples = 64;
  EXPECT_EQ(design_points(e), 64 * 5);
  e.second_order = true;
  EXPECT_EQ(design_points(e), 64 * 8);
  e.design = DesignKind::grid;
  e.levels = 1000;
  for (int i = 0; i < 10; ++i)
    e.parameters.push_back(axis(0, 1, Distribution::uniform));
  EXPECT_EQ(design_points(e), INT64_MAX);  // 1000^13 saturates
}

// ---- the shipped experiments
// --------------------------------------------------------------------------------

TEST(ShippedExperiments, EveryFileLoadsAndResolves) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(source_path("experiments")))
    if (entry.path().extension() == ".toml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  EXPECT_GE(files.size(), 6u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    const ResolvedExperiment r = load_and_resolve_experiment(f);
    EXPECT_EQ(r.spec.name, fs::path(f).stem().string());  // the name, when given, matches the file
    EXPECT_FALSE(r.metrics.empty());
    EXPECT_EQ(r.metrics.size(), r.spec.metrics.size());
    EXPECT_LE(design_points(r.spec), kMaxDesignPoints);
  }
}

TEST(ShippedExperiments, TheSobolStudiesAreAsDescribed) {
  const ExperimentSpec big = load_experiment(source_path("experiments/hedging-sobol.toml"));
  const ExperimentSpec small = load_experiment(source_path("experiments/hedging-sobol-small.toml"));
  EXPECT_EQ(big.design, DesignKind::sobol);
  EXPECT_EQ(big.samples, 4096);
  EXPECT_EQ(big.replicates, 20);
  EXPECT_FALSE(big.second_order);
  EXPECT_EQ(big.parameters.size(), 12u);
  EXPECT_EQ(design_points(big), 4096 * 14);
  EXPECT_EQ(fs::path(big.scenario_path).filename(), "france-strategy-2019-2025.toml");
  EXPECT_EQ(small.samples, 64);
  EXPECT_EQ(small.replicates, 4);
  // Same parameters, ranges and metrics.
  ASSERT_EQ(small.parameters.size(), big.parameters.size());
  for (std::size_t i = 0; i < big.parameters.size(); ++i) {
    EXPECT_EQ(small.parameters[i].name, big.parameters[i].name);
    EXPECT_EQ(small.parameters[i].lo, big.parameters[i].lo);
    EXPECT_EQ(small.parameters[i].hi, big.parameters[i].hi);
    EXPECT_EQ(small.parameters[i].dist, big.parameters[i].dist);
  }
  ASSERT_EQ(small.metrics.size(), big.metrics.size());
  for (std::size_t i = 0; i < big.metrics.size(); ++i)
    EXPECT_EQ(small.metrics[i].name, big.metrics[i].name);
  // Each range is the parameter's documented plausible range (model/parameters.toml), around its default.
  const ModelSpec model = load_model(source_path("model"));
  for (const ParameterAxis& a : big.parameters) {
    SCOPED_TRACE(a.name);
    const ParameterSpec* p = model.find_parameter(a.name);
    ASSERT_NE(p, nullptr);
    EXPECT_DOUBLE_EQ(a.lo, p->plausible_min);
    EXPECT_DOUBLE_EQ(a.hi, p->plausible_max);
    EXPECT_LT(a.lo, p->value);
    EXPECT_GT(a.hi, p->value);
  }
}

TEST(ShippedExperiments, VetoVsNoVetoHasOnlyMetrics) {
  const ExperimentSpec e = load_experiment(source_path("experiments/veto-vs-no-veto.toml"));
  EXPECT_EQ(e.design, DesignKind::none);
  EXPECT_TRUE(e.parameters.empty());
  // Its metrics also resolve against the counterfactual, which has the same window.
  const CompiledModel no_veto = load_and_compile(source_path("scenarios/no-veto-2019.toml"));
  EXPECT_EQ(resolve_metrics(e.metrics, no_veto).size(), e.metrics.size());
}

// ---- the bad corpus: defects found by load_experiment
// ----------------------------------------------------------

class LoadBadExperiment : public ::testing::TestWithParam<BadScenario> {};

TEST_P(LoadBadExperiment, ReportsPositionAndMessage) {
  const BadScenario& b = GetParam();
  const std::string path = kBad + b.name + ".toml";
  ASSERT_TRUE(fs::is_regular_file(path)) << path;
  const InputError e = testing::input_error_of([&] { load_experiment(path); });
  EXPECT_EQ(std::string(e.what()), at(path, b.line, b.col) + b.detail);
  EXPECT_EQ(e.where().line, b.line);
  EXPECT_EQ(e.where().col, b.col);
}

const std::string kParameterKeys = "'name', 'min', 'max', 'distribution', 'mean' or 'sd'";
const std::string kMetricKeys =
    "'name', 'agent', 'variable', 'statistic', 'date', 'from', 'to', 'threshold' or 'every'";

INSTANTIATE_TEST_SUITE_P(
    Corpus, LoadBadExperiment,
    ::testing::Values(
        // [experiment] and the file
        BadScenario{"missing_experiment_table", 1, 1,
                    "the experiment file is missing the required key 'experiment'"},
        BadScenario{"unknown_top_level_key", 19, 3,
                    "unknown key 'metric' in the experiment file (did you mean 'metrics'?); allowed keys: "
                    "'experiment', 'design', 'parameters' or 'metrics'"},
        BadScenario{
            "unknown_experiment_key", 6, 1,
            "unknown key 'replicate' in [experiment] (did you mean 'replicates'?); allowed keys: 'name', "
            "'scenario', 'seed', 'replicates' or 'chunk_points'"},
        BadScenario{"missing_replicates", 2, 1, "[experiment] is missing the required key 'replicates'"},
        BadScenario{"missing_scenario", 2, 1, "[experiment] is missing the required key 'scenario'"},
        BadScenario{
            "missing_scenario_file", 4, 12,
            "cannot read scenario file '" + kSource +
                "/scenarios/nope.toml': no such file; a relative path is taken from the directory of the "
                "experiment file"},
        BadScenario{"name_invalid", 3, 8,
                    "'name' = \"bad name\" is not a valid id; use 1 to 32 letters, digits, '_' or '-'"},
        BadScenario{"seed_string", 5, 8, "'seed' in [experiment] must be an integer, got a string"},
        BadScenario{"seed_negative", 5, 8,
                    "'seed' = -1 is out of range in [experiment]; allowed: 0 to 9223372036854775807"},
        BadScenario{"replicates_zero", 6, 14,
                    "'replicates' = 0 is out of range in [experiment]; allowed: 1 to 100000"},
        BadScenario{"replicates_float", 6, 14,
                    "'replicates' in [experiment] must be an integer, got a floating-point number"},
        BadScenario{"chunk_points_negative", 7, 16,
                    "'chunk_points' = -1 is out of range in [experiment]; allowed: 0 to 1000000"},
        // [design]
        BadScenario{"missing_design_kind", 8, 1, "[design] is missing the required key 'kind'"},
        BadScenario{"unknown_design_kind", 9, 8,
                    "unknown design kind 'sobl' (did you mean 'sobol'?); allowed: 'grid', 'lhs', 'morris' or "
                    "'sobol'"},
        BadScenario{"unknown_design_key", 10, 1,
                    "unknown key 'sampels' in [design] (did you mean 'samples'?); allowed keys: 'kind', "
                    "'samples', 'levels', 'second_order', 's1_estimator', 'bootstrap' or 'confidence'"},
        BadScenario{"levels_for_sobol", 11, 1,
                    "'levels' does not apply to design kind 'sobol'; keys for 'sobol': 'kind', 'samples', "
                    "'second_order', 's1_estimator', 'bootstrap' or 'confidence'"},
        BadScenario{
            "unknown_s1_estimator", 11, 16,
            "unknown s1_estimator 'jannon2014' (did you mean 'janon2014'?); allowed: 'saltelli2010' or "
            "'janon2014' (Saltelli et al. 2010, SALib's default; Janon et al. 2014)"},
        BadScenario{"samples_for_grid", 10, 1,
                    "'samples' does not apply to design kind 'grid'; keys for 'grid': 'kind' or 'levels'"},
        BadScenario{"second_order_for_morris", 11, 1,
                    "'second_order' does not apply to design kind 'morris'; keys for 'morris': 'kind', "
                    "'samples', 'levels', 'bootstrap' or 'confidence'"},
        BadScenario{"missing_samples", 8, 1, "[design] is missing the required key 'samples'"},
        BadScenario{"samples_too_small", 10, 11,
                    "'samples' = 1 is out of range in [design]; allowed: 2 to 1000000"},
        BadScenario{"grid_missing_levels", 8, 1, "[design] is missing the required key 'levels'"},
        BadScenario{"grid_levels_one", 10, 10,
                    "'levels' = 1 is out of range in [design]; allowed: 2 to 1000"},
        BadScenario{"morris_levels_odd", 11, 10,
                    "'levels' = 5 must be even for a 'morris' design (the jump is levels / 2 steps of the "
                    "grid); allowed: 2, 4, 6, ... 100"},
        BadScenario{"second_order_string", 11, 16,
                    "'second_order' in [design] must be a boolean (true or false), got a string"},
        BadScenario{
            "confidence_one", 11, 14,
            "'confidence' = 1 is out of range in [design]; allowed: more than 0 and less than 1, e.g. "
            "0.95"},
        BadScenario{"bootstrap_zero", 11, 13,
                    "'bootstrap' = 0 is out of range in [design]; allowed: 1 to 100000"},
        BadScenario{"design_too_large", 10, 10,
                    "the 'grid' design has 1000000000 points (levels^k = 1000^3 with k = 3 parameters), more "
                    "than the 10000000 allowed; lower 'levels' or vary fewer parameters"},
        BadScenario{"design_without_parameters", 8, 1,
                    "a 'sobol' design needs at least one [[parameters]] entry to vary; add one (name, min, "
                    "max)"},
        // [[parameters]]
        BadScenario{
            "parameters_without_design", 12, 1,
            "[[parameters]] are varied by a [design], but the file has none; add a [design] with kind "
            "'grid', 'lhs', 'morris' or 'sobol', or remove the [[parameters]]"},
        BadScenario{"parameters_not_array", 12, 1,
                    "'parameters' in the experiment file must be an array of tables, written [[parameters]], "
                    "got a table"},
        BadScenario{
            "unknown_parameter_key", 15, 1,
            "unknown key 'maxx' in [[parameters]] (did you mean 'max'?); allowed keys: " + kParameterKeys},
        BadScenario{"missing_parameter_max", 12, 1,
                    "[[parameters]] 'grievance_weight' is missing the required key 'max'"},
        BadScenario{"parameter_min_string", 14, 7,
                    "'min' in [[parameters]] 'grievance_weight' must be a number, got a string"},
        BadScenario{
            "parameter_listed_twice", 28, 8,
            "parameter 'grievance_weight' is listed twice in [[parameters]]; each may be varied once"},
        BadScenario{"min_not_below_max", 15, 7,
                    "'max' = 1 must be greater than 'min' = 4 in [[parameters]] 'grievance_weight'"},
        BadScenario{"min_equals_max", 15, 7,
                    "'max' = 2 must be greater than 'min' = 2 in [[parameters]] 'grievance_weight'"},
        BadScenario{"unknown_distribution", 16, 16,
                    "unknown distribution 'unifrom' (did you mean 'uniform'?); allowed: 'uniform', "
                    "'loguniform' or 'normal'"},
        BadScenario{
            "loguniform_min_zero", 14, 7,
            "a 'loguniform' distribution needs 'min' > 0; 'min' = 0 in [[parameters]] 'grievance_weight'"},
        BadScenario{
            "normal_missing_sd", 12, 1,
            "[[parameters]] 'grievance_weight' is missing the required key 'sd'; a 'normal' distribution "
            "needs 'mean' and 'sd'"},
        BadScenario{
            "normal_mean_outside", 17, 8,
            "'mean' = 5 is outside the bounds of [[parameters]] 'grievance_weight'; allowed: 1 to 4 (its "
            "'min' and 'max')"},
        BadScenario{"normal_sd_zero", 18, 6,
                    "'sd' = 0 in [[parameters]] 'grievance_weight' must be greater than 0"},
        BadScenario{"mean_for_uniform", 16, 1,
                    "'mean' applies only to a 'normal' distribution; [[parameters]] 'grievance_weight' has a "
                    "'uniform' distribution, so remove the key"},
        // [[metrics]]
        BadScenario{"metrics_missing", 1, 1,
                    "the experiment has no [[metrics]]; add at least one (name, agent, variable, statistic)"},
        BadScenario{"unknown_metric_key", 26, 1,
                    "unknown key 'treshold' in [[metrics]] (did you mean 'threshold'?); allowed keys: " +
                        kMetricKeys},
        BadScenario{
            "metric_name_invalid", 20, 8,
            "'name' = \"SRB signal\" is not a valid metric name; use 1 to 64 lowercase letters, digits "
            "or '_'"},
        BadScenario{"metric_name_duplicate", 28, 8,
                    "duplicate metric name 'srb_signal'; names must be unique"},
        BadScenario{"missing_statistic", 19, 1,
                    "[[metrics]] 'srb_signal' is missing the required key 'statistic'"},
        BadScenario{"unknown_statistic", 23, 13,
                    "unknown statistic 'meen' (did you mean 'mean'?); allowed: 'at', 'final', 'mean', 'min', "
                    "'max', 'first_below', 'first_above' or 'series'"},
        BadScenario{"series_every_zero", 24, 9,
                    "'every' = 0 is out of range in [[metrics]] 'srb_signal'; allowed: 1 to 3660"},
        BadScenario{
            "every_for_mean", 24, 1,
            "'every' does not apply to statistic 'mean'; keys for 'mean': 'name', 'agent', 'variable', "
            "'statistic', 'from' or 'to'"},
        BadScenario{
            "series_name_too_long", 20, 8,
            "'name' = \"serbia_signal_over_the_whole_period_of_the_veto_and_after_it_x\" is too long for "
            "a series: each sample is named "
            "'serbia_signal_over_the_whole_period_of_the_veto_and_after_it_x_<YYYYMMDD>', at most 64 "
            "characters; use at most 55"},
        BadScenario{
            "unknown_variable", 22, 12,
            "unknown variable 'signl' (did you mean 'signal'?); allowed: 'signal', 'display', 'position', "
            "'substance', 'opinion', 'grievance', 'accession', 'courting', 'complying', 'payoff_court', "
            "'payoff_comply', 'conditionality', 'detente', 'capacity', 'attention', 'war', 'engagement', "
            "'trust', 'veto', 'belief', 'uncertainty' or 'gap' (a patron's relation to a hedger as "
            "'<variable>@<patron>', e.g. 'engagement@RUS')"},
        BadScenario{
            "date_for_mean", 26, 1,
            "'date' does not apply to statistic 'mean'; keys for 'mean': 'name', 'agent', 'variable', "
            "'statistic', 'from' or 'to'"},
        BadScenario{"from_for_at", 24, 1,
                    "'from' does not apply to statistic 'at'; keys for 'at': 'name', 'agent', 'variable', "
                    "'statistic' or 'date'"},
        BadScenario{"at_missing_date", 19, 1,
                    "[[metrics]] 'srb_signal' is missing the required key 'date'; statistic 'at' needs it"},
        BadScenario{
            "first_below_missing_threshold", 19, 1,
            "[[metrics]] 'srb_signal' is missing the required key 'threshold'; statistic 'first_below' "
            "needs it"},
        BadScenario{"threshold_string", 26, 13,
                    "'threshold' in [[metrics]] 'srb_signal' must be a number, got a string"},
        BadScenario{"from_after_to", 25, 6,
                    "'to' 2019-10-17 comes before 'from' 2020-06-30 in [[metrics]] 'srb_signal'; the window "
                    "must have from <= to"},
        BadScenario{"from_not_a_date", 24, 8,
                    "'from' = \"2019-13-01\" is not a date; write a calendar date as YYYY-MM-DD, e.g. "
                    "2019-10-18"},
        BadScenario{"from_datetime", 24, 8,
                    "'from' in [[metrics]] 'srb_signal' must be a date (YYYY-MM-DD), got a date-time"}),
    [](const ::testing::TestParamInfo<BadScenario>& info) { return std::string(info.param.name); });

// ---- the bad corpus: defects found against the model
// ------------------------------------------------------------

class ResolveBadExperiment : public ::testing::TestWithParam<BadScenario> {};

TEST_P(ResolveBadExperiment, ReportsPositionAndMessage) {
  const BadScenario& b = GetParam();
  const std::string path = kBad + b.name + ".toml";
  ASSERT_TRUE(fs::is_regular_file(path)) << path;
  EXPECT_NO_THROW(load_experiment(path));  // the file itself is well-formed
  const InputError e = testing::input_error_of([&] { load_and_resolve_experiment(path); });
  EXPECT_EQ(std::string(e.what()), at(path, b.line, b.col) + b.detail);
  EXPECT_EQ(e.where().line, b.line);
  EXPECT_EQ(e.where().col, b.col);
}

/// The parameters of the shipped model that an experiment may vary, as the message lists them.
std::string variable_parameters() {
  std::vector<std::string> names;
  for (const ParameterSpec& p : load_model(kSource + "/model").parameters)
    if (p.name != "step_days") names.push_back(p.name);
  return join_quoted(names);
}

const std::string kModelRange = " (the range in " + kSource + "/model/parameters.toml)";
const std::string kVetoWindow =
    "allowed: 2019-08-01 to 2020-06-30 (the [scenario] start and end of " + kVeto + ")";

INSTANTIATE_TEST_SUITE_P(
    Corpus, ResolveBadExperiment,
    ::testing::Values(
        BadScenario{"unknown_parameter", 13, 8,
                    "unknown parameter 'grievance_wieght' (did you mean 'grievance_weight'?); parameters of "
                    "the model "
                    "that can be varied: " +
                        variable_parameters()},
        BadScenario{
            "step_days_swept", 13, 8,
            "'step_days' cannot be varied by an experiment: it sets the length of a step, and so the "
            "dates of the recorded states that the metrics refer to; compare scenarios with different "
            "step_days instead"},
        BadScenario{
            "min_below_model_range", 14, 7,
            "'min' = -1 of parameter 'grievance_weight' is below the model's range; allowed: 0 to 12" +
                kModelRange},
        BadScenario{
            "max_above_model_range", 15, 7,
            "'max' = 13 of parameter 'grievance_weight' is above the model's range; allowed: 0 to 12" +
                kModelRange},
        BadScenario{"unknown_agent", 21, 9,
                    "unknown agent 'SRV' (did you mean 'SRB'?); agents are given by id: 'ALB' (Albania), "
                    "'BIH' (Bosnia and Herzegovina), 'KOS' (Kosovo), 'MNE' (Montenegro), 'MKD' (North "
                    "Macedonia), 'SRB' (Serbia), 'EU' (European Union), 'FRA' (France) or 'RUS' (Russia)"},
        BadScenario{"variable_not_carried", 22, 12,
                    "'RUS' is a 'patron' agent and does not carry 'signal'; allowed for 'RUS': 'detente', "
                    "'capacity', 'attention' or 'war' (a patron's relation to a hedger is written under the "
                    "hedger as "
                    "'<variable>@<patron>')"},
        BadScenario{"gap_on_west", 22, 12,
                    "'gap' (signal - substance) is defined for 'hedger' agents only; 'FRA' is a 'patron', "
                    "whose variables are 'detente', 'capacity', 'attention' or 'war'"},
        BadScenario{"date_after_end", 24, 8, "date 2020-07-01 is outside the scenario; " + kVetoWindow},
        BadScenario{"from_before_start", 24, 8, "date 2019-07-31 is outside the scenario; " + kVetoWindow},
        BadScenario{
            "window_without_step", 24, 8,
            "the window 2019-10-18 to 2019-10-23 of [[metrics]] 'srb_signal' holds no recorded state; "
            "states are recorded every 7 days from 2019-08-01 (2019-08-01, 2019-08-08, ...); widen the "
            "window"},
        BadScenario{
            "series_name_collision", 27, 8,
            "metric name 'srb_20190829' is also the name of a sample of series 'srb', which names each "
            "sample <name>_<YYYYMMDD>; rename one of them"}),
    [](const ::testing::TestParamInfo<BadScenario>& info) { return std::string(info.param.name); });

// Every file of the corpus is used by exactly one test above (or is the control or the syntax error).
TEST(BadExperimentCorpus, EveryFileIsTested) {
  std::vector<std::string> tested = {"control", "syntax_error"};
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(kBad))
    if (entry.path().extension() == ".toml") files.push_back(entry.path().stem().string());
  // The parameterised suites register one test per file under its name: count the files against them.
  const ::testing::UnitTest& ut = *::testing::UnitTest::GetInstance();
  for (int i = 0; i < ut.total_test_suite_count(); ++i) {
    const ::testing::TestSuite& s = *ut.GetTestSuite(i);
    const std::string suite = s.name();
    if (suite != "Corpus/LoadBadExperiment" && suite != "Corpus/ResolveBadExperiment") continue;
    for (int j = 0; j < s.total_test_count(); ++j) {
      const std::string test = s.GetTestInfo(j)->name();  // "ReportsPositionAndMessage/<file stem>"
      tested.push_back(test.substr(test.find('/') + 1));
    }
  }
  for (const std::string& f : files)
    EXPECT_NE(std::find(tested.begin(), tested.end(), f), tested.end()) << f << ".toml is not tested";
  EXPECT_EQ(files.size(), tested.size());
}

}  // namespace
}  // namespace hedgesim

// What each event did (experiment/attribute.hpp): on a toy model written for the test, whose events move
// one variable that nothing else moves, knock-out and Shapley values are the known effects, with the known
// interaction where one event's effect scales with another's (the negative control of additivity); sampled
// permutations agree with the exact values within their reported error; common random numbers narrow a
// knock-out's interval against independent streams; the bytes do not depend on the thread count, nor on
// a stop and a resume from the journal.
#include "experiment/attribute.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "experiment/compare.hpp"
#include "io/atomic_file.hpp"
#include "model/load.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

/// Event types of the toy model: lasting jumps of a hedger's `accession`, which only events move (ODD E0:
/// the dynamics read it, never change it), so that a metric of it adds up the events exactly; `scaled` adds
/// half the target's accession at the time it happens, so that it interacts with every event before it.
const char* const kToyEvents = R"(
[[event_type]]
id = "add_small"
description = "adds 0.05"
actor_kinds = ["west"]
target_kinds = ["hedger"]
  [[event_type.effect]]
  party = "target"
  variable = "accession"
  delta = 0.05

[[event_type]]
id = "add_big"
description = "adds 0.2"
actor_kinds = ["west"]
target_kinds = ["hedger"]
  [[event_type.effect]]
  party = "target"
  variable = "accession"
  delta = 0.2

[[event_type]]
id = "scaled"
description = "adds half the accession it finds"
actor_kinds = ["west"]
target_kinds = ["hedger"]
  [[event_type.effect]]
  party = "target"
  variable = "accession"
  delta = 0.5
  scale_by = "accession"
)";

/// The shipped model with the toy event types, and a scenario of `events` on it, in `dir`.
Scenario toy_scenario(const TempDir& dir, const std::string& events) {
  const fs::path model = fs::path(dir.path()) / "model";
  fs::copy(testing::source_path("model"), model,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  std::ofstream(model / "events.toml") << kToyEvents;
  return load_scenario(dir.write("toy.toml",
                                 "[scenario]\nname = \"toy\"\ntitle = \"toy\"\nmodel = \"model\"\n"
                                 "start = 2020-01-01\nend = 2020-06-30\nseed = 5\n\n" +
                                     events));
}

std::string event(const std::string& id, const std::string& date, const std::string& type) {
  return "[[event]]\ndate = " + date + "\nid = \"" + id + "\"\ntype = \"" + type +
         "\"\nactor = \"EU\"\ntargets = [\"ALB\"]\nlabel = \"" + id + "\"\n\n";
}

/// ALB's accession at the end of the run.
std::vector<MetricDef> final_accession(const CompiledModel& m) {
  MetricDef d;
  d.name = "alb_accession_final";
  d.agent = 0;
  d.row = m.row(Var::accession, 0);
  d.stat = Statistic::final;
  d.step_at = d.step_to = m.steps;
  d.from = d.to = m.date_of_step(m.steps);
  return {d};
}

AttributeResult run(const Scenario& s, AttributeOptions opt = {}) {
  const ModelSpec spec = load_model(s.model_dir);
  opt.replicates = opt.replicates == 200 ? 4 : opt.replicates;
  opt.bootstrap = 200;
  return attribute(spec, s, final_accession(compile(spec, s)), opt);
}

TEST(Attribute, OnAnAdditiveModelShapleyAndKnockOutAreEachEventsOwnEffect) {
  TempDir dir;
  const Scenario s =
      toy_scenario(dir, event("a", "2020-02-01", "add_small") + event("b", "2020-03-01", "add_big") +
                            event("c", "2020-04-01", "add_small"));
  const AttributeResult r = run(s);
  ASSERT_TRUE(r.exact);
  EXPECT_EQ(r.coalitions, 8);
  const double known[] = {0.05, 0.2, 0.05};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(r.effect(i, 0).knockout.value, known[i], 1e-12) << i;
    EXPECT_NEAR(r.effect(i, 0).shapley.value, known[i], 1e-12) << i;
    EXPECT_NEAR(r.effect(i, 0).interaction.value, 0.0, 1e-12) << i;
  }
  EXPECT_NEAR(r.all[0] - r.none[0], 0.3, 1e-12);
}

// a0 = ALB's starting accession (0.30, model/agents.toml). v(none) = a0, v(a) = a0 + 0.2,
// v(s) = 1.5 a0, v(a, s) = 1.5 (a0 + 0.2): the scaled event finds 0.2 more when `a` came first.
// Shapley shares the interaction 0.1 equally; each knock-out carries all of it.
TEST(Attribute, FindsTheKnownInteractionWhereOneEventScalesWithAnother) {
  TempDir dir;
  const Scenario s =
      toy_scenario(dir, event("a", "2020-02-01", "add_big") + event("s", "2020-03-01", "scaled"));
  const double a0 = 0.30;
  const AttributeResult r = run(s);
  EXPECT_NEAR(r.effect(0, 0).knockout.value, 0.2 + 0.1, 1e-12);
  EXPECT_NEAR(r.effect(1, 0).knockout.value, 0.5 * a0 + 0.1, 1e-12);
  EXPECT_NEAR(r.effect(0, 0).shapley.value, 0.2 + 0.05, 1e-12);
  EXPECT_NEAR(r.effect(1, 0).shapley.value, 0.5 * a0 + 0.05, 1e-12);
  EXPECT_NEAR(r.effect(0, 0).interaction.value, -0.05, 1e-12);
  EXPECT_NEAR(r.effect(1, 0).interaction.value, -0.05, 1e-12);
}

TEST(Attribute, SampledPermutationsAgreeWithTheExactValuesWithinTheirError) {
  TempDir dir;
  const Scenario s =
      toy_scenario(dir, event("a", "2020-02-01", "add_big") + event("s", "2020-03-01", "scaled") +
                            event("b", "2020-04-01", "add_small") + event("t", "2020-05-01", "scaled"));
  const AttributeResult exact = run(s);
  AttributeOptions sampled;
  sampled.exact_limit = 1;
  sampled.permutations = 400;
  const AttributeResult est = run(s, sampled);
  ASSERT_FALSE(est.exact);
  double total = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const EventEffect& e = est.effect(i, 0);
    EXPECT_GT(e.permutation_se, 0) << i;  // the events interact: the order matters
    EXPECT_LE(std::abs(e.shapley.value - exact.effect(i, 0).shapley.value), 4 * e.permutation_se) << i;
    EXPECT_NEAR(e.knockout.value, exact.effect(i, 0).knockout.value, 1e-12) << i;
    total += e.shapley.value;
  }
  EXPECT_NEAR(total, est.all[0] - est.none[0], 1e-12);  // each permutation adds up to v(N) - v(none)
}

// The veto's knock-out effect on North Macedonia's signal, with common random numbers and with each
// coalition on its own streams: pairing removes the replicate noise the difference would otherwise carry.
TEST(Attribute, CommonRandomNumbersNarrowAKnockOutsIntervalByAMeasuredFactor) {
  const Scenario s = load_scenario(testing::source_path("scenarios/veto-2019.toml"));
  const ModelSpec spec = load_model(s.model_dir);
  const CompiledModel m = compile(spec, s);
  std::vector<MetricDef> metric = default_compare_metrics(m);
  metric.erase(std::remove_if(metric.begin(), metric.end(),
                              [](const MetricDef& d) { return d.name != "mkd_signal_mean"; }),
               metric.end());
  AttributeOptions opt;
  opt.replicates = 100;
  opt.bootstrap = 500;
  opt.seed = s.seed;
  opt.events = {"fra-veto-2019"};
  const AttributeResult crn = attribute(spec, s, metric, opt);
  opt.common_random_numbers = false;
  const AttributeResult independent = attribute(spec, s, metric, opt);
  const double w_crn = crn.effect(0, 0).knockout.hi - crn.effect(0, 0).knockout.lo;
  const double w_ind = independent.effect(0, 0).knockout.hi - independent.effect(0, 0).knockout.lo;
  EXPECT_GT(w_ind / w_crn, 3.0) << w_crn << " against " << w_ind;
  EXPECT_LT(crn.effect(0, 0).knockout.value, 0);  // the veto pulls North Macedonia's signal east
}

TEST(Attribute, OutputsAreTheSameBytesWhateverTheThreadCount) {
  TempDir dir, one, two;
  const Scenario s =
      toy_scenario(dir, event("a", "2020-02-01", "add_big") + event("s", "2020-03-01", "scaled") +
                            event("b", "2020-04-01", "add_small"));
  const ModelSpec spec = load_model(s.model_dir);
  const CompiledModel m = compile(spec, s);
  for (int exact_limit : {12, 1}) {
    AttributeOptions opt;
    opt.replicates = 5;
    opt.exact_limit = exact_limit;
    opt.permutations = 40;
    opt.threads = 1;
    write_attribute_outputs(m, attribute(spec, s, final_accession(m), opt), opt, one.path(), "");
    opt.threads = 2;
    write_attribute_outputs(m, attribute(spec, s, final_accession(m), opt), opt, two.path(), "");
    EXPECT_EQ(io::read_file(one.path() + "/event-effects.csv"),
              io::read_file(two.path() + "/event-effects.csv"))
        << exact_limit;
  }
}

/// veto-2019 with three of its events as players, and North Macedonia's mean signal.
struct VetoAttribution {
  Scenario s = load_scenario(testing::source_path("scenarios/veto-2019.toml"));
  ModelSpec spec = load_model(s.model_dir);
  CompiledModel m = compile(spec, s);
  std::vector<MetricDef> metrics = default_compare_metrics(m);
  AttributeOptions opt;
  VetoAttribution() {
    metrics.resize(2);
    opt.replicates = 6;
    opt.bootstrap = 200;
    opt.seed = s.seed;
    opt.events = {"fra-veto-2019", "s400-display-2019", "talks-open-2020"};
  }
};

TEST(Attribute, AStoppedAttributionResumesFromItsJournalToTheSameBytes) {
  TempDir straight, stopped;
  VetoAttribution v;
  write_attribute_outputs(v.m, attribute(v.spec, v.s, v.metrics, v.opt), v.opt, straight.path(), "");

  v.opt.journal_dir = stopped.path();
  AttributeOptions first = v.opt;  // computes one chunk, then stops as SIGINT would
  first.execute = [](const WorkPlan& plan, const PointEvaluator& evaluator, io::Journal& journal,
                     const RunChunksOptions&) {
    auto worker = evaluator.make_worker();
    journal.append(0, evaluate_chunk(plan, *worker, 0));
    return false;
  };
  const AttributeResult partial = attribute(v.spec, v.s, v.metrics, first);
  ASSERT_FALSE(partial.finished);
  EXPECT_EQ(partial.chunks_done, 1);
  EXPECT_GT(partial.chunks, 1);
  ASSERT_TRUE(fs::exists(partial.journal));

  EXPECT_EQ(testing::error_of([&] { attribute(v.spec, v.s, v.metrics, v.opt); }),
            partial.journal +
                ":0:0: this directory holds the journal of an unfinished attribution; add --resume to finish "
                "it, or delete the journal (or choose another --out) to start over");
  AttributeOptions other = v.opt;  // another seed is another job
  other.resume = true;
  other.seed += 1;
  EXPECT_NE(testing::error_of([&] {
              attribute(v.spec, v.s, v.metrics, other);
            }).find("cannot resume: this journal belongs to a different job"),
            std::string::npos);

  v.opt.resume = true;
  v.opt.threads = 2;
  const AttributeResult resumed = attribute(v.spec, v.s, v.metrics, v.opt);
  ASSERT_TRUE(resumed.finished);
  write_attribute_outputs(v.m, resumed, v.opt, stopped.path(), "");
  EXPECT_EQ(io::read_file(straight.path() + "/event-effects.csv"),
            io::read_file(stopped.path() + "/event-effects.csv"));
  EXPECT_FALSE(fs::exists(resumed.journal));  // rendered into the outputs, then removed
}

TEST(Attribute, AnUnknownOrRepeatedEventIdIsReportedWithTheIds) {
  TempDir dir;
  const Scenario s =
      toy_scenario(dir, event("a", "2020-02-01", "add_big") + event("s", "2020-03-01", "scaled"));
  AttributeOptions opt;
  opt.events = {"veto-2091"};
  EXPECT_EQ(testing::error_of([&] { run(s, opt); }), "<command line>:1:0: no event of '" +
                                                         dir.file("toy.toml") +
                                                         "' has the id 'veto-2091'; its ids: 'a' or 's'");
  opt.events = {"a", "a"};
  EXPECT_EQ(testing::error_of([&] { run(s, opt); }),
            "<command line>:1:0: --events names 'a' twice; name each event once");
}

}  // namespace
}  // namespace hedgesim

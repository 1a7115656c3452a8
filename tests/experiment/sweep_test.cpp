// The sweep runner end to end: the estimators validated through the very path the model uses (a design,
// chunks, the journal, indices.csv) on analytic functions; byte-identical outputs whatever the thread count
// and however often the sweep is stopped and resumed; and the refusals that protect finished work.
#include "experiment/sweep.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <numbers>

#include "io/atomic_file.hpp"
#include "io/csv_reader.hpp"
#include "support/files.hpp"
#include "support/input_error_message.hpp"
#include "support/journal_bytes.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

ParameterAxis axis(const std::string& name, double lo, double hi) {
  ParameterAxis p;
  p.name = name;
  p.lo = lo;
  p.hi = hi;
  return p;
}

SweepJob function_job(DesignKind kind, int samples, std::vector<ParameterAxis> params, int chunk_points) {
  SweepJob job;
  job.spec.name = "analytic";
  job.spec.design = kind;
  job.spec.samples = samples;
  job.spec.levels = 4;
  job.spec.seed = 3;
  job.spec.replicates = 1;
  job.spec.chunk_points = chunk_points;
  job.spec.parameters = std::move(params);
  job.metric_names = {"y"};
  job.identity = {{"version", "test"}};
  return job;
}

struct IndexRow {
  double value, lo, hi;
};
/// indices.csv as (index, parameter) -> estimate, for metric "y".
std::map<std::pair<std::string, std::string>, IndexRow> read_indices(const std::string& dir) {
  io::CsvReader csv(dir + "/indices.csv");
  std::map<std::pair<std::string, std::string>, IndexRow> out;
  const auto c_index = csv.column("index"), c_param = csv.column("parameter"), c_value = csv.column("value"),
             c_lo = csv.column("ci_low"), c_hi = csv.column("ci_high");
  while (csv.next())
    out[{std::string(csv.text(c_index)), std::string(csv.text(c_param))}] = {
        csv.number(c_value), csv.number(c_lo), csv.number(c_hi)};
  return out;
}

TEST(Sweep, SobolIndicesOfIshigamiThroughTheRunnerMatchTheAnalyticValues) {
  const double pi = std::numbers::pi;
  const SweepJob job = function_job(DesignKind::sobol, 8192,
                                    {axis("x1", -pi, pi), axis("x2", -pi, pi), axis("x3", -pi, pi)}, 2048);
  const FunctionEvaluator f(
      1, [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) { y[0] = ishigami(x); });
  testing::TempDir dir;
  ASSERT_TRUE(run_sweep(job, f, {.out_dir = dir.path(), .threads = 2}).finished);
  const auto idx = read_indices(dir.path());
  const std::map<std::pair<std::string, std::string>, double> analytic = {
      {{"S1", "x1"}, 0.3139}, {{"S1", "x2"}, 0.4424}, {{"S1", "x3"}, 0.0},
      {{"ST", "x1"}, 0.5576}, {{"ST", "x2"}, 0.4424}, {{"ST", "x3"}, 0.2437}};
  for (const auto& [key, truth] : analytic) {
    const IndexRow& e = idx.at(key);
    EXPECT_NEAR(e.value, truth, 0.02) << key.first << " " << key.second;
    EXPECT_LE(e.lo, truth) << key.first << " " << key.second;
    EXPECT_GE(e.hi, truth) << key.first << " " << key.second;
  }
}

TEST(Sweep, SobolDesignCsvNamesEachRowsBlockAndMatrixAndIndicesCsvFlagsNoise) {
  // y = x1 + 0.001 x2 on 16 base samples: x2 is all but inert, so its S1 and ST scatter around 0 and some
  // fall below it; indices.csv must call those estimator noise, and leave x1's (inside [0, 1]) unflagged.
  const SweepJob job = function_job(DesignKind::sobol, 16, {axis("x1", 0, 1), axis("x2", 0, 1)}, 0);
  const FunctionEvaluator f(1, [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
    y[0] = x(0) + 0.001 * std::sin(40 * x(1));
  });
  testing::TempDir dir;
  ASSERT_TRUE(run_sweep(job, f, {.out_dir = dir.path(), .threads = 1}).finished);
  io::CsvReader design(dir.path() + "/design.csv");
  const auto c_point = design.column("point"), c_block = design.column("block"),
             c_role = design.column("role");
  const std::vector<std::string> roles = {"A", "AB_x1", "AB_x2", "B"};
  int rows = 0;
  while (design.next()) {
    const long long p = design.integer(c_point);
    EXPECT_EQ(design.integer(c_block), p / 4) << "point " << p;
    EXPECT_EQ(design.text(c_role), roles[static_cast<std::size_t>(p % 4)]) << "point " << p;
    ++rows;
  }
  EXPECT_EQ(rows, 16 * 4);
  io::CsvReader indices(dir.path() + "/indices.csv");
  const auto c_index = indices.column("index"), c_param = indices.column("parameter"),
             c_value = indices.column("value"), c_note = indices.column("note");
  int flagged = 0;
  while (indices.next()) {
    const double v = indices.number(c_value);
    const std::string note = indices.text(c_note);
    EXPECT_EQ(note.empty(), v >= 0 && v <= 1)
        << indices.text(c_index) << " " << indices.text(c_param) << " = " << v;
    if (!note.empty()) {
      EXPECT_NE(note.find("estimator noise"), std::string::npos) << note;
      ++flagged;
    }
  }
  EXPECT_GE(flagged, 1) << "the near-inert x2 should give at least one index below 0 on 16 base samples";
}

TEST(Sweep, MorrisThroughTheRunnerRanksTheGFunctionsInfluentialInputsFirst) {
  const std::vector<double> a = {0, 1, 4.5, 9, 99, 99};
  std::vector<ParameterAxis> params;
  for (std::size_t i = 0; i < a.size(); ++i)
    params.push_back(axis("u" + std::to_string(i), 0, 1));
  const SweepJob job = function_job(DesignKind::morris, 50, params, 0);
  const FunctionEvaluator f(
      1, [&](const Eigen::Ref<const Eigen::VectorXd>& u, double* y) { y[0] = sobol_g(u, a); });
  testing::TempDir dir;
  ASSERT_TRUE(run_sweep(job, f, {.out_dir = dir.path(), .threads = 2}).finished);
  const auto idx = read_indices(dir.path());
  for (int i = 0; i + 1 < 4; ++i)
    EXPECT_GT(idx.at({"mu_star", "u" + std::to_string(i)}).value,
              idx.at({"mu_star", "u" + std::to_string(i + 1)}).value);
  EXPECT_GT(idx.at({"mu_star", "u3"}).value, idx.at({"mu_star", "u4"}).value);
  EXPECT_GT(idx.at({"mu_star", "u3"}).value, idx.at({"mu_star", "u5"}).value);
}

/// A small model sweep (LHS over two parameters of veto-2019, 3 replicates, one point per chunk).
struct ModelSweep {
  ModelSweep() {
    model = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
    job.spec.name = "model";
    job.spec.design = DesignKind::lhs;
    job.spec.samples = 24;
    job.spec.seed = 9;
    job.spec.replicates = 3;
    job.spec.chunk_points = 1;
    job.spec.parameters = {axis("grievance_weight", 1.0, 4.0), axis("engagement_signal_pull", 0.3, 1.2)};
    job.metric_names = {"srb_courting_mean"};
    job.identity = {{"version", "test"}, {"experiment_sha256", "x"}};
    MetricDef d;
    d.name = "srb_courting_mean";
    d.agent = testing::agent_index(model, "SRB");
    d.row = model.row(Var::courting, d.agent);
    d.stat = Statistic::mean;
    d.step_from = 0;
    d.step_to = model.steps;
    metrics = {d};
    for (const auto& p : job.spec.parameters)
      parameters.push_back(
          static_cast<int>(model.spec.find_parameter(p.name) - model.spec.parameters.data()));
  }
  ModelEvaluator evaluator() const { return ModelEvaluator(model, parameters, metrics, 9); }
  CompiledModel model;
  SweepJob job;
  std::vector<MetricDef> metrics;
  std::vector<int> parameters;
};

const char* kFiles[] = {"design.csv", "results.csv", "summary.csv", "meta.json"};

// meta.json's `created` is the clock's second; pinned for this binary, so that two sweeps' whole files
// compare even when they finish in different seconds (SOURCE_DATE_EPOCH, docs/output-format.md).
const bool kCreatedPinned = ::setenv("SOURCE_DATE_EPOCH", "86400", 1) == 0;

TEST(Sweep, OutputsAreTheSameBytesWhateverTheThreadCount) {
  ASSERT_TRUE(kCreatedPinned);
  ModelSweep s;
  const ModelEvaluator ev = s.evaluator();
  testing::TempDir one, two;
  ASSERT_TRUE(run_sweep(s.job, ev, {.out_dir = one.path(), .threads = 1}).finished);
  ASSERT_TRUE(run_sweep(s.job, ev, {.out_dir = two.path(), .threads = 2}).finished);
  for (const char* f : kFiles)
    EXPECT_EQ(io::read_file(one.file(f)), io::read_file(two.file(f))) << f;
  EXPECT_FALSE(io::Journal::exists(one.file(kJournalName)));  // removed once the outputs are complete
  // The sweep really varies the model: courting differs between points.
  EXPECT_NE(io::read_file(one.file("summary.csv")).find("\n1,srb_courting_mean,"), std::string::npos);
}

/// Wraps an evaluator and raises `stop` once `after` points have been evaluated, as SIGINT would.
struct StopAfter : PointEvaluator {
  StopAfter(const PointEvaluator& inner, int after) : inner_(inner), after_(after) {}
  int metric_count() const override { return inner_.metric_count(); }
  std::unique_ptr<Worker> make_worker() const override {
    return std::make_unique<W>(inner_.make_worker(), *this);
  }
  mutable std::atomic<bool> stop{false};

 private:
  struct W : Worker {
    W(std::unique_ptr<Worker> w, const StopAfter& owner) : w_(std::move(w)), owner_(owner) {}
    void evaluate(const Eigen::Ref<const Eigen::VectorXd>& v, int r, double* out) override {
      w_->evaluate(v, r, out);
      if (++owner_.seen_ >= owner_.after_) owner_.stop = true;
    }
    std::unique_ptr<Worker> w_;
    const StopAfter& owner_;
  };
  const PointEvaluator& inner_;
  int after_;
  mutable std::atomic<int> seen_{0};
};

TEST(Sweep, StoppedAndResumedGivesTheSameBytesAsUninterrupted) {
  ModelSweep s;
  const ModelEvaluator ev = s.evaluator();
  testing::TempDir straight, resumed;
  ASSERT_TRUE(run_sweep(s.job, ev, {.out_dir = straight.path(), .threads = 2}).finished);

  const StopAfter stopping(ev, 7);
  const SweepResult part =
      run_sweep(s.job, stopping, {.out_dir = resumed.path(), .threads = 2, .stop = &stopping.stop});
  ASSERT_FALSE(part.finished);
  EXPECT_GE(part.chunks_done, 7);
  EXPECT_LT(part.chunks_done, part.chunks);
  EXPECT_FALSE(std::filesystem::exists(resumed.file("results.csv")));  // nothing partial
  const SweepResult rest = run_sweep(s.job, ev, {.out_dir = resumed.path(), .threads = 1, .resume = true});
  ASSERT_TRUE(rest.finished);
  for (const char* f : kFiles)
    EXPECT_EQ(io::read_file(straight.file(f)), io::read_file(resumed.file(f))) << f;
}

TEST(Sweep, RefusesToOverwriteAnUnfinishedSweepOrToResumeAnotherOne) {
  ModelSweep s;
  const ModelEvaluator ev = s.evaluator();
  testing::TempDir dir;
  std::atomic<bool> stop{true};  // stops before the first chunk: only the journal exists
  ASSERT_FALSE(run_sweep(s.job, ev, {.out_dir = dir.path(), .threads = 1, .stop = &stop}).finished);
  const std::string again = testing::error_of([&] { run_sweep(s.job, ev, {.out_dir = dir.path()}); });
  EXPECT_NE(again.find("unfinished sweep; add --resume"), std::string::npos) << again;
  SweepJob changed = s.job;
  changed.identity[1].second = "y";
  const std::string other =
      testing::error_of([&] { run_sweep(changed, ev, {.out_dir = dir.path(), .resume = true}); });
  EXPECT_NE(other.find("experiment_sha256 was x for the journal but is y now"), std::string::npos) << other;
  SweepJob bigger = s.job;
  bigger.spec.replicates = 4;
  const std::string reps =
      testing::error_of([&] { run_sweep(bigger, ev, {.out_dir = dir.path(), .resume = true}); });
  EXPECT_NE(reps.find("replicates was 3 for the journal but is 4 now"), std::string::npos) << reps;
}

TEST(Sweep, ChunksArePureFunctionsOfThePlan) {
  ModelSweep s;
  const ModelEvaluator ev = s.evaluator();
  WorkPlan plan;
  plan.values = parameter_values(s.job.spec, make_design(s.job.spec).unit);
  plan.replicates = 3;
  plan.metrics = 1;
  plan.chunk_points = 5;
  auto w1 = ev.make_worker(), w2 = ev.make_worker();
  const auto c3 = evaluate_chunk(plan, *w1, 3);
  evaluate_chunk(plan, *w2, 0);  // a worker that did other work first gives the same numbers
  EXPECT_EQ(evaluate_chunk(plan, *w2, 3), c3);
  EXPECT_EQ(c3.size(), 5u * 3u);
  EXPECT_NE(evaluate_chunk(plan, *w1, 2), c3);
}

TEST(Sweep, AChunkSharedAmongThreadsIsTheSameBytesAsOneThreadsChunk) {
  // What lets an MPI rank put all its threads on the one chunk it holds.
  ModelSweep s;
  const ModelEvaluator ev = s.evaluator();
  s.job.spec.chunk_points = 7;
  const WorkPlan plan = make_plan(s.job.spec, make_design(s.job.spec), 1);
  std::vector<std::unique_ptr<PointEvaluator::Worker>> three;
  for (int t = 0; t < 3; ++t)
    three.push_back(ev.make_worker());
  auto one = ev.make_worker();
  for (std::int64_t c : {0, 3})  // a full chunk and the short last one (24 points = 3 x 7 + 3)
    EXPECT_EQ(evaluate_chunk_parallel(plan, three, c), evaluate_chunk(plan, *one, c)) << c;
}

TEST(Sweep, TheQueueHandsOutOnlyTheChunksTheJournalLacks) {
  testing::TempDir dir;
  ModelSweep s;
  const WorkPlan plan = make_plan(s.job.spec, make_design(s.job.spec), 1);
  io::Journal journal = io::Journal::create(dir.file("j.hsj"), s.job.identity);
  journal.append(0, {1.0});
  journal.append(2, {1.0});
  ChunkQueue queue(plan, journal);
  EXPECT_EQ(queue.next(), 1);
  EXPECT_EQ(queue.next(), 3);
  for (std::int64_t c = 4; c < plan.chunks(); ++c)
    EXPECT_EQ(queue.next(), c);
  EXPECT_EQ(queue.next(), -1);
  // No local threads (an MPI coordinator that only coordinates): nothing is computed.
  const ModelEvaluator ev = s.evaluator();
  ChunkQueue again(plan, journal);
  LocalWorkers none(plan, ev, journal, again, {.threads = 0});
  none.join();
  EXPECT_EQ(journal.chunks_done(), 2);
}

TEST(Sweep, DesignValuesFollowTheParameterRanges) {
  ModelSweep s;
  const Eigen::MatrixXd v = parameter_values(s.job.spec, make_design(s.job.spec).unit);
  ASSERT_EQ(v.rows(), 24);
  EXPECT_GE(v.col(0).minCoeff(), 1.0);
  EXPECT_LE(v.col(0).maxCoeff(), 4.0);
  EXPECT_GE(v.col(1).minCoeff(), 0.3);
  EXPECT_LE(v.col(1).maxCoeff(), 1.2);
}

/// An analytic sweep of 10 LHS points, 2 replicates, 2 metrics and 4 points per chunk: 3 chunks of 16, 16 and
/// 8 values.
struct SmallSweep {
  SmallSweep() : job(function_job(DesignKind::lhs, 10, {axis("a", 0, 1), axis("b", 1, 2)}, 4)) {
    job.spec.replicates = 2;
    job.metric_names = {"sum", "product"};
  }
  FunctionEvaluator evaluator(double bad_value = 0.0, int bad_point = -1) const {
    auto seen = std::make_shared<std::atomic<int>>(0);
    return FunctionEvaluator(2, [=](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
      y[0] = x[0] + x[1];
      y[1] = x[0] * x[1];
      if (seen->fetch_add(1) == bad_point) y[1] = bad_value;
    });
  }
  /// Stops before the first chunk: the directory holds the journal's header and nothing else.
  std::string journal_only(const testing::TempDir& dir) const {
    std::atomic<bool> stop{true};
    EXPECT_FALSE(run_sweep(job, evaluator(), {.out_dir = dir.path(), .stop = &stop}).finished);
    return dir.file(kJournalName);
  }
  SweepJob job;
};

/// Resumes a sweep whose journal holds `bytes` after its header: the message it is refused with, having
/// checked that it wrote no output.
std::string resume_refusal(const std::string& bytes) {
  const SmallSweep s;
  testing::TempDir dir;
  const std::string journal = s.journal_only(dir);
  testing::append_bytes(journal, bytes);
  const std::string msg = testing::error_of(
      [&] { run_sweep(s.job, s.evaluator(), {.out_dir = dir.path(), .threads = 1, .resume = true}); });
  EXPECT_EQ(msg.rfind(journal + ":0:0: record ", 0), 0u) << msg;
  EXPECT_EQ(testing::names_in(dir.path()), std::set<std::string>{kJournalName}) << "no output, no temporary";
  return msg;
}

TEST(SweepJournal, ResumeRefusesARecordShorterThanThePlan) {
  const std::string msg = resume_refusal(testing::journal_record(1, std::vector<double>(15, 0.5)));
  EXPECT_NE(msg.find("record 1 (at byte "), std::string::npos) << msg;
  EXPECT_NE(msg.find(" holds 15 values for chunk 1, but the sweep's chunk 1 has 16"), std::string::npos)
      << msg;
}

TEST(SweepJournal, ResumeRefusesAnEmptyRecord) {
  const std::string msg = resume_refusal(testing::journal_record(2, {}));
  EXPECT_NE(msg.find(" holds 0 values for chunk 2, but the sweep's chunk 2 has 8"), std::string::npos) << msg;
}

TEST(SweepJournal, ResumeRefusesHugeCountsAtOnce) {
  for (const std::uint64_t count : {std::uint64_t{1} << 32, std::uint64_t{0x7FFFFFFF}}) {
    const auto start = std::chrono::steady_clock::now();
    const std::string msg = resume_refusal(testing::journal_record(0, count, {}));
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
    EXPECT_NE(
        msg.find(" holds " + std::to_string(count) + " values for chunk 0, but the sweep's chunk 0 has 16"),
        std::string::npos)
        << msg;
  }
}

TEST(SweepJournal, ResumeRefusesAChunkOutsideThePlan) {
  const std::string msg = resume_refusal(testing::journal_record(3, std::vector<double>(8, 0.5)));
  EXPECT_NE(msg.find(" is for chunk 3, but the sweep's chunks are numbered 0 to 2"), std::string::npos)
      << msg;
}

TEST(SweepJournal, ResumeRefusesARepeatedChunk) {
  const std::string rec = testing::journal_record(2, std::vector<double>(8, 0.5));
  const std::string msg = resume_refusal(rec + rec);
  EXPECT_NE(msg.find("record 2 (at byte "), std::string::npos) << msg;
  EXPECT_NE(msg.find(" repeats chunk 2, recorded already at byte "), std::string::npos) << msg;
}

TEST(SweepJournal, ResumeRefusesNaN) {
  std::vector<double> v(16, 0.5);
  v[5] = std::numeric_limits<double>::quiet_NaN();
  const std::string msg = resume_refusal(testing::journal_record(0, v));
  EXPECT_NE(msg.find(", chunk 0: value 5 (at byte "), std::string::npos) << msg;
  EXPECT_NE(msg.find(") is NaN; a sweep's results must be finite numbers"), std::string::npos) << msg;
}

TEST(SweepJournal, NaNFromTheEvaluatorWritesNoOutputAndSaysWhere) {
  const SmallSweep s;
  testing::TempDir dir;
  const std::string msg = testing::error_of([&] {
    run_sweep(s.job, s.evaluator(std::numeric_limits<double>::infinity(), 6),
              {.out_dir = dir.path(), .threads = 1});
  });
  EXPECT_NE(msg.find(dir.file(kJournalName) + ":0:0: metric 'product' is infinite at point 6, replicate "),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("(chunk 1); summary.csv and the indices need finite numbers, so no output was written"),
            std::string::npos)
      << msg;
  EXPECT_EQ(testing::names_in(dir.path()), std::set<std::string>{kJournalName});
}

TEST(SweepJournal, AValidJournalResumesToTheSameBytes) {
  const SmallSweep s;
  testing::TempDir straight, resumed;
  ASSERT_TRUE(run_sweep(s.job, s.evaluator(), {.out_dir = straight.path()}).finished);
  // Chunk 1 as the sweep computes it, forged into a journal that has nothing else: the rest is computed.
  const std::string journal = s.journal_only(resumed);
  std::vector<double> chunk1;
  {
    io::CsvReader csv(straight.file("results.csv"));
    const auto point = csv.column("point"), value = csv.column("value");
    while (csv.next())
      if (csv.number(point) >= 4 && csv.number(point) < 8) chunk1.push_back(csv.number(value));
  }
  ASSERT_EQ(chunk1.size(), 16u);
  testing::append_bytes(journal, testing::journal_record(1, chunk1));
  ASSERT_TRUE(run_sweep(s.job, s.evaluator(), {.out_dir = resumed.path(), .resume = true}).finished);
  for (const char* f : {"design.csv", "results.csv", "summary.csv", "meta.json"})
    EXPECT_EQ(io::read_file(straight.file(f)), io::read_file(resumed.file(f))) << f;
}

TEST(SweepJournal, AFinishedResumeRemovesTheTemporariesAKilledSweepLeft) {
  const SmallSweep s;
  testing::TempDir straight, resumed;
  ASSERT_TRUE(run_sweep(s.job, s.evaluator(), {.out_dir = straight.path()}).finished);
  s.journal_only(resumed);
  const std::vector<std::string> stale = {"summary.csv.tmp-4242", "results.csv.tmp-1", "design.csv.tmp-99999",
                                          "indices.csv.tmp-7", "meta.json.tmp-123"};
  const std::vector<std::string> kept = {"summary.csv.tmp-", "summary.csv.tmp-12a", "notes.txt.tmp-5",
                                         "summary.csv.bak", "xsummary.csv.tmp-5"};
  for (const auto& name : stale)
    testing::spit(resumed.file(name), "partial");
  for (const auto& name : kept)
    testing::spit(resumed.file(name), "the user's");
  ASSERT_TRUE(run_sweep(s.job, s.evaluator(), {.out_dir = resumed.path(), .resume = true}).finished);
  std::set<std::string> expected = {"design.csv", "results.csv", "summary.csv", "meta.json"};
  expected.insert(kept.begin(), kept.end());
  EXPECT_EQ(testing::names_in(resumed.path()), expected);
  for (const char* f : {"design.csv", "results.csv", "summary.csv", "meta.json"})
    EXPECT_EQ(io::read_file(straight.file(f)), io::read_file(resumed.file(f))) << f;
}

}  // namespace
}  // namespace hedgesim

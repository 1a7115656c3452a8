#include "experiment/runner.hpp"

#include "experiment/parallel.hpp"

#include <algorithm>
#include <exception>

namespace hedgesim {
namespace {

class ModelWorker : public PointEvaluator::Worker {
 public:
  ModelWorker(const CompiledModel& m, const std::vector<int>& parameters,
              const std::vector<MetricDef>& metrics, std::uint64_t seed)
      : model_(m), parameters_(parameters), recorder_(model_, metrics), seed_(seed) {
    ws_.keep_draws = true;  // every point runs replicates 0 .. R-1 under the same seed: draw them once
  }
  void evaluate(const Eigen::Ref<const Eigen::VectorXd>& values, int replicates, double* out) override {
    set_parameter_values(model_, parameters_, values.data());
    run_metrics(model_, seed_, 0, replicates, recorder_, batch_, ws_, out);
  }

 private:
  CompiledModel model_;  ///< this thread's copy, whose parameters each point sets
  std::vector<int> parameters_;
  MetricRecorder recorder_;
  std::uint64_t seed_;
  Batch batch_;
  Workspace ws_;
};

class FunctionWorker : public PointEvaluator::Worker {
 public:
  FunctionWorker(int metrics, const FunctionEvaluator::Function& f) : metrics_(metrics), f_(f) {}
  void evaluate(const Eigen::Ref<const Eigen::VectorXd>& values, int replicates, double* out) override {
    f_(values, out);
    for (int r = 1; r < replicates; ++r)
      std::copy_n(out, metrics_, out + static_cast<std::ptrdiff_t>(r) * metrics_);
  }

 private:
  int metrics_;
  const FunctionEvaluator::Function& f_;
};

}  // namespace

ModelEvaluator::ModelEvaluator(const CompiledModel& m, std::vector<int> parameters,
                               std::vector<MetricDef> metrics, std::uint64_t seed)
    : m_(&m), parameters_(std::move(parameters)), metrics_(std::move(metrics)), seed_(seed) {}

std::unique_ptr<PointEvaluator::Worker> ModelEvaluator::make_worker() const {
  return std::make_unique<ModelWorker>(*m_, parameters_, metrics_, seed_);
}

std::unique_ptr<PointEvaluator::Worker> FunctionEvaluator::make_worker() const {
  return std::make_unique<FunctionWorker>(metrics_, f_);
}

int automatic_chunk_points(std::int64_t points, int replicates) {
  const std::int64_t by_runs = 1024 / std::max(1, replicates), by_balance = points / 16;
  return static_cast<int>(std::max<std::int64_t>(1, std::min(by_runs, by_balance)));
}

std::vector<double> evaluate_chunk(const WorkPlan& plan, PointEvaluator::Worker& worker, std::int64_t chunk) {
  const std::int64_t first = plan.first_point(chunk), end = plan.end_point(chunk);
  std::vector<double> out(static_cast<std::size_t>((end - first) * plan.per_point()));
  Eigen::VectorXd values(plan.values.cols());
  for (std::int64_t p = first; p < end; ++p) {
    values = plan.values.row(p).transpose();
    worker.evaluate(values, plan.replicates, out.data() + (p - first) * plan.per_point());
  }
  return out;
}

std::vector<double> evaluate_chunk_parallel(const WorkPlan& plan,
                                            std::vector<std::unique_ptr<PointEvaluator::Worker>>& workers,
                                            std::int64_t chunk) {
  if (workers.size() <= 1) return evaluate_chunk(plan, *workers.at(0), chunk);
  const std::int64_t first = plan.first_point(chunk), end = plan.end_point(chunk);
  std::vector<double> out(static_cast<std::size_t>((end - first) * plan.per_point()));
  // A worker per thread (its scratch and its copy of the model): slot t uses workers[t].
  parallel_for(end - first, static_cast<int>(workers.size()), [&](std::int64_t i, int slot) {
    const Eigen::VectorXd values = plan.values.row(first + i).transpose();
    workers[static_cast<std::size_t>(slot)]->evaluate(values, plan.replicates,
                                                      out.data() + i * plan.per_point());
  });
  return out;
}

std::int64_t ChunkQueue::next() {
  for (std::int64_t c = next_++; c < plan_.chunks(); c = next_++)
    if (!journal_.has(c)) return c;
  return -1;
}

LocalWorkers::LocalWorkers(const WorkPlan& plan, const PointEvaluator& evaluator, io::Journal& journal,
                           ChunkQueue& queue, const RunChunksOptions& options)
    : plan_(plan),
      evaluator_(evaluator),
      journal_(journal),
      queue_(queue),
      options_(options),
      threads_([this](int) { work(); }) {
  threads_.start(std::min<std::int64_t>(std::max(0, options.threads), plan.chunks()), 0);
}

bool LocalWorkers::stopping() const {
  return threads_.failed() || (options_.stop != nullptr && options_.stop->load());
}

void LocalWorkers::work() {
  auto worker = evaluator_.make_worker();
  for (std::int64_t c = stopping() ? -1 : queue_.next(); c >= 0; c = stopping() ? -1 : queue_.next()) {
    journal_.append(c, evaluate_chunk(plan_, *worker, c));
    if (options_.progress != nullptr)
      options_.progress->advance((plan_.end_point(c) - plan_.first_point(c)) * plan_.replicates);
  }
}

void LocalWorkers::join() {
  threads_.join();
}

bool run_chunks(const WorkPlan& plan, const PointEvaluator& evaluator, io::Journal& journal,
                const RunChunksOptions& options) {
  ChunkQueue queue(plan, journal);
  RunChunksOptions at_least_one = options;
  at_least_one.threads = std::max(1, options.threads);
  LocalWorkers(plan, evaluator, journal, queue, at_least_one).join();
  return journal.chunks_done() == plan.chunks();
}

PlanRun run_plan(const WorkPlan& plan, const PointEvaluator& evaluator, const std::string& path,
                 io::JournalHeader identity, const PlanRunOptions& options) {
  identity.emplace_back("points", std::to_string(plan.points()));
  identity.emplace_back("replicates", std::to_string(plan.replicates));
  identity.emplace_back("metrics", std::to_string(plan.metrics));
  identity.emplace_back("chunk_points", std::to_string(plan.chunk_points));
  const io::JournalLayout layout{
      plan.chunks(),
      [&plan](std::int64_t c) {
        return static_cast<std::uint64_t>((plan.end_point(c) - plan.first_point(c)) * plan.per_point());
      },
      true};
  PlanRun run{
      options.resume ? io::Journal::resume(path, identity, &layout) : io::Journal::create(path, identity),
      false};
  std::int64_t runs_done = 0;
  for (std::int64_t c = 0; c < plan.chunks(); ++c)
    if (run.journal.has(c)) runs_done += (plan.end_point(c) - plan.first_point(c)) * plan.replicates;
  io::ProgressBar bar(
      plan.points() * plan.replicates, stderr,
      {.unit = "runs", .label = options.label, .enabled = options.progress, .initial = runs_done});
  run.finished = options.execute(plan, evaluator, run.journal, {options.threads, options.stop, &bar});
  if (run.finished)
    bar.finish();
  else
    bar.interrupt();
  return run;
}

std::vector<double> plan_results(const WorkPlan& plan, const io::Journal& journal) {
  std::vector<double> all;
  all.reserve(static_cast<std::size_t>(plan.points() * plan.per_point()));
  for (std::int64_t c = 0; c < plan.chunks(); ++c) {
    const std::vector<double> v = journal.read(c);
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

}  // namespace hedgesim

#include "experiment/runner.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

namespace hedgesim {
namespace {

class ModelWorker : public PointEvaluator::Worker {
 public:
  ModelWorker(const CompiledModel& m, const std::vector<int>& parameters,
              const std::vector<MetricDef>& metrics, std::uint64_t seed)
      : model_(m), parameters_(parameters), recorder_(model_, metrics), seed_(seed) {}
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

bool run_chunks(const WorkPlan& plan, const PointEvaluator& evaluator, io::Journal& journal,
                const RunChunksOptions& options) {
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto stopping = [&] { return failed.load() || (options.stop != nullptr && options.stop->load()); };
  auto work = [&] {
    try {
      auto worker = evaluator.make_worker();
      for (std::int64_t c = next++; c < plan.chunks() && !stopping(); c = next++) {
        if (journal.has(c)) continue;
        journal.append(c, evaluate_chunk(plan, *worker, c));
        if (options.progress != nullptr)
          options.progress->advance((plan.end_point(c) - plan.first_point(c)) * plan.replicates);
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  const int threads = static_cast<int>(
      std::clamp<std::int64_t>(options.threads, 1, std::max<std::int64_t>(1, plan.chunks())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back(work);
  work();
  for (auto& t : pool)
    t.join();
  if (error) std::rethrow_exception(error);
  return journal.chunks_done() == plan.chunks();
}

}  // namespace hedgesim

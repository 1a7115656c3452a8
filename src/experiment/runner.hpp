// The experiment runner: the work of a sweep is a list of design points, each run for R replicates, cut into
// chunks of consecutive points. This module owns that plan, the pure function from a chunk to its results
// (evaluate_chunk: same chunk, same numbers, whichever thread, process or MPI rank computes it), and the
// threads that compute the chunks a journal does not yet hold and append each one as it finishes, stopping
// cleanly between chunks when asked (the MPI coordinator, mpi_runner, hands out the same chunks to ranks).
// What a point means is the PointEvaluator's business: the model (ModelEvaluator) or, in tests, an analytic
// function through exactly the same path.
#pragma once

#include <Eigen/Dense>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "experiment/metrics.hpp"
#include "experiment/parallel.hpp"
#include "io/journal.hpp"
#include "io/progress.hpp"

namespace hedgesim {

/// Maps a design point's parameter values to the metrics of its replicates.
class PointEvaluator {
 public:
  /// Per-thread state (scratch arrays, a private copy of the model).
  class Worker {
   public:
    virtual ~Worker() = default;
    /// out[r * metrics + j] = metric j of replicate r, for r < replicates. Must be a pure function of
    /// (values, replicates): no dependence on earlier calls.
    virtual void evaluate(const Eigen::Ref<const Eigen::VectorXd>& values, int replicates, double* out) = 0;
  };
  virtual ~PointEvaluator() = default;
  virtual int metric_count() const = 0;
  virtual std::unique_ptr<Worker> make_worker() const = 0;
};

/// The model at a design point: the point's parameter values are set on a copy of the compiled scenario
/// (set_parameter_values) and replicate r runs with random stream (seed, r) at every point, so that points
/// differ only by their parameters (common random numbers across the design).
class ModelEvaluator : public PointEvaluator {
 public:
  ModelEvaluator(const CompiledModel& m, std::vector<int> parameters, std::vector<MetricDef> metrics,
                 std::uint64_t seed);
  int metric_count() const override { return static_cast<int>(metrics_.size()); }
  std::unique_ptr<Worker> make_worker() const override;

 private:
  const CompiledModel* m_;
  std::vector<int> parameters_;
  std::vector<MetricDef> metrics_;
  std::uint64_t seed_;
};

/// An analytic function of the parameter values (the same value for every replicate): for validating the
/// designs and estimators through the runner.
class FunctionEvaluator : public PointEvaluator {
 public:
  using Function = std::function<void(const Eigen::Ref<const Eigen::VectorXd>& values, double* metrics)>;
  FunctionEvaluator(int metrics, Function f) : metrics_(metrics), f_(std::move(f)) {}
  int metric_count() const override { return metrics_; }
  std::unique_ptr<Worker> make_worker() const override;

 private:
  int metrics_;
  Function f_;
};

/// Points x replicates, cut into chunks of `chunk_points` consecutive points.
struct WorkPlan {
  Eigen::MatrixXd values;  ///< one row per design point: the parameters' values
  int replicates = 1;
  int metrics = 0;
  int chunk_points = 1;

  std::int64_t points() const { return values.rows(); }
  std::int64_t chunks() const { return (points() + chunk_points - 1) / chunk_points; }
  std::int64_t first_point(std::int64_t chunk) const { return chunk * chunk_points; }
  std::int64_t end_point(std::int64_t chunk) const {
    return std::min<std::int64_t>(points(), (chunk + 1) * chunk_points);
  }
  /// Values per point in a chunk's results.
  std::int64_t per_point() const { return static_cast<std::int64_t>(replicates) * metrics; }
};

/// The chunk size used when an experiment says 0 (automatic): about 1024 runs' worth of points, so that the
/// fsync after each chunk (about half a millisecond here) costs under 1 % of the chunk's work, but no more
/// than a sixteenth of the points, so that threads (and ranks) share the work evenly; at least 1. It depends
/// only on the experiment, never on the thread count, so that any --threads can resume a journal.
int automatic_chunk_points(std::int64_t points, int replicates);

/// The results of one chunk: for each point p of the chunk, replicate r and metric j, at
/// ((p - first_point) * replicates + r) * metrics + j. A pure function of (plan, chunk).
std::vector<double> evaluate_chunk(const WorkPlan& plan, PointEvaluator::Worker& worker, std::int64_t chunk);

/// Chunks one thread may evaluate with another's help: a chunk's points shared among `workers` threads (each
/// point's results land in the same place whichever thread computes it, so the bytes do not change). For
/// processes that receive one chunk at a time, such as MPI ranks other than the coordinator.
std::vector<double> evaluate_chunk_parallel(const WorkPlan& plan,
                                            std::vector<std::unique_ptr<PointEvaluator::Worker>>& workers,
                                            std::int64_t chunk);

/// Hands out, in order, the chunks a journal does not hold, to any number of threads. Thread-safe.
class ChunkQueue {
 public:
  ChunkQueue(const WorkPlan& plan, const io::Journal& journal) : plan_(plan), journal_(journal) {}
  /// The next chunk to compute, or -1 when none is left.
  std::int64_t next();

 private:
  const WorkPlan& plan_;
  const io::Journal& journal_;
  std::atomic<std::int64_t> next_{0};
};

struct RunChunksOptions {
  int threads = 1;
  const std::atomic<bool>* stop = nullptr;  ///< set (e.g. by SIGINT) to stop after the chunks in flight
  io::ProgressBar* progress = nullptr;      ///< advanced by one per run finished
};

/// `options.threads` threads (none if 0: an MPI coordinator that only coordinates) that take chunks from a
/// queue, compute them and append them to the journal, until the queue is empty, `stopping()` is true or one
/// of them fails. The caller's thread is free (an MPI coordinator polls on it); join() waits for them and
/// rethrows the first exception a thread threw.
class LocalWorkers {
 public:
  LocalWorkers(const WorkPlan& plan, const PointEvaluator& evaluator, io::Journal& journal, ChunkQueue& queue,
               const RunChunksOptions& options);
  LocalWorkers(const LocalWorkers&) = delete;
  LocalWorkers& operator=(const LocalWorkers&) = delete;
  /// True once a thread failed or the options' stop flag is set: the time to stop handing out work.
  bool stopping() const;
  void join();

 private:
  void work();
  const WorkPlan& plan_;
  const PointEvaluator& evaluator_;
  io::Journal& journal_;
  ChunkQueue& queue_;
  RunChunksOptions options_;
  WorkerThreads
      threads_;  ///< last: its destructor stops and joins the threads before the members they use go
};

/// Computes every chunk the journal lacks on `options.threads` threads, appending each as it finishes.
/// Returns true when all chunks are in the journal, false when stopped early. Exceptions in a worker stop
/// the others and are rethrown.
bool run_chunks(const WorkPlan& plan, const PointEvaluator& evaluator, io::Journal& journal,
                const RunChunksOptions& options);

/// Computes the chunks a journal lacks; returns true when all are in (run_chunks, or under MPI the
/// coordinator that hands chunks out to ranks).
using ChunkExecutor =
    std::function<bool(const WorkPlan&, const PointEvaluator&, io::Journal&, const RunChunksOptions&)>;

/// How run_plan computes a plan: who computes the chunks, on how many threads, whether an existing journal is
/// resumed, and what the progress bar says.
struct PlanRunOptions {
  ChunkExecutor execute = run_chunks;
  int threads = 1;
  bool resume = false;
  bool progress = false;                    ///< draw a progress bar on stderr
  const std::atomic<bool>* stop = nullptr;  ///< e.g. set by SIGINT
  std::string label{};                      ///< the progress bar's label
};

/// Creates (or, with resume, reopens) the journal at `path` for `plan` — its header is `identity` plus the
/// plan's points, replicates, metrics and chunk size, and a resumed journal must match it and hold only
/// records the plan allows — then computes the chunks it lacks with a progress bar counting runs. Returns the
/// journal and whether every chunk is in. What sweeps and calibration generations share.
struct PlanRun {
  io::Journal journal;
  bool finished = false;
};
PlanRun run_plan(const WorkPlan& plan, const PointEvaluator& evaluator, const std::string& path,
                 io::JournalHeader identity, const PlanRunOptions& options);

/// Every value of a finished journal, chunk after chunk: for point p, replicate r and metric j at
/// (p * replicates + r) * metrics + j.
std::vector<double> plan_results(const WorkPlan& plan, const io::Journal& journal);

}  // namespace hedgesim

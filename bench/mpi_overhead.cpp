// What MPI costs a sweep, per chunk and per run (Google Benchmark on rank 0; run it on two ranks:
// `mpirun -np 2 build/release/bench/mpi_overhead`). Rank 1 serves; every benchmark is announced to it by a
// broadcast command so that both ranks take part in the same measurement.
//
//   BM_RoundTrip/values        one chunk's messages: a result of `values` doubles to rank 0 and the next
//                              assignment (one int64) back, i.e. the latency a serving rank pays per chunk
//   BM_CoordinatedChunks/pts   the real coordinator and server (coordinate_chunks, serve_chunks) on chunks
//                              of `pts` points x 20 replicates x 5 metrics whose evaluation costs nothing,
//                              all served by rank 1 (rank 0 computes none) and recorded in a journal on disk:
//                              the whole overhead of a chunk (messages, checks, group-committed fsync), with
//                              counters per chunk and per run
//   BM_JournalAppend/batch     the coordinator's journal alone: records of one 64-point chunk, fsync'd one by
//                              one (batch 1) or `batch` at a time (group commit); the rate of chunks that one
//                              coordinator can record
//
// The figures, and what they mean for 64-1024 ranks, are in docs/performance.md and docs/cluster.md.
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "experiment/mpi_runner.hpp"
#include "io/journal.hpp"

namespace {

using namespace hedgesim;

constexpr int kReplicates = 20, kMetrics = 5;
enum Command : std::int64_t { kStop = 0, kRoundTrip = 1, kChunks = 2 };

/// Rank 0 tells rank 1 what to do next: {command, argument, repetitions}.
void announce(Command c, std::int64_t argument, std::int64_t repetitions) {
  std::array<std::int64_t, 3> msg = {c, argument, repetitions};
  MPI_Bcast(msg.data(), 3, MPI_INT64_T, 0, MPI_COMM_WORLD);
}

/// A plan of `chunks` chunks of `points` points over one parameter, with a no-cost evaluator.
WorkPlan empty_plan(std::int64_t points, std::int64_t chunks) {
  WorkPlan plan;
  plan.values = Eigen::MatrixXd::Zero(points * chunks, 1);
  plan.replicates = kReplicates;
  plan.metrics = kMetrics;
  plan.chunk_points = static_cast<int>(points);
  return plan;
}

const FunctionEvaluator& no_cost_evaluator() {
  static const FunctionEvaluator f(kMetrics, [](const Eigen::Ref<const Eigen::VectorXd>&, double* out) {
    for (int j = 0; j < kMetrics; ++j)
      out[j] = j;
  });
  return f;
}

std::string journal_path() {
  return (std::filesystem::current_path() / "mpi_overhead.hsj").string();
}

void BM_RoundTrip(benchmark::State& state) {
  const auto values = state.range(0);
  std::vector<double> result(static_cast<std::size_t>(values), 1.0);
  std::int64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    announce(kRoundTrip, values, 1);
    state.ResumeTiming();
    MPI_Recv(result.data(), static_cast<int>(values), MPI_DOUBLE, 1, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(&next, 1, MPI_INT64_T, 1, 2, MPI_COMM_WORLD);
  }
  state.counters["bytes"] = static_cast<double>(values * 8);
}
BENCHMARK(BM_RoundTrip)
    ->Arg(1 * kReplicates * kMetrics)
    ->Arg(64 * kReplicates * kMetrics)
    ->Arg(65536)
    ->UseRealTime();

void BM_CoordinatedChunks(benchmark::State& state) {
  const std::int64_t points = state.range(0), chunks = 256;
  const WorkPlan plan = empty_plan(points, chunks);
  RunChunksOptions only_coordinate;
  only_coordinate.threads = 0;
  for (auto _ : state) {
    state.PauseTiming();
    io::Journal journal = io::Journal::create(journal_path(), {{"bench", "mpi_overhead"}});
    announce(kChunks, points, chunks);
    state.ResumeTiming();
    if (!mpi::coordinate_chunks(plan, no_cost_evaluator(), journal, only_coordinate))
      state.SkipWithError("not every chunk came back");
    state.PauseTiming();
    journal.remove();
    state.ResumeTiming();
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["chunk"] =
      benchmark::Counter(n * chunks, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["run"] = benchmark::Counter(n * chunks * points * kReplicates,
                                             benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CoordinatedChunks)->Arg(1)->Arg(64)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_JournalAppend(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const std::vector<double> chunk(64 * kReplicates * kMetrics, 0.5);
  io::Journal journal = io::Journal::create(journal_path(), {{"bench", "journal"}});
  std::int64_t next = 0;
  for (auto _ : state) {
    std::vector<std::pair<std::int64_t, std::vector<double>>> records;
    for (std::size_t i = 0; i < batch; ++i)
      records.emplace_back(next++, chunk);
    journal.append_batch(records);
  }
  journal.remove();
  state.counters["chunks_per_s"] = benchmark::Counter(static_cast<double>(next), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_JournalAppend)->Arg(1)->Arg(16)->Arg(256)->UseRealTime();

/// Rank 1: does what rank 0 announces until told to stop.
void serve_announcements() {
  for (;;) {
    std::array<std::int64_t, 3> msg{};
    MPI_Bcast(msg.data(), 3, MPI_INT64_T, 0, MPI_COMM_WORLD);
    if (msg[0] == kStop) return;
    if (msg[0] == kRoundTrip) {
      std::vector<double> result(static_cast<std::size_t>(msg[1]), 1.0);
      std::int64_t next = 0;
      MPI_Send(result.data(), static_cast<int>(msg[1]), MPI_DOUBLE, 0, 3, MPI_COMM_WORLD);
      MPI_Recv(&next, 1, MPI_INT64_T, 0, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
      mpi::serve_chunks(empty_plan(msg[1], msg[2]), no_cost_evaluator(), 1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  mpi::Session session(argc, argv);
  if (session.size() != 2) {
    if (session.rank() == 0) std::fprintf(stderr, "run on two ranks: mpirun -np 2 %s\n", argv[0]);
    return 2;
  }
  if (session.rank() == 1) {
    serve_announcements();
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  announce(kStop, 0, 0);
  return 0;
}

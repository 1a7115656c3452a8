// The MPI coordinator and servers, run by ctest on three ranks (mpirun -np 3): the journal rank 0 builds from
// the other ranks' results holds exactly the chunks one process computes; a stop request releases every rank;
// a refused job releases the servers before they get work; and the ranks agree on their inputs, reporting
// the lowest failing rank's error or the first rank whose inputs differ from rank 0's. Every test runs on
// every rank (the collectives need them all); only rank 0 prints.
#include "experiment/mpi_runner.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include <atomic>
#include <memory>

#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

/// 40 points of two parameters in chunks of 3; metric j of a point is (j + 1) * (x + 10 y), so that every
/// point, metric and chunk differs.
WorkPlan test_plan() {
  WorkPlan plan;
  plan.values = Eigen::MatrixXd(40, 2);
  for (int p = 0; p < 40; ++p)
    plan.values.row(p) << p * 0.5, p % 7;
  plan.replicates = 2;
  plan.metrics = 3;
  plan.chunk_points = 3;
  return plan;
}

const FunctionEvaluator evaluator(3, [](const Eigen::Ref<const Eigen::VectorXd>& v, double* out) {
  for (int j = 0; j < 3; ++j)
    out[j] = (j + 1) * (v[0] + 10 * v[1]);
});

/// Runs `coordinate` on rank 0 (with a journal in a fresh directory) and serve_chunks on the others; returns
/// the total of chunks the servers computed, on every rank.
template <typename Coordinate>
std::int64_t coordinate_and_serve(const WorkPlan& plan, Coordinate coordinate) {
  std::int64_t served = 0, total = 0;
  if (rank() == 0) {
    testing::TempDir dir;
    io::Journal journal = io::Journal::create(dir.file("j.hsj"), {{"test", "mpi"}});
    coordinate(journal);
  } else {
    served = mpi::serve_chunks(plan, evaluator, 2);
  }
  MPI_Allreduce(&served, &total, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  return total;
}

TEST(MpiRunner, TheJournalHoldsTheChunksOneProcessComputes) {
  const WorkPlan plan = test_plan();
  const std::int64_t served = coordinate_and_serve(plan, [&](io::Journal& journal) {
    RunChunksOptions only_coordinate;
    only_coordinate.threads = 0;  // so that the servers do all the work
    EXPECT_TRUE(mpi::coordinate_chunks(plan, evaluator, journal, only_coordinate));
    auto one = evaluator.make_worker();
    for (std::int64_t c = 0; c < plan.chunks(); ++c)
      EXPECT_EQ(journal.read(c), evaluate_chunk(plan, *one, c)) << c;
  });
  EXPECT_EQ(served, plan.chunks());
}

TEST(MpiRunner, RankZeroComputesWithItsThreadsToo) {
  const WorkPlan plan = test_plan();
  coordinate_and_serve(plan, [&](io::Journal& journal) {
    RunChunksOptions two_threads;
    two_threads.threads = 2;
    EXPECT_TRUE(mpi::coordinate_chunks(plan, evaluator, journal, two_threads));
    EXPECT_EQ(journal.chunks_done(), plan.chunks());
  });
}

TEST(MpiRunner, AStopRequestReleasesEveryRank) {
  const WorkPlan plan = test_plan();
  const std::atomic<bool> stop{true};
  const std::int64_t served = coordinate_and_serve(plan, [&](io::Journal& journal) {
    RunChunksOptions stopping;
    stopping.stop = &stop;
    EXPECT_FALSE(mpi::coordinate_chunks(plan, evaluator, journal, stopping));
    EXPECT_EQ(journal.chunks_done(), 0);
  });
  EXPECT_EQ(served, 0);
}

TEST(MpiRunner, ARefusedJobReleasesTheServersBeforeTheyGetWork) {
  const std::int64_t served = coordinate_and_serve(test_plan(), [](io::Journal&) { mpi::release_servers(); });
  EXPECT_EQ(served, 0);
}

TEST(MpiRunner, RanksThatReadTheSameInputsAgree) {
  EXPECT_EQ(mpi::agree_on_inputs(std::nullopt, "version = 1\nexperiment_sha256 = ab\n"), std::nullopt);
}

TEST(MpiRunner, TheLowestFailingRanksErrorIsReportedWithItsRank) {
  const std::optional<std::string> error =
      rank() >= 1 ? std::optional<std::string>("e.toml:1:2: rank " + std::to_string(rank()) + "'s error")
                  : std::nullopt;
  EXPECT_EQ(mpi::agree_on_inputs(error, "same"), "rank 1 of 3: e.toml:1:2: rank 1's error");
  // Rank 0's own error needs no rank: it is what a single process would print.
  EXPECT_EQ(mpi::agree_on_inputs(std::string("e.toml:3:4: bad"), "same"), "e.toml:3:4: bad");
}

TEST(MpiRunner, ARankThatReadDifferentInputsIsNamedWithTheDifference) {
  const std::string identity =
      "version = 1\nexperiment_sha256 = " + std::string(rank() == 2 ? "cd" : "ab") + "\n";
  EXPECT_EQ(
      mpi::agree_on_inputs(std::nullopt, identity),
      "rank 2 of 3 read different inputs from rank 0; rank 0 has experiment_sha256 = ab but it has "
      "experiment_sha256 = cd. Every rank must read the same experiment, scenario and model with the same "
      "hedgesim: run from a directory that all nodes share");
}

}  // namespace
}  // namespace hedgesim

/// Every rank runs every test (in the same order, as the collectives need); the job fails if any rank fails.
int main(int argc, char** argv) {
  hedgesim::mpi::Session session(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (session.size() != 3) {
    if (session.rank() == 0) std::fprintf(stderr, "run on three ranks: mpirun -np 3 %s\n", argv[0]);
    return 1;
  }
  if (session.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int failed = RUN_ALL_TESTS() != 0 ? 1 : 0, any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return any;
}

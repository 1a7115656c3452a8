// Tests of parallel_for and WorkerThreads (experiment/parallel.hpp): every task exactly once whatever the
// thread count, slots within the thread count and never shared by two tasks at once, and an exception that
// reaches the caller and stops the others; a group whose join is skipped still stops and joins its threads.
#include "experiment/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace hedgesim {
namespace {

TEST(ParallelFor, EveryTaskRunsOnceWhateverTheThreadCount) {
  for (int threads : {0, 1, 2, 3, 8})
    for (std::int64_t tasks : {0, 1, 5, 100}) {
      std::vector<std::atomic<int>> runs(static_cast<std::size_t>(tasks));
      parallel_for(tasks, threads, [&](std::int64_t i, int) { ++runs[static_cast<std::size_t>(i)]; });
      for (std::int64_t i = 0; i < tasks; ++i)
        EXPECT_EQ(runs[static_cast<std::size_t>(i)], 1)
            << tasks << " tasks, " << threads << " threads, task " << i;
    }
}

TEST(ParallelFor, ASlotIsOneThreadsAtATime) {
  // Per-slot scratch is safe only if no two tasks hold a slot at once: each task marks its slot busy for a
  // moment and checks nobody else had it.
  constexpr int kThreads = 3;
  std::vector<std::atomic<int>> busy(kThreads);
  std::atomic<int> clashes{0}, out_of_range{0};
  parallel_for(60, kThreads, [&](std::int64_t, int slot) {
    if (slot < 0 || slot >= kThreads) {
      ++out_of_range;
      return;
    }
    if (busy[static_cast<std::size_t>(slot)]++ != 0) ++clashes;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    --busy[static_cast<std::size_t>(slot)];
  });
  EXPECT_EQ(out_of_range, 0);
  EXPECT_EQ(clashes, 0);
}

TEST(ParallelFor, AThrowingTaskStopsTheRestAndReachesTheCaller) {
  // Without propagation a worker thread's exception would terminate the process (as the pools of ensemble
  // and compare did before they used parallel_for).
  std::atomic<int> started{0};
  EXPECT_THROW(parallel_for(1000, 2,
                            [&](std::int64_t i, int) {
                              ++started;
                              if (i == 3) throw std::runtime_error("task 3 failed");
                              std::this_thread::sleep_for(std::chrono::microseconds(100));
                            }),
               std::runtime_error);
  EXPECT_LT(started, 1000);
}

TEST(WorkerThreads, AFailingBodyTellsTheOthersAndJoinRethrowsIt) {
  std::atomic<int> stopped{0};
  WorkerThreads group([&](int slot) {
    if (slot == 2) throw std::runtime_error("slot 2 failed");
    while (!group.failed())  // the others work until told: without the flag this loop never ends
      std::this_thread::yield();
    ++stopped;
  });
  group.start(2, 1);  // slots 1 and 2
  group.run_here(0);  // returns once slot 2 has failed
  EXPECT_THROW(group.join(), std::runtime_error);
  EXPECT_EQ(stopped.load(), 2);
}

TEST(WorkerThreads, ADestroyedGroupStopsItsThreadsEvenWithoutJoin) {
  std::atomic<bool> returned{false};
  {
    WorkerThreads group([&](int) {
      while (!group.failed())
        std::this_thread::yield();
      returned = true;
    });
    group.start(1, 0);
  }  // no join: the destructor marks the group failed and waits
  EXPECT_TRUE(returned.load());
}

}  // namespace
}  // namespace hedgesim

// Threads for the experiment layer: the one place where threads are started. WorkerThreads is a group of
// threads that each run one body until it returns and hand the first exception back to whoever joins them;
// parallel_for spreads independent tasks (batches of replicates, design points of a chunk) over such a group
// and the calling thread, and the sweep runner's long-lived workers (runner.hpp, LocalWorkers) are one too,
// taking journal chunks while the calling thread coordinates MPI. Which task a thread takes never changes a
// result (each task writes only its own outputs, and every task is a pure function of its index), so the
// thread count is a speed choice only.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hedgesim {

/// A group of threads running body(slot), one slot each. A body's exception is caught where it is thrown:
/// the first one is kept and failed() turns true, so that the other bodies (which may poll failed()) stop
/// after the work they hold; join() rethrows it once every thread has returned.
class WorkerThreads {
 public:
  explicit WorkerThreads(std::function<void(int slot)> body);
  /// If join() was skipped (an exception in the caller), marks the group failed and waits for its threads.
  ~WorkerThreads();
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  /// Starts `count` threads with slots first_slot .. first_slot + count - 1.
  void start(std::int64_t count, int first_slot);
  /// Runs body(slot) on the calling thread, its exception kept as a thread's would be.
  void run_here(int slot);
  bool failed() const { return failed_.load(); }
  /// Waits for every thread; rethrows the first exception a body threw.
  void join();

 private:
  void run(int slot);
  std::function<void(int)> body_;
  std::atomic<bool> failed_{false};
  std::exception_ptr error_;
  std::mutex error_mutex_;
  std::vector<std::thread> threads_;
};

/// Runs task(i, slot) for i = 0 .. tasks - 1 on up to `threads` threads (the calling thread is one of them),
/// each task once, handed out one at a time so that uneven tasks balance; `slot` (0 .. threads - 1, 0 for
/// the calling thread) names the thread, for scratch state kept per thread. The first exception a task throws
/// stops the handing out and is rethrown here once every thread has finished the task it holds; without
/// one, all tasks are done on return.
void parallel_for(std::int64_t tasks, int threads, const std::function<void(std::int64_t i, int slot)>& task);

}  // namespace hedgesim

// Threads for the experiment layer: the one way independent tasks (batches of replicates, design points of a
// chunk) are spread over threads. Which task a thread takes never changes a result (each task writes only its
// own outputs, and every task is a pure function of its index), so the thread count is a speed choice only.
// The sweep runner's long-lived workers (runner.hpp, LocalWorkers) hand out journal chunks instead.
#pragma once

#include <cstdint>
#include <functional>

namespace hedgesim {

/// Runs task(i, slot) for i = 0 .. tasks - 1 on up to `threads` threads (the calling thread is one of them),
/// each task once, handed out one at a time so that uneven tasks balance; `slot` (0 .. threads - 1, 0 for
/// the calling thread) names the thread, for scratch state kept per thread. The first exception a task throws
/// stops the handing out and is rethrown here once every thread has finished the task it holds; without
/// one, all tasks are done on return.
void parallel_for(std::int64_t tasks, int threads, const std::function<void(std::int64_t i, int slot)>& task);

}  // namespace hedgesim

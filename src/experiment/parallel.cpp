#include "experiment/parallel.hpp"

#include <algorithm>
#include <utility>

namespace hedgesim {

WorkerThreads::WorkerThreads(std::function<void(int slot)> body) : body_(std::move(body)) {}

WorkerThreads::~WorkerThreads() {
  if (threads_.empty()) return;
  failed_ = true;  // join() was skipped: the bodies stop after the work in flight
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void WorkerThreads::start(std::int64_t count, int first_slot) {
  for (std::int64_t t = 0; t < count; ++t)
    threads_.emplace_back([this, slot = first_slot + static_cast<int>(t)] { run(slot); });
}

void WorkerThreads::run_here(int slot) {
  run(slot);
}

void WorkerThreads::run(int slot) {
  try {
    body_(slot);
  } catch (...) {
    std::lock_guard lock(error_mutex_);
    if (!error_) error_ = std::current_exception();
    failed_ = true;
  }
}

void WorkerThreads::join() {
  for (auto& t : threads_)
    t.join();
  threads_.clear();
  if (error_) std::rethrow_exception(error_);
}

void parallel_for(std::int64_t tasks, int threads,
                  const std::function<void(std::int64_t i, int slot)>& task) {
  std::atomic<std::int64_t> next{0};
  WorkerThreads group([&](int slot) {
    for (std::int64_t i = next++; i < tasks && !group.failed(); i = next++)
      task(i, slot);
  });
  group.start(std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(1, tasks)) - 1, 1);
  group.run_here(0);
  group.join();
}

}  // namespace hedgesim

#include "experiment/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace hedgesim {

void parallel_for(std::int64_t tasks, int threads,
                  const std::function<void(std::int64_t i, int slot)>& task) {
  std::atomic<std::int64_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](int slot) {
    try {
      for (std::int64_t i = next++; i < tasks; i = next++)
        task(i, slot);
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = tasks;  // the others stop after the task they hold
    }
  };
  const auto helpers = std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(1, tasks)) - 1;
  std::vector<std::thread> pool;
  for (std::int64_t t = 1; t <= helpers; ++t)
    pool.emplace_back(work, static_cast<int>(t));
  work(0);
  for (auto& t : pool)
    t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace hedgesim

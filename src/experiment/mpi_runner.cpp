#include "experiment/mpi_runner.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

#ifdef HEDGESIM_WITH_MPI
#include <mpi.h>

#include <chrono>
#include <climits>
#include <sstream>
#include <stdexcept>
#include <thread>
#endif

namespace hedgesim::mpi {

bool launched_by_mpi() {
#ifdef HEDGESIM_WITH_MPI
  // OpenMPI's mpirun sets OMPI_COMM_WORLD_SIZE; srun and other PMIx launchers PMIX_RANK; MPICH's PMI_RANK.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
#endif
  return false;
}

bool built_with_mpi() {
#ifdef HEDGESIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

int launcher_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* v = std::getenv(name)) return std::max(1, std::atoi(v));
  return 1;
}

#ifdef HEDGESIM_WITH_MPI
namespace {

enum Tag : int { kRequest = 1, kAssign = 2, kResult = 3 };

/// How long the coordinator sleeps when no message is waiting: short next to a chunk (tens of ms and more),
/// long enough that polling costs the coordinator's core almost nothing.
constexpr auto kPollInterval = std::chrono::microseconds(200);
/// At most this many results wait for one fsync, so that a steady stream of results is still recorded often.
constexpr std::size_t kMaxBatch = 256;

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI call failed: ") + what);
}

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int world_size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

/// Collective: `text` as held by rank `root`, on every rank.
std::string broadcast_string(std::string text, int root) {
  unsigned long long n = text.size();
  check(MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, root, MPI_COMM_WORLD), "MPI_Bcast");
  text.resize(n);
  check(MPI_Bcast(text.data(), static_cast<int>(n), MPI_CHAR, root, MPI_COMM_WORLD), "MPI_Bcast");
  return text;
}

/// Collective: the lowest rank for which `mine` is true, or INT_MAX if none.
int lowest_rank_where(bool mine) {
  int candidate = mine ? world_rank() : INT_MAX, lowest = INT_MAX;
  check(MPI_Allreduce(&candidate, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return lowest;
}

/// The identity lines of `theirs` that differ from `ours`, for the message.
std::string differing_lines(const std::string& ours, const std::string& theirs) {
  std::istringstream a(ours), b(theirs);
  std::string la, lb, out;
  while (std::getline(a, la) && std::getline(b, lb))
    if (la != lb) out += "; rank 0 has " + la + " but it has " + lb;
  return out;
}

std::string rank_of(int rank) {
  return "rank " + std::to_string(rank) + " of " + std::to_string(world_size());
}

/// A chunk's values as a message: the chunk's number first, so that the coordinator knows what it holds.
std::vector<double> result_message(std::int64_t chunk, const std::vector<double>& values) {
  std::vector<double> msg;
  msg.reserve(values.size() + 1);
  msg.push_back(static_cast<double>(chunk));
  msg.insert(msg.end(), values.begin(), values.end());
  if (msg.size() > static_cast<std::size_t>(INT_MAX))
    throw std::runtime_error("a chunk's results exceed one MPI message; set a smaller chunk_points");
  return msg;
}

/// Receives the waiting message described by `st` (a request or a result). A result is checked against the
/// plan, since a chunk of the wrong size would corrupt the journal's meaning.
std::optional<std::pair<std::int64_t, std::vector<double>>> receive(const WorkPlan& plan,
                                                                    const MPI_Status& st) {
  if (st.MPI_TAG == kRequest) {
    check(MPI_Recv(nullptr, 0, MPI_BYTE, st.MPI_SOURCE, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
    return std::nullopt;
  }
  int n = 0;
  check(MPI_Get_count(&st, MPI_DOUBLE, &n), "MPI_Get_count");
  std::vector<double> msg(static_cast<std::size_t>(n));
  check(MPI_Recv(msg.data(), n, MPI_DOUBLE, st.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  const auto chunk = static_cast<std::int64_t>(msg.at(0));
  if (chunk < 0 || chunk >= plan.chunks() ||
      n - 1 != (plan.end_point(chunk) - plan.first_point(chunk)) * plan.per_point())
    throw std::runtime_error(rank_of(st.MPI_SOURCE) + " sent a result that does not fit the plan");
  return std::make_pair(chunk, std::vector<double>(msg.begin() + 1, msg.end()));
}

}  // namespace

Session::Session(int& argc, char**& argv) {
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_FUNNELED)
    throw std::runtime_error("this MPI library cannot be used from a threaded program (MPI_THREAD_FUNNELED)");
  rank_ = world_rank();
  size_ = world_size();
}

Session::~Session() {
  MPI_Finalize();
}

std::optional<std::string> agree_on_inputs(const std::optional<std::string>& my_error,
                                           const std::string& my_identity) {
  if (const int failed = lowest_rank_where(my_error.has_value()); failed != INT_MAX) {
    const std::string message = broadcast_string(my_error.value_or(""), failed);
    return failed == 0 ? message : rank_of(failed) + ": " + message;
  }
  const std::string reference = broadcast_string(my_identity, 0);
  if (const int differs = lowest_rank_where(my_identity != reference); differs != INT_MAX) {
    const std::string theirs = broadcast_string(my_identity, differs);
    return rank_of(differs) + " read different inputs from rank 0" + differing_lines(reference, theirs) +
           ". Every rank must read the same experiment, scenario and model with the same hedgesim: run from "
           "a "
           "directory that all nodes share";
  }
  return std::nullopt;
}

bool coordinate_chunks(const WorkPlan& plan, const PointEvaluator& evaluator, io::Journal& journal,
                       const RunChunksOptions& options) {
  ChunkQueue queue(plan, journal);
  LocalWorkers local(plan, evaluator, journal, queue, options);
  int serving = world_size() - 1;  // ranks not yet told to stop
  std::vector<std::pair<std::int64_t, std::vector<double>>> arrived;
  while (serving > 0) {
    int waiting = 0;
    MPI_Status st;
    if (arrived.size() < kMaxBatch)
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &st), "MPI_Iprobe");
    if (waiting != 0) {
      if (auto result = receive(plan, st)) {
        if (options.progress != nullptr)
          options.progress->advance((plan.end_point(result->first) - plan.first_point(result->first)) *
                                    plan.replicates);
        arrived.push_back(std::move(*result));
      }
      const std::int64_t next = local.stopping() ? -1 : queue.next();
      check(MPI_Send(&next, 1, MPI_INT64_T, st.MPI_SOURCE, kAssign, MPI_COMM_WORLD), "MPI_Send");
      if (next < 0) --serving;
      continue;  // drain every waiting message before paying for an fsync
    }
    if (!arrived.empty()) {
      journal.append_batch(arrived);  // group commit: one fsync for all the results that arrived meanwhile
      arrived.clear();
    } else {
      std::this_thread::sleep_for(kPollInterval);
    }
  }
  journal.append_batch(arrived);
  local.join();
  return journal.chunks_done() == plan.chunks();
}

std::int64_t serve_chunks(const WorkPlan& plan, const PointEvaluator& evaluator, int threads) {
  std::vector<std::unique_ptr<PointEvaluator::Worker>> workers;
  for (int t = 0; t < std::max(1, threads); ++t)
    workers.push_back(evaluator.make_worker());
  check(MPI_Send(nullptr, 0, MPI_BYTE, 0, kRequest, MPI_COMM_WORLD), "MPI_Send");
  std::int64_t served = 0;
  for (;;) {
    std::int64_t chunk = -1;
    check(MPI_Recv(&chunk, 1, MPI_INT64_T, 0, kAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
    if (chunk < 0) return served;
    const std::vector<double> msg = result_message(chunk, evaluate_chunk_parallel(plan, workers, chunk));
    check(MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD),
          "MPI_Send");
    ++served;
  }
}

void release_servers() {
  const std::int64_t stop = -1;
  for (int r = 1; r < world_size(); ++r) {
    check(MPI_Recv(nullptr, 0, MPI_BYTE, r, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
    check(MPI_Send(&stop, 1, MPI_INT64_T, r, kAssign, MPI_COMM_WORLD), "MPI_Send");
  }
}

void abort_all(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

bool share_from_coordinator(bool finished, std::vector<double>& values) {
  // Doubles travel as their bytes (MPI_DOUBLE), so every rank holds exactly rank 0's numbers.
  std::int64_t head[2] = {finished ? 1 : 0, static_cast<std::int64_t>(values.size())};
  check(MPI_Bcast(head, 2, MPI_INT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  values.resize(static_cast<std::size_t>(head[1]));
  for (std::size_t at = 0; at < values.size();) {  // in pieces an int can count
    const int n = static_cast<int>(std::min<std::size_t>(values.size() - at, 1u << 28));
    check(MPI_Bcast(values.data() + at, n, MPI_DOUBLE, 0, MPI_COMM_WORLD), "MPI_Bcast");
    at += static_cast<std::size_t>(n);
  }
  return head[0] == 1;
}

#else  // without MPI: one process, which never makes a Session nor reaches the work of several ranks

namespace {
[[noreturn]] void needs_mpi(const char* what) {
  throw std::logic_error(std::string(what) + " needs MPI, and this hedgesim was built without it");
}
}  // namespace

Session::Session(int&, char**&) {
  needs_mpi("mpi::Session");
}
Session::~Session() = default;

std::optional<std::string> agree_on_inputs(const std::optional<std::string>& my_error, const std::string&) {
  return my_error;
}

bool coordinate_chunks(const WorkPlan&, const PointEvaluator&, io::Journal&, const RunChunksOptions&) {
  needs_mpi("mpi::coordinate_chunks");
}

std::int64_t serve_chunks(const WorkPlan&, const PointEvaluator&, int) {
  needs_mpi("mpi::serve_chunks");
}

void release_servers() {}

void abort_all(int code) {
  std::_Exit(code);
}

bool share_from_coordinator(bool, std::vector<double>&) {
  needs_mpi("mpi::share_from_coordinator");
}

#endif

}  // namespace hedgesim::mpi

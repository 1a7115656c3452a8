// A sweep's chunks spread over MPI ranks (OpenMPI), with the same bytes as one process. Rank 0 is the
// coordinator: it owns the journal and the outputs, hands out chunks on request (dynamic scheduling, so a
// slow rank simply asks less often), records finished chunks in batches (one fsync for all the results that
// arrived meanwhile: group commit), and computes chunks on its own threads too. Every other rank serves:
// it asks for a chunk, computes it with its threads sharing the chunk's points, sends the values back and
// asks again, until told to stop. Since a chunk's values are a pure function of (plan, chunk) and the
// outputs are rendered from the journal in chunk order, neither the number of ranks nor the order in which
// chunks finish can change a byte. Every rank reads the same experiment files and builds the same plan;
// before any work they agree that their inputs are identical (by their SHA-256 identity) and that every rank
// could read them, so a bad input ends the job with one message and exit 2 on every rank.
//
// Messages (all on MPI_COMM_WORLD): a serving rank sends kRequest (no data) once, then kResult
// ([chunk, values...] as doubles) for each chunk; the coordinator answers each with kAssign (one int64: the
// next chunk, or -1 to stop). A serving rank thus has at most one chunk in flight.
//
// The same declarations with and without MPI: this file is compiled either way (HEDGESIM_WITH_MPI), into
// hedgesim_mpi or hedgesim_mpi_off (src/experiment/CMakeLists.txt), so the CLI is compiled once and a build
// with MPI also links and tests a binary without it. Without MPI, launched_by_mpi() is false, a Session is
// never made, and the functions that only a job of several ranks reaches throw std::logic_error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "experiment/runner.hpp"

namespace hedgesim::mpi {

/// True when this process was started by mpirun/mpiexec or srun (their environment variables are set), and
/// this build has MPI. A plain `hedgesim sweep` never initialises MPI.
bool launched_by_mpi();

/// The number of processes the launcher started (OMPI_COMM_WORLD_SIZE, PMI_SIZE), 1 if none: lets a build
/// without MPI refuse to run as K copies that would all write the same files.
int launcher_size();

/// True when this file was compiled with MPI (the binary can run as several ranks).
bool built_with_mpi();

/// MPI_Init_thread (funneled: only the thread that created the Session calls MPI) and MPI_Finalize.
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

/// Collective: every rank passes the error it met reading its inputs (nullopt if none) and the identity of
/// what it read (render_journal_header of the job's identity). Returns, on every rank, nullopt when all
/// ranks read the same inputs, else the message to report: the lowest failing rank's error (prefixed with
/// the rank unless it is rank 0's), or which rank read different inputs from rank 0's.
std::optional<std::string> agree_on_inputs(const std::optional<std::string>& my_error,
                                           const std::string& my_identity);

/// Rank 0: computes the chunks the journal lacks, on its own `options.threads` threads and on every other
/// rank (which must be in serve_chunks), recording them in the journal. Returns true when all chunks are
/// in, false when stopped by options.stop (every rank has then been told to stop and has sent back the
/// chunk it held, which is recorded). An exception on a local thread stops the handing out and is rethrown
/// once the other ranks are released.
bool coordinate_chunks(const WorkPlan& plan, const PointEvaluator& evaluator, io::Journal& journal,
                       const RunChunksOptions& options);

/// Ranks other than 0: computes the chunks rank 0 assigns, `threads` threads sharing each chunk's points,
/// until told to stop. Returns the number of chunks computed.
std::int64_t serve_chunks(const WorkPlan& plan, const PointEvaluator& evaluator, int threads);

/// Rank 0, instead of coordinate_chunks: tells every serving rank to stop before it got any chunk, so that
/// a job rank 0 refuses (say, for an unfinished journal without --resume) ends cleanly on every rank.
void release_servers();

/// Collective: rank 0's `values` and `finished` replace every other rank's (their own are ignored); returns
/// rank 0's `finished`. For work whose next step every rank must take alike, such as a calibration's next
/// generation, which needs the batch's results that only rank 0 collected.
bool share_from_coordinator(bool finished, std::vector<double>& values);

/// MPI_Abort on every rank with this exit code: for a failure on one rank that the others, waiting for
/// messages, would never learn of.
[[noreturn]] void abort_all(int code);

}  // namespace hedgesim::mpi

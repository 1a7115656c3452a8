// The journal of a long job: an append-only file of finished chunks of work, each record fsync'd before the
// job goes on, so that a job killed at any moment (even SIGKILL or a power cut) loses at most the chunks in
// flight. It owns the file format (a header of key = value lines identifying the job, then length-prefixed,
// checksummed records of doubles), the recovery of a torn last record on reopening, the comparison of a
// journal's header with the job that wants to resume it, and random access to finished chunks by number.
// It knows nothing of what the numbers mean.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hedgesim::io {

/// What identifies a job: (key, value) pairs such as hashes of the inputs and the program's version. A
/// journal is resumed only by a job with the same header.
using JournalHeader = std::vector<std::pair<std::string, std::string>>;

/// What the records of a resumed journal must be, so that nothing in the file is believed before it is
/// checked: chunk numbers from 0 to chunks - 1, each at most once, each with exactly values_in(chunk)
/// values, all finite when `finite` is set.
struct JournalLayout {
  std::int64_t chunks = 0;
  std::function<std::uint64_t(std::int64_t chunk)> values_in;
  bool finite = true;
};

class Journal {
 public:
  /// Starts a new, empty journal at `path` (replacing any file there). Throws InputError if it cannot.
  static Journal create(const std::string& path, const JournalHeader& header);
  /// Reopens a journal to finish its job. Throws InputError if the file is missing or not a journal, or if
  /// its header differs from `expected` (the message names the keys that differ, with both values). A torn
  /// or corrupt last record (a crash mid-write: a record that runs past the end of the file or fails its
  /// checksum) is cut off with everything after it: its chunk simply counts as not done. A record that a
  /// crash cannot explain is refused with an InputError naming the record and its byte offset, before
  /// anything is allocated for it: a chunk number repeated, or (given a layout) outside the plan, a count
  /// of values other than the plan's, a NaN or infinity where the layout wants finite values. Without a
  /// layout, a record's count is still checked against the bytes left in the file first.
  static Journal resume(const std::string& path, const JournalHeader& expected,
                        const JournalLayout* layout = nullptr);
  /// Whether `path` exists (an unfinished job's journal).
  static bool exists(const std::string& path);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  Journal(const Journal&) = delete;
  ~Journal();

  /// Appends chunk `chunk`'s values and fsyncs before returning. Thread-safe; a chunk is recorded once.
  void append(std::int64_t chunk, const std::vector<double>& values);
  /// Appends several chunks with one write and one fsync (group commit): what lets one process record the
  /// chunks of many MPI ranks, since the fsync, not the write, is the cost of a record. Chunks already
  /// recorded (or repeated in `records`) are skipped. Thread-safe.
  void append_batch(const std::vector<std::pair<std::int64_t, std::vector<double>>>& records);
  bool has(std::int64_t chunk) const;
  std::int64_t chunks_done() const;
  /// The values recorded for a finished chunk (read back from the file). Thread-safe.
  std::vector<double> read(std::int64_t chunk) const;
  const std::string& path() const { return path_; }
  /// Deletes the file (when the job's outputs are complete).
  void remove();

 private:
  Journal(std::string path, int fd);
  struct Where {
    std::int64_t offset;  ///< of the first value
    std::uint64_t count;
  };
  std::string path_;
  int fd_ = -1;
  std::int64_t end_ = 0;  ///< where the next record goes
  std::map<std::int64_t, Where> done_;
  mutable std::mutex mutex_;
};

/// The header as stored: "key = value" lines.
std::string render_journal_header(const JournalHeader& header);

}  // namespace hedgesim::io

// Writing output files so that nothing partial is ever left: content goes to a temporary file in the same
// directory, is flushed and fsync'd, then renamed over the final name (rename is atomic on POSIX). If the
// writer is destroyed without commit(), the temporary file is removed.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hedgesim::io {

class AtomicFile {
 public:
  /// Opens `<path>.tmp-<pid>`; throws InputError (position: the path) if the directory is not writable.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view s);
  /// Flushes and fsyncs the temporary file (a full disk shows here), without renaming it yet.
  void sync();
  /// sync() if not done, then renames to the final path.
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
};

/// Writes a set of files all or nothing: each to its temporary name and synced, then all renamed. A failure
/// (a full disk) before the renames leaves every final name as it was and no temporary file.
void write_all(const std::vector<std::pair<std::string, std::string>>& path_and_content);

/// Creates `dir` (and parents) if needed and checks that it is a writable directory; throws InputError.
void ensure_output_dir(const std::string& dir);

/// Whole file as a string; throws InputError if unreadable.
std::string read_file(const std::string& path);

}  // namespace hedgesim::io

// A scratch directory: created fresh under the system's temporary directory and removed, with everything in
// it, on scope exit. What a command stages before the files it keeps (a report's run, a figure's script)
// lives here, so an interruption leaves nothing behind in the user's directories.
#pragma once

#include <filesystem>

namespace hedgesim::io {

class ScratchDir {
 public:
  /// Throws InputError (at the temporary directory) if no fresh directory can be created there.
  ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace hedgesim::io

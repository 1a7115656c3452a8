// AtomicFile: temporary file + fsync + rename.
#include "io/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "model/input_error.hpp"

namespace hedgesim::io {

namespace fs = std::filesystem;

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  tmp_ = path_ + ".tmp-" + std::to_string(::getpid());
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (f_ == nullptr)
    throw InputError({path_, 0, 0}, std::string("cannot write output file: ") + std::strerror(errno) +
                                        "; choose a writable directory with --out");
}

AtomicFile::~AtomicFile() {
  // Not committed (an error, or another file of a write_all failed): the temporary file goes.
  if (f_ != nullptr) std::fclose(f_);
  if (!tmp_.empty()) std::remove(tmp_.c_str());
}

void AtomicFile::write(std::string_view s) {
  if (std::fwrite(s.data(), 1, s.size(), f_) != s.size())
    throw InputError({path_, 0, 0}, std::string("cannot write output file: ") + std::strerror(errno));
}

void AtomicFile::sync() {
  if (f_ == nullptr) return;  // synced already
  const bool ok = std::fflush(f_) == 0 && ::fsync(::fileno(f_)) == 0;
  const int err = errno;
  std::fclose(f_);
  f_ = nullptr;
  if (!ok) {
    std::remove(tmp_.c_str());
    tmp_.clear();
    throw InputError({path_, 0, 0}, std::string("cannot write output file: ") + std::strerror(err));
  }
}

void AtomicFile::commit() {
  sync();
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp_.c_str());
    tmp_.clear();
    throw InputError({path_, 0, 0}, std::string("cannot write output file: ") + std::strerror(err));
  }
  tmp_.clear();
}

void write_all(const std::vector<std::pair<std::string, std::string>>& path_and_content) {
  std::vector<std::unique_ptr<AtomicFile>> files;
  for (const auto& [path, content] : path_and_content) {
    files.push_back(std::make_unique<AtomicFile>(path));
    files.back()->write(content);
  }
  for (auto& f : files)
    f->sync();
  for (auto& f : files)
    f->commit();
}

void ensure_output_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError({dir, 0, 0},
                     "cannot create output directory: " + (ec ? ec.message() : "not a directory") +
                         "; choose another with --out");
  if (::access(dir.c_str(), W_OK) != 0)
    throw InputError({dir, 0, 0}, "output directory is not writable; choose another with --out");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, 0}, "cannot read file: " + std::string(std::strerror(errno)));
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

}  // namespace hedgesim::io

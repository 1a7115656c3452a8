#include "io/scratch_dir.hpp"

#include <cstdio>
#include <random>
#include <string>

#include "model/input_error.hpp"

namespace hedgesim::io {

namespace fs = std::filesystem;

ScratchDir::ScratchDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const unsigned long long v = (static_cast<unsigned long long>(rd()) << 32) ^ rd();
    char name[40];
    std::snprintf(name, sizeof name, "hedgesim-%016llx", v);
    path_ = fs::temp_directory_path() / name;
    if (fs::create_directory(path_)) return;
  }
  throw InputError({fs::temp_directory_path().string(), 0, 0}, "cannot create a temporary directory here");
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace hedgesim::io

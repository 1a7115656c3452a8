// What the fuzz targets share: a private scratch directory per process (under $TMPDIR, named
// fuzz-<target>-XXXXXX, made the process's TMPDIR so that whatever the code under test writes lands there,
// and removed at exit), whole-file writes, the repository's paths, and the one rule every target applies: an
// InputError (or the API's RequestError) is the program's documented answer to a bad input; any other
// exception escaping the code under test is a finding, reported on stderr before abort() so that libFuzzer
// (or the regression driver, driver_main.cpp) stops with the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>

#include "model/input_error.hpp"

#ifndef HEDGESIM_SOURCE_DIR
#error "HEDGESIM_SOURCE_DIR (the repository root) must be defined by the build"
#endif

namespace hedgesim::fuzz {

[[noreturn]] inline void finding(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "\nFUZZ FINDING: %s: %s\n", what.c_str(), detail.c_str());
  std::fflush(stderr);
  std::abort();
}

/// A path in the repository (scenarios/, model/, experiments/ ...).
inline std::string source_path(std::string_view relative) {
  return std::string(HEDGESIM_SOURCE_DIR) + "/" + std::string(relative);
}

/// The process's scratch directory, created on first use (`target` names it) and removed at exit; it
/// becomes $TMPDIR. A plain array, not a static path: the exit handler must not outlive what it removes.
inline std::filesystem::path scratch_dir(const char* target) {
  static char dir[4096] = {};
  if (dir[0] == '\0') {
    const std::string name =
        (std::filesystem::temp_directory_path() / ("fuzz-" + std::string(target) + "-XXXXXX")).string();
    if (name.size() >= sizeof dir) finding("scratch directory", "$TMPDIR is too long");
    name.copy(dir, name.size());
    if (::mkdtemp(dir) == nullptr) finding("cannot create a scratch directory", name);
    ::setenv("TMPDIR", dir, 1);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    });
  }
  return dir;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

/// Runs `f`; returns true if it returned, false if it threw one of the documented input errors (InputError
/// or the given `Documented` types); any other exception is a finding.
template <class... Documented, class F>
bool documented_errors_only(F&& f) {
  try {
    try {
      f();
      return true;
    } catch (const InputError&) {
      return false;
    }
  } catch (const std::exception& e) {
    if ((... || (dynamic_cast<const Documented*>(&e) != nullptr))) return false;
    finding("an exception other than the documented input errors escaped",
            std::string(typeid(e).name()) + ": " + e.what());
  } catch (...) {
    finding("an exception that is not a std::exception escaped", "(unknown type)");
  }
}

}  // namespace hedgesim::fuzz

// Helpers for error-message tests (fmt's gtest-extra habit): error_of(f) is the message of the InputError
// that f throws, input_error_of(f) the error itself, each a test failure when f throws nothing or something
// else; at(file, line, col) is the "file:line:col: " prefix; BadScenario names one file of the bad-input
// corpus in tests/data/bad/ with the position and message it must produce.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "model/input_error.hpp"

namespace hedgesim::testing {

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError was thrown";
  return "";
}

template <class F>
InputError input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected an InputError, got: " << e.what();
    return InputError({}, "<another exception>");
  }
  ADD_FAILURE() << "expected an InputError, nothing was thrown";
  return InputError({}, "<nothing thrown>");
}

inline std::string at(const std::string& file, int line, int col) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": ";
}
inline std::string at(const SourcePos& p) {
  return at(p.file, p.line, p.col);
}

inline const std::string kBadCorpus = std::string(HEDGESIM_TEST_DATA) + "/bad/";

struct BadScenario {
  const char* name;  ///< file stem in tests/data/bad/
  int line, col;
  std::string detail;
};
inline std::ostream& operator<<(std::ostream& os, const BadScenario& b) {
  return os << b.name;
}

}  // namespace hedgesim::testing

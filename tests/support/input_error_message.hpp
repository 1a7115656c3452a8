// error_of(f): the message of the InputError that f throws, or a test failure when it throws nothing, so an
// error-message test is one line: EXPECT_EQ(error_of([&] { ... }), "file:3:7: ...").
#pragma once

#include <gtest/gtest.h>

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

}  // namespace hedgesim::testing

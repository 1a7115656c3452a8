// Where the calibration tests' fixture files are (tests/data/calibration/).
#pragma once

#include <string>

namespace hedgesim::calibration {

inline std::string fixture(const std::string& name) {
  return std::string(HEDGESIM_TEST_DATA) + "/calibration/" + name;
}

}  // namespace hedgesim::calibration

// The paths the model module's tests read: the source tree, its shipped model, and the bad-input corpus.
#pragma once

#include <string>

#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {

inline const std::string kSource = HEDGESIM_SOURCE_DIR;
inline const std::string kModel = testing::source_path("model");
inline const std::string& kBad = testing::kBadCorpus;

}  // namespace hedgesim

// Name look-ups on the model's data types (load and compile time only, never in the stepping loop).
#include "model/spec.hpp"

#include <algorithm>

namespace hedgesim {

std::optional<Var> var_from_name(std::string_view name) {
  for (int i = 0; i < kVarCount; ++i)
    if (kVarInfo[i].name == name) return static_cast<Var>(i);
  return std::nullopt;
}

std::optional<Kind> kind_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == name) return static_cast<Kind>(i);
  return std::nullopt;
}

std::vector<std::string> var_names() {
  std::vector<std::string> out;
  for (const auto& v : kVarInfo)
    out.emplace_back(v.name);
  return out;
}

std::optional<CostClass> cost_class_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kCostClassNames.size(); ++i)
    if (kCostClassNames[i] == name) return static_cast<CostClass>(i);
  return std::nullopt;
}

std::vector<std::string> cost_class_names() {
  return {kCostClassNames.begin(), kCostClassNames.end()};
}

std::vector<std::string> kind_names() {
  return {kKindNames.begin(), kKindNames.end()};
}

const ParameterSpec* ModelSpec::find_parameter(std::string_view n) const {
  auto it = std::find_if(parameters.begin(), parameters.end(), [&](const auto& p) { return p.name == n; });
  return it == parameters.end() ? nullptr : &*it;
}
const AgentSpec* ModelSpec::find_agent(std::string_view id) const {
  auto it = std::find_if(agents.begin(), agents.end(), [&](const auto& a) { return a.id == id; });
  return it == agents.end() ? nullptr : &*it;
}
const BlocSpec* ModelSpec::find_bloc(std::string_view id) const {
  auto it = std::find_if(blocs.begin(), blocs.end(), [&](const auto& b) { return b.id == id; });
  return it == blocs.end() ? nullptr : &*it;
}
const EventTypeSpec* ModelSpec::find_event_type(std::string_view id) const {
  auto it = std::find_if(event_types.begin(), event_types.end(), [&](const auto& e) { return e.id == id; });
  return it == event_types.end() ? nullptr : &*it;
}

}  // namespace hedgesim

#include "results/attribution.hpp"

#include "engine/engine.hpp"
#include "results/run_files.hpp"
#include "results/trajectory.hpp"

namespace hedgesim::results {

AttributionSource parse_attribution_source(std::string_view text) {
  AttributionSource s;
  s.text = std::string(text);
  if (text == "bounds") {
    s.kind = AttributionSource::Kind::bounds;
  } else if (text.starts_with("mechanism:")) {
    s.kind = AttributionSource::Kind::mechanism;
    s.name = std::string(text.substr(10));
    s.mechanism = mechanism_from_name(s.name);
  } else if (text.starts_with("event:")) {
    const std::string_view rest = text.substr(6);
    const auto last = rest.rfind(':');
    const auto middle = last == std::string_view::npos || last == 0 ? last : rest.rfind(':', last - 1);
    if (middle != std::string_view::npos) {
      s.kind = AttributionSource::Kind::event;
      s.type = std::string(rest.substr(0, middle));
      s.actor = std::string(rest.substr(middle + 1, last - middle - 1));
      s.date = parse_date(rest.substr(last + 1));
    }
  }
  return s;
}

AttributionSource attribution_source_of(const CompiledModel& m, int source) {
  AttributionSource s;
  s.text = source_name(m, source);
  if (source < kMechanismCount) {
    s.kind = AttributionSource::Kind::mechanism;
    s.mechanism = static_cast<Mechanism>(source);
    s.name = std::string(kMechanismInfo[static_cast<std::size_t>(source)].name);
  } else if (source == kBoundsSource) {
    s.kind = AttributionSource::Kind::bounds;
  } else {
    const CompiledEvent& ev = m.events[static_cast<std::size_t>(source - kMechanismCount - 1)];
    s.kind = AttributionSource::Kind::event;
    s.type = m.spec.event_types[ev.type].id;
    s.actor = m.agent_ids[ev.actor];
    s.date = ev.date;
  }
  return s;
}

AttributionReader::AttributionReader(const std::string& dir) : csv_(run_file(dir, "attribution.csv")) {
  c_step_ = csv_.column("step");
  c_agent_ = csv_.column("agent");
  c_variable_ = csv_.column("variable");
  c_source_ = csv_.column("source");
  c_delta_ = csv_.column("delta");
}

std::size_t AttributionReader::step() const {
  return checked_step(csv_, c_step_);
}

}  // namespace hedgesim::results

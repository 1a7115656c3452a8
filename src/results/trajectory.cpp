#include "results/trajectory.hpp"

#include "model/input_error.hpp"
#include "results/run_files.hpp"

namespace hedgesim::results {

TrajectoryReader::TrajectoryReader(const std::string& dir, Kind kind)
    : csv_(run_file(dir, kind == Kind::runs ? "trajectory.csv" : "bands.csv")) {
  c_step_ = csv_.column("step");
  c_date_ = csv_.column("date");
  c_agent_ = csv_.column("agent");
  c_variable_ = csv_.column("variable");
  if (kind == Kind::runs) {
    c_run_ = csv_.column("run");
    c_value_ = csv_.column("value");
  } else {
    c_value_ = csv_.column("mean");
    c_q05_ = csv_.column("q05");
    c_q95_ = csv_.column("q95");
  }
}

std::size_t checked_step(const io::CsvReader& csv, std::size_t col) {
  const long long step = csv.integer(col);
  if (step < 0 || step > kMaxStep)
    throw InputError(csv.pos(col), "step " + std::to_string(step) +
                                       " is out of range; steps count from 0 to at most " +
                                       std::to_string(kMaxStep));
  return static_cast<std::size_t>(step);
}

}  // namespace hedgesim::results

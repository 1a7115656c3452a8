// differences.csv and difference-over-time.csv of a comparison: their columns and the second one's reader.
#include "results/compare_files.hpp"

#include <set>
#include <tuple>

#include "io/csv_reader.hpp"
#include "results/meta_json.hpp"

namespace hedgesim::results {

void differences_header(io::CsvBuffer& out) {
  out.text("metric").text("mean_a").text("mean_b").text("difference").text("ci_low").text("ci_high");
  out.text("replicates").text("spread").text("effect").text("material").end();
}

void difference_row(io::CsvBuffer& out, const MetricDifferenceRow& r) {
  out.text(r.metric).num(r.mean_a).num(r.mean_b).num(r.difference).num(r.ci_low).num(r.ci_high);
  out.integer(r.replicates).num(r.spread).num(r.effect).integer(r.material ? 1 : 0).end();
}

void time_differences_header(io::CsvBuffer& out) {
  out.text("step").text("date").text("agent").text("variable").text("mean").text("q05").text("q95").end();
}

void time_difference_row(io::CsvBuffer& out, const TimeDifferenceRow& r) {
  out.integer(r.step).text(format_date(r.date)).text(r.agent).text(r.variable).num(r.mean).num(r.q05);
  out.num(r.q95).end();
}

std::vector<TimeDifferenceRow> read_time_differences(const std::string& file) {
  require_file(file, "hedgesim compare");
  io::CsvReader csv(file);
  const std::size_t c_step = csv.column("step"), c_date = csv.column("date"), c_agent = csv.column("agent"),
                    c_var = csv.column("variable"), c_mean = csv.column("mean"), c_lo = csv.column("q05"),
                    c_hi = csv.column("q95");
  std::vector<TimeDifferenceRow> rows;
  std::set<std::tuple<long long, std::string, std::string>> seen;
  while (csv.next()) {
    TimeDifferenceRow r;
    r.where = csv.pos(0);
    r.step = csv.integer(c_step);
    if (r.step < 0)
      throw InputError(csv.pos(c_step),
                       "step " + std::to_string(r.step) + " is negative; steps count from 0");
    r.agent = csv.text(c_agent);
    r.variable = csv.text(c_var);
    if (!seen.emplace(r.step, r.agent, r.variable).second)
      throw InputError({file, csv.line(), 1}, "a second row for step " + std::to_string(r.step) + " of " +
                                                  r.agent + "'s " + r.variable);
    r.date = csv.date(c_date);
    r.mean = csv.number(c_mean);
    r.q05 = csv.number(c_lo);
    r.q95 = csv.number(c_hi);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace hedgesim::results

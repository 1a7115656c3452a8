// design.csv, results.csv, summary.csv and indices.csv of a sweep: their columns and their readers.
#include "results/sweep_files.hpp"

#include <algorithm>
#include <optional>

#include "io/csv_reader.hpp"
#include "results/meta_json.hpp"

namespace hedgesim::results {

void design_header(io::CsvBuffer& out, const std::vector<std::string>& parameters, bool roles) {
  out.text("point");
  if (roles) out.text("block").text("role");
  for (const std::string& p : parameters)
    out.text(p);
  out.end();
}

void design_row(io::CsvBuffer& out, std::int64_t point, const DesignRole* role, const double* values,
                std::size_t count) {
  out.integer(point);
  if (role != nullptr) out.integer(role->block).text(role->role);
  for (std::size_t c = 0; c < count; ++c)
    out.num(values[c]);
  out.end();
}

DesignPoints read_design(const std::string& file, const std::vector<std::string>& parameters) {
  require_file(file, "hedgesim sweep");
  io::CsvReader csv(file);
  const std::size_t c_point = csv.column("point");
  std::vector<std::size_t> columns;
  for (const std::string& p : parameters)
    columns.push_back(csv.column(p));
  DesignPoints d;
  std::map<long long, int> seen;
  while (csv.next()) {
    const long long id = csv.integer(c_point);
    if (seen[id]++ > 0)
      throw InputError(csv.pos(c_point), "a second row for design point " + std::to_string(id));
    std::vector<double> row;
    for (std::size_t c : columns)
      row.push_back(csv.number(c));
    d.ids.push_back(id);
    d.values.push_back(std::move(row));
  }
  if (d.ids.empty()) throw InputError({file, 0, 0}, "the file has no design points");
  return d;
}

void results_header(io::CsvBuffer& out) {
  out.text("point").text("replicate").text("metric").text("value").end();
}

void results_row(io::CsvBuffer& out, std::int64_t point, int replicate, const std::string& metric,
                 double value) {
  out.integer(point).integer(replicate).text(metric).num(value).end();
}

void summary_header(io::CsvBuffer& out) {
  out.text("point").text("metric").text("mean").text("sd").text("q05").text("q50").text("q95").end();
}

void summary_row(io::CsvBuffer& out, const SummaryRow& r) {
  out.integer(r.point).text(r.metric).num(r.mean).num(r.sd).num(r.q05).num(r.q50).num(r.q95).end();
}

std::map<std::string, std::vector<double>> read_point_means(const std::string& file,
                                                            const std::vector<std::string>& metrics,
                                                            const std::vector<long long>& ids) {
  require_file(file, "hedgesim sweep");
  std::map<long long, std::size_t> row_of;
  for (std::size_t i = 0; i < ids.size(); ++i)
    row_of[ids[i]] = i;
  std::map<std::string, std::vector<std::optional<double>>> found;
  for (const std::string& m : metrics)
    found[m].resize(ids.size());
  io::CsvReader csv(file);
  const std::size_t c_point = csv.column("point"), c_metric = csv.column("metric"),
                    c_mean = csv.column("mean");
  while (csv.next()) {
    const auto metric = found.find(csv.text(c_metric));
    if (metric == found.end()) continue;
    const long long id = csv.integer(c_point);
    const auto row = row_of.find(id);
    if (row == row_of.end())
      throw InputError(csv.pos(c_point), "point " + std::to_string(id) + " is not a point of design.csv");
    auto& cell = metric->second[row->second];
    if (cell)
      throw InputError({file, csv.line(), 1},
                       "a second row for metric '" + metric->first + "' at point " + std::to_string(id));
    cell = csv.number(c_mean);
  }
  std::map<std::string, std::vector<double>> means;
  for (const auto& [metric, cells] : found)
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (!cells[i])
        throw InputError({file, 0, 0}, "metric '" + metric + "' has no row for design point " +
                                           std::to_string(ids[i]) + "; the sweep did not finish writing it");
      means[metric].push_back(*cells[i]);
    }
  return means;
}

void indices_header(io::CsvBuffer& out) {
  out.text("metric")
      .text("index")
      .text("parameter")
      .text("other")
      .text("value")
      .text("ci_low")
      .text("ci_high");
  out.text("note").end();
}

void index_row(io::CsvBuffer& out, const IndexRow& r) {
  out.text(r.metric).text(r.index).text(r.parameter).text(r.other).num(r.value).num(r.ci_low).num(r.ci_high);
  out.text(r.note).end();
}

std::vector<IndexRow> read_indices(const std::string& file) {
  require_file(file, "hedgesim sweep");
  io::CsvReader csv(file);
  const std::size_t c_metric = csv.column("metric"), c_index = csv.column("index"),
                    c_param = csv.column("parameter"), c_other = csv.column("other"),
                    c_value = csv.column("value"), c_lo = csv.column("ci_low"), c_hi = csv.column("ci_high");
  const auto& header = csv.header();
  const auto note_at = std::find(header.begin(), header.end(), "note");  // older files have no note column
  const std::optional<std::size_t> c_note =
      note_at == header.end() ? std::nullopt
                              : std::optional(static_cast<std::size_t>(note_at - header.begin()));
  std::vector<IndexRow> rows;
  while (csv.next()) {
    IndexRow r;
    r.where = csv.pos(0);
    r.index = csv.text(c_index);
    if (r.index != "S1" && r.index != "ST" && r.index != "S2" && r.index != "mu" && r.index != "mu_star" &&
        r.index != "sigma")
      throw InputError(csv.pos(c_index),
                       "'" + r.index +
                           "' is not a sensitivity index; expected 'S1', 'ST' or 'S2' (Sobol) "
                           "or 'mu', 'mu_star' or 'sigma' (Morris)");
    r.metric = csv.text(c_metric);
    r.parameter = csv.text(c_param);
    if (r.metric.empty()) throw InputError(csv.pos(c_metric), "the metric's name is empty");
    if (r.parameter.empty()) throw InputError(csv.pos(c_param), "the parameter's name is empty");
    r.other = csv.text(c_other);
    r.value = csv.number(c_value);
    r.ci_low = csv.number(c_lo);
    r.ci_high = csv.number(c_hi);
    if (c_note) r.note = csv.text(*c_note);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace hedgesim::results

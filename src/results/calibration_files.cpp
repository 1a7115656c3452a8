// predictive.csv and meta.json of a calibration, as figures read them.
#include "results/calibration_files.hpp"

#include <filesystem>

#include "io/csv_reader.hpp"
#include "results/meta_json.hpp"

namespace hedgesim::results {

void predictive_header(io::CsvBuffer& out) {
  out.text("country").text("year").text("indicator").text("observed").text("use").text("noise_sd");
  out.text("prior_mean").text("prior_q05").text("prior_q95").text("posterior_mean").text("posterior_q05");
  out.text("posterior_q95").end();
}

void predictive_row(io::CsvBuffer& out, const PredictiveRow& r) {
  out.text(r.country).integer(r.year).text(r.indicator).num(r.observed).text(r.use).num(r.noise_sd);
  out.num(r.prior_mean).num(r.prior_q05).num(r.prior_q95);
  out.num(r.posterior_mean).num(r.posterior_q05).num(r.posterior_q95).end();
}

std::vector<PredictiveRow> read_predictive(const std::string& file) {
  require_file(file, "hedgesim calibrate");
  io::CsvReader csv(file);
  const char* const names[] = {"country",   "year",           "indicator",     "observed",
                               "use",       "noise_sd",       "prior_mean",    "prior_q05",
                               "prior_q95", "posterior_mean", "posterior_q05", "posterior_q95"};
  std::size_t c[12];
  for (std::size_t i = 0; i < 12; ++i)
    c[i] = csv.column(names[i]);
  std::vector<PredictiveRow> rows;
  while (csv.next()) {
    PredictiveRow r;
    r.country = csv.text(c[0]);
    r.year = static_cast<int>(csv.integer(c[1]));
    r.indicator = csv.text(c[2]);
    r.observed = csv.number(c[3]);
    r.use = csv.text(c[4]);
    if (r.use != "fit" && r.use != "held_out" && r.use != "alt")
      throw InputError(csv.pos(c[4]), "use '" + r.use + "' is not one of 'fit', 'held_out' or 'alt'");
    r.noise_sd = csv.number(c[5]);
    double* numbers[] = {&r.prior_mean,     &r.prior_q05,     &r.prior_q95,
                         &r.posterior_mean, &r.posterior_q05, &r.posterior_q95};
    for (std::size_t i = 0; i < 6; ++i)
      *numbers[i] = csv.number(c[6 + i]);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string CalibrationMeta::provenance_line() const {
  return results::provenance_line("calibration " + name, seed, replicates, version, commit);
}

CalibrationMeta read_calibration_meta(const std::string& dir) {
  CalibrationMeta m;
  m.file = (std::filesystem::path(dir) / "meta.json").string();
  const nlohmann::json j =
      read_meta_json_of_kind(m.file, "calibration", "a calibration", "hedgesim calibrate");
  m.name = text_or(j, "calibration_name", std::filesystem::path(dir).filename().string());
  m.scenario = text_or(j, "scenario");
  m.fit_until = static_cast<int>(integer_or(j, "fit_until", 0));
  if (m.fit_until == 0)
    throw InputError({m.file, 1, 1},
                     "the file has no whole number 'fit_until'; it should be the meta.json "
                     "written by `hedgesim calibrate`");
  m.seed = unsigned_field(j, "seed");
  m.replicates = integer_or(j, "replicates");
  m.version = text_or(j, "version");
  m.commit = text_or(j, "commit");
  return m;
}

}  // namespace hedgesim::results

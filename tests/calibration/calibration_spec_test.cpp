// Reading a calibration file (calibration/calibration_spec.hpp) and what it names: the fields of a good file,
// the cut-off that splits fitted from held-out rows, and a message with its position for each defect.
#include "calibration/calibration_spec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "calibration_fixture.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::calibration {
namespace {

TEST(CalibrationSpec, ReadsTheFileAndSplitsTheRowsAtTheCutOff) {
  const ResolvedCalibration r = resolve_calibration(fixture("fit.toml"));
  EXPECT_EQ(r.spec.name, "fixture");
  EXPECT_EQ(r.spec.fit_until, 2021);
  EXPECT_EQ(r.spec.replicates, 2);
  EXPECT_EQ(r.spec.abc.particles, 50);
  EXPECT_EQ(r.spec.abc.generations, 2);
  EXPECT_EQ(r.spec.abc.tolerance_quantile, 0.5);  // the default
  EXPECT_EQ(r.spec.abc.mcmc_steps, 3);            // the default
  EXPECT_EQ(r.spec.abc.temper_ess, 0.5);          // the default
  ASSERT_EQ(r.spec.parameters.size(), 3u);
  EXPECT_EQ(r.spec.identifiable, (std::vector<bool>{true, false, true}));
  EXPECT_TRUE(r.spec.fixed.empty());
  EXPECT_EQ(r.model.spec.parameters[static_cast<std::size_t>(r.parameters[1])].name, "reading_noise");
  EXPECT_EQ(r.model_columns, (std::vector<int>{0, 1}));
  ASSERT_EQ(r.link_parameters.size(), 1u) << "the third is a link of the observation model";
  EXPECT_EQ(r.link_parameters[0].column, 2);
  EXPECT_FALSE(r.link_parameters[0].slope);
  ASSERT_EQ(r.fit_rows().size(), 3u);
  for (const Observation* o : r.fit_rows())
    EXPECT_LE(o->year, 2021);
  ASSERT_EQ(r.held_out_rows().size(), 2u);
  for (const Observation* o : r.held_out_rows())
    EXPECT_EQ(o->year, 2022);
}

/// The message for the fixture calibration with `from` replaced by `to`, written into the scratch directory
/// `dir` with observed.csv (and `csv`, if any, as tmp-observed.csv) beside it and the scenario and
/// observation model named by absolute paths; without the calibration file's name when the message starts
/// with it.
std::string message_with(const std::string& from, const std::string& to, const testing::TempDir& dir,
                         const std::string& csv = "") {
  std::ifstream in(fixture("fit.toml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::string::size_type at; (at = text.find("\"../../../")) != std::string::npos;)
    text.replace(at, 10, "\"" + std::string(HEDGESIM_SOURCE_DIR) + "/");
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  const std::string file = dir.path() + "/fit.toml";
  std::ofstream(file) << text;
  std::ifstream observed(fixture("observed.csv"));
  std::ofstream(dir.path() + "/observed.csv") << observed.rdbuf();
  if (!csv.empty()) std::ofstream(dir.path() + "/tmp-observed.csv") << csv;
  const std::string what = testing::error_of([&] { resolve_calibration(file); });
  return what.rfind(file, 0) == 0 ? what.substr(file.size()) : what;
}

TEST(CalibrationSpec, EachDefectHasItsMessage) {
  const testing::TempDir dir;
  EXPECT_EQ(message_with("fit_until = 2021", "fit_until = \"2021\"", dir),
            ":8:13: 'fit_until' in [calibration] must be an integer, got a string");
  EXPECT_EQ(
      message_with("observed = \"observed.csv\"", "observed = \"nope.csv\"", dir),
      ":7:12: cannot read observed data '" + dir.path() +
          "/nope.csv': no such file; a relative path is taken from the directory of the calibration file");
  EXPECT_EQ(
      message_with("generations = 2", "generation = 2", dir),
      ":14:1: unknown key 'generation' in [abc] (did you mean 'generations'?); allowed keys: 'particles', "
      "'generations', 'tolerance_quantile', 'min_acceptance', 'max_simulations', 'batch', 'mcmc_steps' or "
      "'temper_ess'");
  EXPECT_EQ(message_with("generations = 2", "generations = 2\ntemper_ess = 1", dir),
            ":15:14: 'temper_ess' = 1 is out of range in [abc]; allowed: 0.05 to 0.95");
  EXPECT_EQ(
      message_with("name = \"reading_noise\"", "name = \"reading_nois\"", dir)
          .rfind(":23:8: unknown parameter 'reading_nois' (did you mean 'reading_noise'?); parameters of "
                 "the model that can be varied: ",
                 0),
      0u);
  // A link parameter: <indicator>.intercept or <indicator>.slope of the observation model.
  EXPECT_EQ(message_with("name = \"reading_noise\"", "name = \"cfsp_alignmen.intercept\"", dir),
            ":23:8: 'cfsp_alignmen.intercept' names no indicator of the observation model " +
                std::string(HEDGESIM_SOURCE_DIR) +
                "/model/observation.toml (did you mean 'cfsp_alignment'?); a link parameter is "
                "<indicator>.intercept or <indicator>.slope, indicators: 'cfsp_alignment', 'eu_support', "
                "'eu_good_thing', 'trade_share_eu', 'trade_share_russia' or 'sanctions_alignment_2022'");
  EXPECT_EQ(message_with("name = \"reading_noise\"", "name = \"cfsp_alignment.intercep\"", dir),
            ":23:8: 'cfsp_alignment.intercep' is not a parameter of the link (did you mean "
            "'cfsp_alignment.intercept'?); allowed: 'cfsp_alignment.intercept' or 'cfsp_alignment.slope'");
  EXPECT_EQ(message_with("fit_until = 2021", "fit_until = 2015", dir),
            ":8:13: no observed row of " + dir.path() +
                "/observed.csv is in a year up to 2015 with use = fit: there is nothing to fit");
  EXPECT_EQ(message_with("[abc]", "[fixed]\nrival_lead = 9\n[abc]", dir),
            ":13:1: [fixed] rival_lead = 9 is outside the model's range; allowed: 0 to 0.5");
  EXPECT_EQ(
      message_with("[abc]", "[fixed]\nrival_leed = 0.1\n[abc]", dir),
      ":13:1: 'rival_leed' in [fixed] is not a parameter of the model that can be set here (did you mean "
      "'rival_lead'?); see " +
          std::string(HEDGESIM_SOURCE_DIR) + "/model/parameters.toml");
  EXPECT_EQ(message_with("[abc]", "[fixed]\nreading_noise = 0.03\n[abc]", dir),
            ":13:1: 'reading_noise' is both fixed and fitted ([[parameters]]); keep one");
  // A row the scenario does not reach: at the row, in the data file.
  EXPECT_EQ(
      message_with("observed = \"observed.csv\"", "observed = \"tmp-observed.csv\"", dir,
                   "country,year,indicator,value,use\nSRB,2019,cfsp_alignment,57,fit\n"
                   "SRB,2030,cfsp_alignment,50,fit\n"),
      dir.path() +
          "/tmp-observed.csv:3:1: the row's year 2030 is outside the scenario 'france-strategy-2019-2025' "
          "(2019 to 2025); allowed: the years the scenario runs through");
}

TEST(CalibrationSpec, CommandLineFixesAddToTheFilesFixedValuesAndReplaceOnesOfTheSameName) {
  const ResolvedCalibration r = resolve_calibration(fixture("fit.toml"), {"rival_lead=0.4"});
  ASSERT_EQ(r.spec.fixed.size(), 1u);
  EXPECT_EQ(r.spec.fixed[0], (std::pair<std::string, double>{"rival_lead", 0.4}));
  EXPECT_EQ(r.model.params.rival_lead, 0.4);  // set on the compiled model, as a [fixed] value is
  const ResolvedCalibration twice =
      resolve_calibration(fixture("fit.toml"), {"rival_lead=0.4", "rival_lead=0.1"});
  ASSERT_EQ(twice.spec.fixed.size(), 1u);
  EXPECT_EQ(twice.spec.fixed[0].second, 0.1);
}

TEST(CalibrationSpec, EachMalformedCommandLineFixHasItsMessage) {
  const auto message = [](const std::string& fix) {
    return testing::error_of([&] { resolve_calibration(fixture("fit.toml"), {fix}); });
  };
  for (const char* bad : {"rival_lead", "rival_lead=", "=0.4", "rival_lead=0.4x", "rival_lead=nan"})
    EXPECT_EQ(message(bad),
              std::string("<command line>:1:0: --fix '") + bad +
                  "' is not NAME=VALUE; allowed: a parameter of the model and a number, e.g. --fix "
                  "rival_lead=0.4");
  EXPECT_EQ(message("rival_lead=3"),
            "<command line>:1:0: [fixed] rival_lead = 3 is outside the model's range; allowed: 0 to 0.5");
  EXPECT_EQ(message("reading_noise=0.03"),
            "<command line>:1:0: 'reading_noise' is both fixed and fitted ([[parameters]]); keep one");
}

// The shipped calibration reads against the shipped scenario, observation model and data: every observed
// row inside the scenario's window, something to fit and something held out on each side of the cut-off.
TEST(ShippedCalibration, ResolvesWithRowsToFitBeforeTheCutOffAndRowsHeldOutAfterIt) {
  const ResolvedCalibration r =
      resolve_calibration(std::string(HEDGESIM_SOURCE_DIR) + "/calibration/balkans-2014-2021.toml");
  EXPECT_EQ(r.spec.fit_until, 2021);
  ASSERT_FALSE(r.fit_rows().empty());
  ASSERT_FALSE(r.held_out_rows().empty());
  for (const Observation* o : r.fit_rows())
    EXPECT_LE(o->year, 2021);
  for (const Observation* o : r.held_out_rows())
    EXPECT_GT(o->year, 2021);
  EXPECT_EQ(r.fit_rows().size() + r.held_out_rows().size() +
                static_cast<std::size_t>(std::count_if(r.observed.rows.begin(), r.observed.rows.end(),
                                                       [](const Observation& o) { return !o.fit; })),
            r.observed.rows.size());
}

}  // namespace
}  // namespace hedgesim::calibration

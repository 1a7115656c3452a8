// Tests of the observation model and the observed-data reader (calibration/observation.hpp): O1's links
// give the values their equations say; the shipped observation model loads and links every indicator the
// shipped data carry; and every defect of either file is an InputError at its file:line:col.
#include "calibration/observation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "io/csv_reader.hpp"
#include "model/load.hpp"
#include "support/files.hpp"
#include "support/input_error_message.hpp"

namespace hedgesim::calibration {
namespace {

using testing::at;
using testing::error_of;

const std::string kModelDir = std::string(HEDGESIM_SOURCE_DIR) + "/model";

const std::string kTwoIndicators = R"([[indicator]]
id = "share"
variable = "signal"
link = "logistic"
scale = 100
intercept = 1.0
slope = 3.0
error = "normal"
noise_sd = 8.0

[[indicator]]
id = "yes_no"
variable = "signal"
link = "logistic"
scale = 1
intercept = 0.0
slope = 8.0
error = "bernoulli"
)";

TEST(Observation, LinksGiveTheValuesOfTheirEquations) {
  const ObservationModel m = parse_observation_model(kTwoIndicators, "obs.toml");
  ASSERT_EQ(m.indicators.size(), 2u);
  EXPECT_NEAR(expected_observation(m.indicators[0], 0.0), 100 / (1 + std::exp(-1.0)), 1e-12);
  EXPECT_NEAR(expected_observation(m.indicators[0], -1.0), 100 / (1 + std::exp(2.0)), 1e-12);
  EXPECT_DOUBLE_EQ(expected_observation(m.indicators[1], 0.0), 0.5);
  IndicatorLink linear{};
  linear.link = Link::linear;
  linear.intercept = 55;
  linear.slope = 25;
  EXPECT_DOUBLE_EQ(expected_observation(linear, 0.4), 65);
}

TEST(Observation, TheShippedModelLinksEveryIndicatorToAHedgerVariable) {
  const ObservationModel m = load_observation_model(kModelDir + "/observation.toml");
  EXPECT_GE(m.indicators.size(), 5u);
  for (const IndicatorLink& l : m.indicators)
    EXPECT_EQ(info(l.variable).scope, Scope::hedger) << l.id;
}

std::string defect(const std::string& text) {
  return error_of([&] { parse_observation_model(text, "obs.toml"); });
}

TEST(ObservationDefect, EachIsReportedWhereItIsWithWhatIsAllowed) {
  EXPECT_EQ(defect(""), at("obs.toml", 1, 1) +
                            "the observation model links no indicator; add an [[indicator]] table with id, "
                            "variable, link, error and the link's parameters");
  const std::string one =
      "[[indicator]]\nid = \"k\"\nvariable = \"signal\"\nlink = \"linear\"\n"
      "intercept = 0\nslope = 1\nerror = \"normal\"\nnoise_sd = 1\n";
  EXPECT_NO_THROW(parse_observation_model(one, "obs.toml"));
  EXPECT_EQ(defect(one + one),
            at("obs.toml", 10, 6) + "indicator 'k' is defined twice; each id names one indicator");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = one;
    t.replace(t.find(from), from.size(), to);
    return defect(t);
  };
  EXPECT_EQ(with("signal", "signl"),
            at("obs.toml", 3, 12) +
                "'variable' = \"signl\" in [[indicator]] 'k' is not a hedger variable "
                "(did you mean 'signal'?); an indicator observes one of " +
                join_quoted([] {
                  std::vector<std::string> v;
                  for (const VarInfo& i : kVarInfo)
                    if (i.scope == Scope::hedger) v.emplace_back(i.name);
                  return v;
                }()));
  EXPECT_NE(with("signal", "detente").find("is not a hedger variable"), std::string::npos);
  EXPECT_EQ(with("\"linear\"", "\"probit\""),
            at("obs.toml", 4, 8) +
                "'link' = \"probit\" in [[indicator]] 'k' is not allowed; allowed: 'linear' or 'logistic'");
  EXPECT_EQ(with("\"normal\"", "\"gauss\""),
            at("obs.toml", 7, 9) +
                "'error' = \"gauss\" in [[indicator]] 'k' is not allowed; allowed: 'normal' or 'bernoulli'");
  EXPECT_EQ(with("slope = 1", "slope = 1\nscale = 2"),
            at("obs.toml", 7, 1) +
                "'scale' in [[indicator]] 'k' applies to a logistic link only; a linear link is intercept + "
                "slope * x");
  EXPECT_EQ(with("\"normal\"", "\"bernoulli\""),
            at("obs.toml", 7, 9) +
                "error = \"bernoulli\" in [[indicator]] 'k' needs link = \"logistic\" with "
                "scale = 1, so that the link gives a probability");
  EXPECT_NE(with("noise_sd = 1", "noise_sd = 0").find("obs.toml:8:12: 'noise_sd' = 0 is out of range"),
            std::string::npos);
  EXPECT_NE(with("slope = 1", "slop = 1").find("unknown key 'slop'"), std::string::npos);
  EXPECT_NE(with("slope = 1\n", "").find("missing the required key 'slope'"), std::string::npos);
}

class ObservedDataTest : public testing::ScratchDirTest {
 protected:
  ObservedDataTest() : ScratchDirTest("") {}
  std::string csv(const std::string& rows) {
    const std::string path = (root_ / "observed.csv").string();
    testing::spit(path, "country,year,indicator,value,unit,source,note,use\n" + rows);
    return path;
  }
  std::string defect(const std::string& rows) {
    const std::string path = csv(rows);
    return error_of([&] { read_observed_data(path, observation_, spec_); });
  }
  const ModelSpec spec_ = load_model(kModelDir);
  const ObservationModel observation_ = parse_observation_model(kTwoIndicators, "obs.toml");
  std::string hedger_ = [this] {
    for (const AgentSpec& a : spec_.agents)
      if (a.kind == Kind::hedger) return a.id;
    return std::string();
  }();
};

TEST_F(ObservedDataTest, ReadsRowsAndKeepsAltRowsApart) {
  const std::string path =
      csv(hedger_ + ",2019,share,61.5,percent,src,,fit\n" + hedger_ +
          ",2019,share,58,percent,other src,,alt\n" + hedger_ + ",2022,yes_no,0,,src,,fit\n");
  const ObservedData d = read_observed_data(path, observation_, spec_);
  ASSERT_EQ(d.rows.size(), 3u);
  EXPECT_EQ(d.rows[0].country, hedger_);
  EXPECT_EQ(d.rows[0].year, 2019);
  EXPECT_EQ(d.rows[0].indicator, 0);
  EXPECT_DOUBLE_EQ(d.rows[0].value, 61.5);
  EXPECT_TRUE(d.rows[0].fit);
  EXPECT_FALSE(d.rows[1].fit);
  EXPECT_EQ(d.rows[2].indicator, 1);
  EXPECT_EQ(d.rows[2].where.line, 4);
}

TEST_F(ObservedDataTest, EachDefectIsReportedAtItsField) {
  const std::string file = (root_ / "observed.csv").string();
  EXPECT_EQ(defect("Atlantis,2019,share,1,,s,,fit\n")
                .rfind(at(file, 2, 1) + "country 'Atlantis' is not a hedger", 0),
            0u);
  EXPECT_NE(defect("Atlantis,2019,share,1,,s,,fit\n").find("its hedgers are '" + hedger_ + "'"),
            std::string::npos);
  EXPECT_EQ(
      defect(hedger_ + ",1850,share,1,,s,,fit\n"),
      at(file, 2, static_cast<int>(hedger_.size()) + 2) + "year 1850 is out of range; allowed: 1900 to 2100");
  EXPECT_EQ(
      defect(hedger_ + ",2019,shares,1,,s,,fit\n"),
      at(file, 2, static_cast<int>(hedger_.size()) + 7) +
          "indicator 'shares' has no link in obs.toml (did you mean 'share'?); linked indicators: 'share' or "
          "'yes_no'");
  EXPECT_NE(defect(hedger_ + ",2022,yes_no,0.5,,s,,fit\n").find("its value must be 0 or 1, got 0.5"),
            std::string::npos);
  EXPECT_NE(
      defect(hedger_ + ",2019,share,x,,s,,fit\n").find(at(file, 2, static_cast<int>(hedger_.size()) + 13)),
      std::string::npos);
  EXPECT_NE(
      defect(hedger_ + ",2019,share,1,,s,,maybe\n").find("use = 'maybe' is not allowed; allowed: 'fit'"),
      std::string::npos);
  EXPECT_NE(defect(hedger_ + ",2019,share,1,,s,,fit\n" + hedger_ + ",2019,share,2,,t,,fit\n")
                .find(":3:" + std::to_string(hedger_.size() + 19) + ": a second 'fit' row for " + hedger_ +
                      " 2019 share (the first is on line 2); mark all "
                      "but one 'alt'"),
            std::string::npos);
  EXPECT_NE(defect(hedger_ + ",2019,share\n").find("fields"), std::string::npos);
}

TEST(ShippedObservedData, ReadsAgainstTheShippedObservationModelAndModelWithASourceOnEveryRow) {
  const std::string dir = std::string(HEDGESIM_SOURCE_DIR);
  const ObservedData d =
      read_observed_data(dir + "/data/observed/indicators.csv",
                         load_observation_model(dir + "/model/observation.toml"), load_model(dir + "/model"));
  ASSERT_FALSE(d.rows.empty());
  // Every row names the page its number was read from and quotes it (the data's rule, README.md there).
  io::CsvReader csv(dir + "/data/observed/indicators.csv");
  const std::size_t source = csv.column("source"), note = csv.column("note");
  while (csv.next()) {
    EXPECT_NE(csv.text(source).find("https://"), std::string::npos) << "line " << csv.line();
    EXPECT_FALSE(csv.text(note).empty()) << "line " << csv.line();
  }
}

}  // namespace
}  // namespace hedgesim::calibration

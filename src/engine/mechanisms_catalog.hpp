// The catalogue of the model's mechanisms: the stable names used as attribution sources
// (`mechanism:<name>` in attribution.csv), the equation each implements in docs/ODD.md, and a sentence a
// student can read. The engine and the reports both use this table, so a mechanism is named in one place.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace hedgesim {

enum class Mechanism : unsigned char {
  regional_diffusion,
  anchoring,
  hedging,
  patron_pull,
  signal_noise,
  substance_drift,
  grievance_dynamics,
  hedging_decision,
  western_response,
  payoff_learning,
  patron_engagement,
  detente_decay,
  belief_update,
  trust_dynamics,
  opinion_dynamics,
  position_drift,
};
inline constexpr int kMechanismCount = 16;

struct MechanismInfo {
  std::string_view name;      ///< attribution source is "mechanism:" + name
  std::string_view equation;  ///< label of its equation in docs/ODD.md
  std::string_view plain;     ///< completes "... because of <plain>"; placeholders as in VarInfo::meaning
  /// The variables of the moved agent (or of its pairs with patrons: "belief" stands for every
  /// "belief@<patron>") whose movement drives this mechanism, comma-separated; what `explain` follows to
  /// name a mechanism's own causes (indirect effects). Noise and relaxation terms have none.
  std::string_view inputs;
};

inline constexpr std::array<MechanismInfo, kMechanismCount> kMechanismInfo = {{
    {"regional_diffusion", "E1a", "the example of its neighbours (regional diffusion of signals)", ""},
    {"anchoring", "E1b", "the pull back toward its long-run position and what is still on display",
     "position,display"},
    {"hedging", "E1c", "its leader's visible conduct: courting {rival_seat}, or complying with the West",
     "courting,complying"},
    {"patron_pull", "E1d", "the patrons' engagement with it (visits, offers, attention)", "engagement"},
    {"signal_noise", "E1e", "day-to-day political noise", ""},
    {"substance_drift", "E2", "the slow drift of trade, security and legal ties", "signal,accession"},
    {"grievance_dynamics", "E3",
     "grievance building up under hard conditions and standing vetoes, or fading with time",
     "conditionality,accession,veto"},
    {"hedging_decision", "E4",
     "the leader's choice to court {rival_seat}, comply or hold (lessons, grievance, public opinion)",
     "grievance,payoff_court,payoff_comply,opinion"},
    {"western_response", "E5",
     "the West's response to the drift it perceives: softening, or hardening past a threshold", "belief"},
    {"payoff_learning", "E6", "learning what courting {rival_seat} and complying have brought",
     "conditionality,accession,engagement"},
    {"patron_engagement", "E7",
     "{rival} answering the drift it perceives, weighted by trust, out of a limited budget", "belief,trust"},
    {"detente_decay", "E8", "a reset with {rival_seat} fading over time", ""},
    {"belief_update", "E9", "the patrons reading its visible signal week after week (Kalman filter)",
     "signal"},
    {"trust_dynamics", "E10", "the patrons' trust following what they believe of it", "belief"},
    {"opinion_dynamics", "E11", "public opinion following the leader's visible line, slowly", "signal"},
    {"position_drift", "E12", "its long-run position following public opinion, slowly", "opinion"},
}};

inline constexpr const MechanismInfo& info(Mechanism m) {
  return kMechanismInfo[static_cast<int>(m)];
}

inline std::optional<Mechanism> mechanism_from_name(std::string_view name) {
  for (int i = 0; i < kMechanismCount; ++i)
    if (kMechanismInfo[i].name == name) return static_cast<Mechanism>(i);
  return std::nullopt;
}

}  // namespace hedgesim

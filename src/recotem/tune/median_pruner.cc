#include "recotem/tune/median_pruner.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace recotem::tune {

namespace {

// numpy.nanpercentile(values, 50): the median with linear interpolation.
double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  if (n % 2 == 1) return values[n / 2];
  return 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace

bool ShouldPrune(const std::vector<FrozenTrial>& study_trials,
                 const std::map<int64_t, double>& own_values, int64_t step,
                 const MedianPrunerOptions& options) {
  int64_t n_completed = 0;
  std::vector<double> at_step;
  for (const FrozenTrial& t : study_trials) {
    if (t.state != TrialState::kComplete) continue;
    ++n_completed;
    auto it = t.intermediate_values.find(step);
    if (it != t.intermediate_values.end() && !std::isnan(it->second)) at_step.push_back(it->second);
  }
  if (n_completed == 0 || n_completed < options.n_startup_trials) return false;
  if (own_values.empty()) return false;
  double best = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [s, value] : own_values) {
    if (std::isnan(value)) continue;
    if (std::isnan(best) || value < best) best = value;
  }
  if (std::isnan(best)) return true;
  if (at_step.empty()) return false;
  return best > Median(std::move(at_step));
}

}  // namespace recotem::tune

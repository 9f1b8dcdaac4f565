#include "recotem/tune/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <tuple>

namespace recotem::tune {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

bool IsLog(const ParamDistribution& d) {
  return d.kind == DistributionKind::kFloatLog || d.kind == DistributionKind::kIntLog;
}

bool IsInt(const ParamDistribution& d) {
  return d.kind == DistributionKind::kIntUniform || d.kind == DistributionKind::kIntLog;
}

// The [low, high] interval in the estimator's space.
std::pair<double, double> InternalBounds(const ParamDistribution& d) {
  double low = IsInt(d) ? d.low - 0.5 : d.low;
  double high = IsInt(d) ? d.high + 0.5 : d.high;
  if (IsLog(d)) return {std::log(low), std::log(high)};
  return {low, high};
}

double ToInternal(const ParamDistribution& d, double value) {
  return IsLog(d) ? std::log(value) : value;
}

// Maps an estimator-space point back to a value of the distribution.
double FromInternal(const ParamDistribution& d, double x) {
  double value = IsLog(d) ? std::exp(x) : x;
  if (IsInt(d)) value = std::round(value);
  return std::clamp(value, d.low, d.high);
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

double LogSumExp(const std::vector<double>& terms) {
  double max = *std::max_element(terms.begin(), terms.end());
  if (!std::isfinite(max)) return max;
  double sum = 0;
  for (double t : terms) sum += std::exp(t - max);
  return max + std::log(sum);
}

std::vector<double> Normalised(std::vector<double> weights) {
  double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (double& w : weights) w /= total;
  return weights;
}

size_t PickComponent(const std::vector<double>& weights, std::mt19937_64& rng) {
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  return pick(rng);
}

// A mixture of normals truncated to [low, high] (the numeric Parzen
// estimator): one kernel per observation plus the prior kernel.
struct NumericMixture {
  std::vector<double> weights, mus, sigmas;
  double low = 0, high = 0;

  double Sample(std::mt19937_64& rng) const {
    size_t k = PickComponent(weights, rng);
    std::normal_distribution<double> normal(mus[k], sigmas[k]);
    for (int attempt = 0; attempt < 64; ++attempt) {
      double x = normal(rng);
      if (x >= low && x <= high) return x;
    }
    return std::clamp(mus[k], low, high);
  }

  double LogPdf(double x) const {
    std::vector<double> terms(mus.size());
    for (size_t k = 0; k < mus.size(); ++k) {
      double z = (x - mus[k]) / sigmas[k];
      double mass = NormalCdf((high - mus[k]) / sigmas[k]) - NormalCdf((low - mus[k]) / sigmas[k]);
      terms[k] = std::log(weights[k]) - 0.5 * z * z - std::log(sigmas[k]) -
                 0.5 * std::log(2 * std::numbers::pi) - std::log(std::max(mass, 1e-300));
    }
    return LogSumExp(terms);
  }
};

// A mixture of categorical kernels: one per observation (smoothed towards
// uniform by the prior weight) plus the uniform prior kernel.
struct CategoricalMixture {
  std::vector<double> weights;
  std::vector<std::vector<double>> rows;  // per kernel: probability per choice

  double Sample(std::mt19937_64& rng) const {
    const std::vector<double>& row = rows[PickComponent(weights, rng)];
    return static_cast<double>(PickComponent(row, rng));
  }

  double LogPdf(double x) const {
    auto choice = static_cast<size_t>(x);
    double p = 0;
    for (size_t k = 0; k < rows.size(); ++k) p += weights[k] * rows[k][choice];
    return std::log(p);
  }
};

std::vector<double> MixtureWeights(size_t n_observations, double prior_weight) {
  std::vector<double> weights = TpeWeights(static_cast<int64_t>(n_observations));
  weights.push_back(prior_weight);
  return Normalised(std::move(weights));
}

// Optuna's bandwidths: each kernel's sigma is the larger gap to its sorted
// neighbours (the prior's mean included, the bounds as outer neighbours;
// with endpoints off the outermost kernels use their inner gap), clipped to
// [range / min(100, 1 + kernels), range] by the magic clip.
std::vector<double> Bandwidths(const std::vector<double>& mus, double prior_mu, double low,
                               double high, const TpeOptions& options) {
  std::vector<double> with_prior = mus;
  with_prior.push_back(prior_mu);
  std::vector<size_t> order(with_prior.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return with_prior[a] < with_prior[b]; });
  std::vector<double> ext;
  ext.push_back(low);
  for (size_t k : order) ext.push_back(with_prior[k]);
  ext.push_back(high);
  size_t n = with_prior.size();
  std::vector<double> sorted_sigmas(n);
  for (size_t i = 0; i < n; ++i) {
    sorted_sigmas[i] = std::max(ext[i + 1] - ext[i], ext[i + 2] - ext[i + 1]);
  }
  if (!options.consider_endpoints && ext.size() >= 4) {
    sorted_sigmas[0] = ext[2] - ext[1];
    sorted_sigmas[n - 1] = ext[n] - ext[n - 1];
  }
  double range = high - low;
  double min_sigma = options.consider_magic_clip
                         ? range / std::min(100.0, 1.0 + static_cast<double>(mus.size() + 1))
                         : std::numeric_limits<double>::epsilon();
  std::vector<double> sigmas(mus.size());
  for (size_t i = 0; i < n; ++i) {
    if (order[i] < mus.size()) sigmas[order[i]] = std::clamp(sorted_sigmas[i], min_sigma, range);
  }
  return sigmas;
}

NumericMixture BuildNumeric(const ParamDistribution& d, const std::vector<double>& observations,
                            const TpeOptions& options) {
  NumericMixture m;
  std::tie(m.low, m.high) = InternalBounds(d);
  double prior_mu = 0.5 * (m.low + m.high);
  for (double v : observations) m.mus.push_back(ToInternal(d, v));
  m.sigmas = Bandwidths(m.mus, prior_mu, m.low, m.high, options);
  m.mus.push_back(prior_mu);
  m.sigmas.push_back(m.high - m.low);
  m.weights = MixtureWeights(observations.size(), options.prior_weight);
  return m;
}

CategoricalMixture BuildCategorical(const ParamDistribution& d,
                                    const std::vector<double>& observations,
                                    const TpeOptions& options) {
  CategoricalMixture m;
  size_t n_choices = d.choices.size();
  double fill = options.prior_weight / static_cast<double>(observations.size() + 1);
  for (double v : observations) {
    std::vector<double> row(n_choices, fill);
    row[std::min(static_cast<size_t>(v), n_choices - 1)] += 1.0;
    m.rows.push_back(Normalised(std::move(row)));
  }
  m.rows.emplace_back(n_choices, 1.0 / static_cast<double>(n_choices));
  m.weights = MixtureWeights(observations.size(), options.prior_weight);
  return m;
}

std::vector<double> ObservedValues(const std::vector<const FrozenTrial*>& trials,
                                   const std::string& name) {
  std::vector<double> values;
  values.reserve(trials.size());
  for (const FrozenTrial* t : trials) values.push_back(t->params.at(name));
  return values;
}

// Draws candidates from l(x) and returns the one with the best
// log l(x) − log g(x) (the first on ties).
template <typename Mixture>
double BestCandidate(const Mixture& below, const Mixture& above, int n_candidates,
                     std::mt19937_64& rng) {
  double best_x = 0;
  double best_score = kNegInf;
  for (int i = 0; i < n_candidates; ++i) {
    double x = below.Sample(rng);
    double score = below.LogPdf(x) - above.LogPdf(x);
    if (i == 0 || score > best_score) {
      best_x = x;
      best_score = score;
    }
  }
  return best_x;
}

// Sort key of a finished trial for the below/above split: COMPLETE trials by
// value, then PRUNED ones pruned later first (then by their last value),
// then PRUNED ones that never reported.
std::tuple<int, double, double> RankKey(const FrozenTrial& t) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (t.state == TrialState::kComplete) {
    double v = t.value.value_or(kInf);
    return {0, 0.0, std::isnan(v) ? kInf : v};
  }
  if (t.intermediate_values.empty()) return {2, 0.0, 0.0};
  const auto& [step, value] = *t.intermediate_values.rbegin();
  return {1, -static_cast<double>(step), std::isnan(value) ? kInf : value};
}

}  // namespace

int64_t TpeGamma(int64_t n_finished) { return std::min<int64_t>((n_finished + 9) / 10, 25); }

std::vector<double> TpeWeights(int64_t n) {
  std::vector<double> weights;
  if (n <= 0) return weights;
  if (n < 25) return std::vector<double>(static_cast<size_t>(n), 1.0);
  int64_t ramp = n - 25;
  double start = 1.0 / static_cast<double>(n);
  for (int64_t i = 0; i < ramp; ++i) {
    double t = ramp == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(ramp - 1);
    weights.push_back(start + (1.0 - start) * t);
  }
  weights.resize(static_cast<size_t>(n), 1.0);
  return weights;
}

std::pair<std::vector<const FrozenTrial*>, std::vector<const FrozenTrial*>> SplitBelowAbove(
    const std::vector<FrozenTrial>& history, const std::string& param_name) {
  std::vector<const FrozenTrial*> finished;
  for (const FrozenTrial& t : history) {
    if (t.state == TrialState::kComplete || t.state == TrialState::kPruned) finished.push_back(&t);
  }
  std::stable_sort(
      finished.begin(), finished.end(),
      [](const FrozenTrial* a, const FrozenTrial* b) { return RankKey(*a) < RankKey(*b); });
  auto n_below = static_cast<size_t>(TpeGamma(static_cast<int64_t>(finished.size())));
  std::vector<const FrozenTrial*> below, above;
  for (size_t i = 0; i < finished.size(); ++i) {
    if (!finished[i]->params.contains(param_name)) continue;
    (i < n_below ? below : above).push_back(finished[i]);
  }
  auto by_number = [](const FrozenTrial* a, const FrozenTrial* b) { return a->number < b->number; };
  std::sort(below.begin(), below.end(), by_number);
  std::sort(above.begin(), above.end(), by_number);
  return {std::move(below), std::move(above)};
}

double SampleUniform(const ParamDistribution& d, std::mt19937_64& rng) {
  if (d.kind == DistributionKind::kCategorical) {
    std::uniform_int_distribution<size_t> pick(0, d.choices.size() - 1);
    return static_cast<double>(pick(rng));
  }
  if (d.kind == DistributionKind::kIntUniform) {
    std::uniform_int_distribution<int64_t> pick(static_cast<int64_t>(d.low),
                                                static_cast<int64_t>(d.high));
    return static_cast<double>(pick(rng));
  }
  auto [low, high] = InternalBounds(d);
  std::uniform_real_distribution<double> uniform(low, high);
  return FromInternal(d, uniform(rng));
}

double TpeSampler::Sample(const ParamDistribution& d, const std::vector<FrozenTrial>& history,
                          int64_t n_finished_in_study, std::mt19937_64& rng) const {
  if (n_finished_in_study < options_.n_startup_trials) return SampleUniform(d, rng);
  auto [below_trials, above_trials] = SplitBelowAbove(history, d.name);
  std::vector<double> below = ObservedValues(below_trials, d.name);
  std::vector<double> above = ObservedValues(above_trials, d.name);
  if (d.kind == DistributionKind::kCategorical) {
    return BestCandidate(BuildCategorical(d, below, options_), BuildCategorical(d, above, options_),
                         options_.n_ei_candidates, rng);
  }
  double x = BestCandidate(BuildNumeric(d, below, options_), BuildNumeric(d, above, options_),
                           options_.n_ei_candidates, rng);
  return FromInternal(d, x);
}

}  // namespace recotem::tune

#include "recotem/recipe/trial_budget.h"

#include <algorithm>
#include <cmath>

#include "recotem/core/errors.h"
#include "recotem/recipe/algorithm_names.h"

namespace recotem {
namespace {

constexpr const char* kCodeUnknownAlgorithmInBudget = "unknown_algorithm_in_budget";

// Step 1 of §9.4: `total` split evenly, the first `total mod n` one more.
void SplitEvenly(const std::vector<size_t>& members, int64_t total, std::vector<int64_t>* budget) {
  if (members.empty()) return;
  int64_t n = static_cast<int64_t>(members.size());
  int64_t base = total / n;
  int64_t rem = total % n;
  for (int64_t i = 0; i < n; ++i) (*budget)[members[i]] = base + (i < rem ? 1 : 0);
}

// Step 6 of §9.4 for `total` >= the number of positive explicit classes:
// scaled budgets rounded half-to-even, at least 1 each, the last positive
// class taking what is left. The fix: each rounded budget is capped so that
// every later positive class can still get 1, hence the sum is exactly
// `total` (the original could exceed it, e.g. N=3 with 100/1/1 → 3+1+1).
void ScaleOverSubscribed(const std::vector<size_t>& explicit_classes,
                         const std::vector<int64_t>& values, int64_t total,
                         std::vector<int64_t>* budget) {
  int64_t sum = 0;
  int64_t positive_left = 0;
  for (size_t c : explicit_classes) {
    sum += values[c];
    if (values[c] > 0) ++positive_left;
  }
  double scale = static_cast<double>(total) / static_cast<double>(sum);
  int64_t allocated = 0;
  for (size_t c : explicit_classes) {
    if (values[c] == 0) {
      (*budget)[c] = 0;
      continue;
    }
    --positive_left;
    if (positive_left == 0) {
      (*budget)[c] = std::max<int64_t>(1, total - allocated);
      break;
    }
    // nearbyint rounds half to even in the default rounding mode.
    int64_t b = std::max<int64_t>(
        1, static_cast<int64_t>(std::nearbyint(static_cast<double>(values[c]) * scale)));
    b = std::min(b, total - allocated - positive_left);
    (*budget)[c] = b;
    allocated += b;
  }
}

}  // namespace

std::vector<std::pair<std::string, int64_t>> SplitTrialBudget(
    const std::vector<std::string>& canonical_classes, int64_t n_trials,
    const std::optional<std::map<std::string, int64_t>>& per_algorithm_trials,
    const AlgorithmResolver& resolve) {
  std::vector<std::string> classes;
  for (const auto& c : canonical_classes) {
    if (std::find(classes.begin(), classes.end(), c) == classes.end()) classes.push_back(c);
  }
  const int64_t total = std::max<int64_t>(0, n_trials);
  std::vector<int64_t> budget(classes.size(), 0);
  auto result = [&]() {
    std::vector<std::pair<std::string, int64_t>> out;
    for (size_t i = 0; i < classes.size(); ++i) {
      if (budget[i] > 0) out.emplace_back(classes[i], budget[i]);
    }
    return out;
  };
  std::vector<size_t> all(classes.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;

  if (!per_algorithm_trials || per_algorithm_trials->empty()) {
    SplitEvenly(all, total, &budget);
    return result();
  }

  // Step 2: resolve keys; values below zero count as zero.
  std::vector<int64_t> values(classes.size(), 0);
  std::vector<bool> has_entry(classes.size(), false);
  for (const auto& [key, raw_value] : *per_algorithm_trials) {
    auto exact = std::find(classes.begin(), classes.end(), key);
    std::optional<std::string> canonical;
    if (exact != classes.end()) {
      canonical = key;
    } else {
      canonical = resolve ? resolve(key) : ResolveAlgorithmName(key);
    }
    auto it = canonical ? std::find(classes.begin(), classes.end(), *canonical) : classes.end();
    if (it == classes.end()) {
      throw TrainingError("per_algorithm_trials key '" + key +
                              "' does not name an algorithm listed in training.algorithms",
                          kCodeUnknownAlgorithmInBudget);
    }
    size_t idx = static_cast<size_t>(it - classes.begin());
    values[idx] = std::max<int64_t>(0, raw_value);
    has_entry[idx] = true;
  }

  // Step 3.
  std::vector<size_t> explicit_classes, unspecified, positive;
  int64_t sum = 0;
  for (size_t i = 0; i < classes.size(); ++i) {
    if (has_entry[i]) {
      explicit_classes.push_back(i);
      sum += values[i];
      if (values[i] > 0) positive.push_back(i);
    } else {
      unspecified.push_back(i);
    }
  }
  // Step 4: everything explicitly zero and nothing else → even split.
  if (sum == 0 && unspecified.empty()) {
    SplitEvenly(all, total, &budget);
    return result();
  }
  const int64_t enabled = static_cast<int64_t>(unspecified.size() + positive.size());
  const bool everyone_fits = total >= enabled;

  if (sum > total) {
    // Step 6, over-subscribed.
    if (total < static_cast<int64_t>(positive.size())) {
      for (int64_t i = 0; i < total; ++i) budget[positive[i]] = 1;
      return result();
    }
    int64_t reserved = 0;
    if (everyone_fits) {
      // The fix: unspecified classes are enabled too and get one trial each
      // (the original gave them none).
      for (size_t c : unspecified) budget[c] = 1;
      reserved = static_cast<int64_t>(unspecified.size());
    }
    ScaleOverSubscribed(explicit_classes, values, total - reserved, &budget);
    return result();
  }

  // Step 7: explicit budgets are honoured, the rest goes to the others.
  for (size_t c : explicit_classes) budget[c] = values[c];
  int64_t left = total - sum;
  if (!unspecified.empty()) {
    int64_t missing = static_cast<int64_t>(unspecified.size()) - left;
    if (missing > 0 && everyone_fits) {
      // The fix: take the trials the unspecified classes need, one at a
      // time, from the largest explicit budget (the later class on a tie).
      for (int64_t i = 0; i < missing; ++i) {
        size_t largest = positive.front();
        for (size_t c : positive) {
          if (budget[c] >= budget[largest]) largest = c;
        }
        --budget[largest];
      }
      left += missing;
    }
    SplitEvenly(unspecified, left, &budget);
  } else if (left > 0) {
    budget[positive.back()] += left;
  }
  return result();
}

}  // namespace recotem

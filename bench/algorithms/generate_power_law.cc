// recotem-bench-generate-power-law: writes a synthetic implicit-feedback
// table (TSV "user<TAB>item", no header) whose user activity and item
// popularity both follow power laws, the shape of real interaction logs.
// Every (user, item) pair is distinct, so the split keeps all of them.
//
//   recotem-bench-generate-power-law --users 200000 --items 50000
//       --interactions 10000000 --seed 1 --out /tmp/power_law_10m.tsv
//
// User u (0-based) gets a share ∝ (u + 1)^-kUserExponent of the interactions
// (at least 1, at most kMaxItemsPerUser); its items are drawn from a Zipf
// distribution ∝ (i + 1)^-kItemExponent without repetition. Deterministic for
// a seed (mt19937_64 and our own inverse-CDF sampling).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

constexpr double kUserExponent = 0.6;
constexpr double kItemExponent = 0.9;
constexpr int64_t kMaxItemsPerUser = 5000;

// Interactions per user, summing to `total`.
std::vector<int64_t> UserCounts(int64_t users, int64_t items, int64_t total) {
  std::vector<double> weight(static_cast<size_t>(users));
  double sum = 0;
  for (int64_t u = 0; u < users; ++u) sum += weight[u] = std::pow(u + 1.0, -kUserExponent);
  const int64_t cap = std::min(kMaxItemsPerUser, items);
  std::vector<int64_t> counts(static_cast<size_t>(users));
  int64_t assigned = 0;
  for (int64_t u = 0; u < users; ++u) {
    counts[u] = std::clamp<int64_t>(std::llround(weight[u] / sum * total), 1, cap);
    assigned += counts[u];
  }
  // Spread the rounding remainder over the users with room left, tail first.
  for (int64_t u = users - 1; assigned != total && u >= 0; --u) {
    if (assigned < total && counts[u] < cap) {
      ++counts[u];
      ++assigned;
    } else if (assigned > total && counts[u] > 1) {
      --counts[u];
      --assigned;
    }
    if (u == 0 && assigned != total) u = users;  // another pass
  }
  return counts;
}

int Run(int argc, char** argv) {
  CLI::App app{"Generate a power-law interaction table (TSV)."};
  int64_t users = 200000, items = 50000, interactions = 10000000;
  uint64_t seed = 1;
  std::string out_path;
  app.add_option("--users", users)->check(CLI::PositiveNumber);
  app.add_option("--items", items)->check(CLI::PositiveNumber);
  app.add_option("--interactions", interactions)->check(CLI::PositiveNumber);
  app.add_option("--seed", seed);
  app.add_option("--out", out_path)->required();
  CLI11_PARSE(app, argc, argv);
  if (interactions > users * std::min(kMaxItemsPerUser, items) || interactions < users) {
    throw std::runtime_error("interaction count out of reach for that many users and items");
  }
  std::vector<double> cdf(static_cast<size_t>(items));
  double acc = 0;
  for (int64_t i = 0; i < items; ++i) cdf[i] = acc += std::pow(i + 1.0, -kItemExponent);
  for (double& c : cdf) c /= acc;

  std::FILE* out = std::fopen(out_path.c_str(), "w");
  if (out == nullptr) throw std::runtime_error("cannot write " + out_path);
  std::mt19937_64 rng(seed);
  std::unordered_set<int64_t> chosen;
  std::vector<int64_t> counts = UserCounts(users, items, interactions);
  for (int64_t u = 0; u < users; ++u) {
    chosen.clear();
    while (static_cast<int64_t>(chosen.size()) < counts[u]) {
      const double r = static_cast<double>(rng() >> 11) * 0x1.0p-53;
      auto item = static_cast<int64_t>(std::lower_bound(cdf.begin(), cdf.end(), r) - cdf.begin());
      if (chosen.insert(std::min(item, items - 1)).second) {
        std::fprintf(out, "%lld\t%lld\n", static_cast<long long>(u),
                     static_cast<long long>(std::min(item, items - 1)));
      }
    }
  }
  if (std::fclose(out) != 0) throw std::runtime_error("cannot finish " + out_path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "recotem-bench-generate-power-law: " << e.what() << std::endl;
    return 1;
  }
}

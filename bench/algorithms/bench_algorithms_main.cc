// recotem-bench-algorithms: one split + fit + evaluation from the command
// line, printed as one JSON line. bench/algorithms/run_bench.py drives it to
// fill bench/RESULTS.md; it is also handy for checking an algorithm by hand:
//
//   recotem-bench-algorithms --data ../shared/data/ml-100k/u.data --format tsv
//       --user-col 0 --item-col 1 --algorithm IALS
//       --params '{"n_components":64,"alpha0":1,"reg":1e-3,"train_epochs":10}'
//
// The loader is deliberately minimal (no quoting; one delimiter): benchmark
// inputs are plain numeric tables. Columns are named (with --header) or given
// as 0-based indices. Every line counts as one interaction.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "recotem/algo/algorithm_registry.h"
#include "recotem/algo/parallel_for.h"
#include "recotem/core/interactions.h"
#include "recotem/core/strings.h"
#include "recotem/tune/evaluator.h"
#include "recotem/tune/split.h"

namespace {

using recotem::Interactions;
using Clock = std::chrono::steady_clock;

struct TableOptions {
  std::string path;
  char delimiter = ',';
  bool header = false;
  std::string user_col;
  std::string item_col;
};

// Index of `column` among `names` (header) or as a 0-based number.
size_t ColumnIndex(const std::string& column, const std::vector<std::string>& names) {
  for (size_t k = 0; k < names.size(); ++k) {
    if (names[k] == column) return k;
  }
  std::optional<int64_t> index = recotem::ParseLooseInt(column);
  if (!index || *index < 0) throw std::runtime_error("unknown column '" + column + "'");
  return static_cast<size_t>(*index);
}

Interactions LoadTable(const TableOptions& options) {
  std::ifstream in(options.path);
  if (!in) throw std::runtime_error("cannot open " + options.path);
  std::string line;
  std::vector<std::string> names;
  if (options.header && std::getline(in, line)) {
    for (const std::string& n : recotem::Split(line, options.delimiter)) {
      names.emplace_back(recotem::Trim(n));
    }
  }
  size_t user_col = ColumnIndex(options.user_col, names);
  size_t item_col = ColumnIndex(options.item_col, names);
  Interactions data;
  std::vector<std::string_view> fields;
  int64_t line_number = options.header ? 1 : 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    fields.clear();
    std::string_view rest(line);
    for (;;) {
      size_t at = rest.find(options.delimiter);
      fields.push_back(rest.substr(0, at));
      if (at == std::string_view::npos) break;
      rest.remove_prefix(at + 1);
    }
    if (std::max(user_col, item_col) >= fields.size()) {
      throw std::runtime_error(options.path + ":" + std::to_string(line_number) +
                               ": too few columns");
    }
    data.user_index.push_back(data.users.GetOrAdd(recotem::Trim(fields[user_col])));
    data.item_index.push_back(data.items.GetOrAdd(recotem::Trim(fields[item_col])));
  }
  return data;
}

double PeakRssMib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is KiB on Linux
}

// User + system CPU seconds of every thread of the process so far. Reported
// next to wall time because the benchmark machine may be shared: CPU time is
// what the fit itself consumed.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int Run(int argc, char** argv) {
  CLI::App app{"Fit and evaluate one recotem algorithm; prints one JSON line."};
  TableOptions table;
  std::string format = "csv", algorithm, params_json = "{}", scheme = "random";
  int cutoff = 20, repeat = 1, warmup = 0, threads = 0;
  double heldout = 0.1, test_user_ratio = 1.0;
  int64_t seed = 42;
  app.add_option("--data", table.path, "interaction table")->required();
  app.add_option("--format", format, "csv or tsv")->check(CLI::IsMember({"csv", "tsv"}));
  app.add_option("--user-col", table.user_col, "user column (name or 0-based index)")->required();
  app.add_option("--item-col", table.item_col, "item column (name or 0-based index)")->required();
  app.add_flag("--header", table.header, "the first line names the columns");
  app.add_option("--algorithm", algorithm, "algorithm name or alias")->required();
  app.add_option("--params", params_json, "hyperparameters as a JSON object");
  app.add_option("--cutoff", cutoff, "evaluation cutoff");
  app.add_option("--split", scheme, "random, time_user or time_global");
  app.add_option("--heldout", heldout, "heldout_ratio");
  app.add_option("--test-user-ratio", test_user_ratio, "test_user_ratio");
  app.add_option("--seed", seed, "split seed");
  app.add_option("--repeat", repeat, "fit + evaluate this many times; report medians");
  app.add_option("--warmup", warmup,
                 "untimed fit + evaluate runs before the timed ones (page faults, thread start)");
  app.add_option("--threads", threads, "threads (0 = all cores)");
  CLI11_PARSE(app, argc, argv);
  table.delimiter = format == "tsv" ? '\t' : ',';
  recotem::SetDefaultThreadCount(threads);

  const recotem::AlgorithmRegistry& registry = recotem::AlgorithmRegistry::Default();
  std::optional<std::string> class_name = registry.ResolveAny(algorithm);
  if (!class_name) throw std::runtime_error("unknown algorithm '" + algorithm + "'");
  const recotem::AlgorithmInfo& info = *registry.Find(*class_name);
  recotem::HyperParams params = nlohmann::json::parse(params_json);

  Interactions data = LoadTable(table);
  recotem::tune::SplitOptions split_options;
  split_options.scheme = scheme;
  split_options.heldout_ratio = heldout;
  split_options.test_user_ratio = test_user_ratio;
  split_options.seed = seed;
  recotem::tune::TrainValidationSplit split = recotem::tune::SplitInteractions(data, split_options);
  recotem::tune::Evaluator evaluator(split.train, split.validation, split.validation_users, cutoff,
                                     threads);

  for (int w = 0; w < warmup; ++w) {
    std::unique_ptr<recotem::Recommender> model = info.create(params);
    model->Fit(split.train);
    evaluator.Evaluate(*model);
  }
  std::vector<double> fit_seconds, eval_seconds, fit_cpu, eval_cpu;
  recotem::tune::MetricValues metrics;
  nlohmann::json effective_params;
  for (int r = 0; r < std::max(1, repeat); ++r) {
    std::unique_ptr<recotem::Recommender> model = info.create(params);
    const double c0 = ProcessCpuSeconds();
    auto t0 = Clock::now();
    model->Fit(split.train);
    auto t1 = Clock::now();
    const double c1 = ProcessCpuSeconds();
    metrics = evaluator.Evaluate(*model);
    auto t2 = Clock::now();
    const double c2 = ProcessCpuSeconds();
    fit_seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    eval_seconds.push_back(std::chrono::duration<double>(t2 - t1).count());
    fit_cpu.push_back(c1 - c0);
    eval_cpu.push_back(c2 - c1);
    effective_params = model->params();
  }

  nlohmann::ordered_json out;
  out["algorithm"] = *class_name;
  out["params"] = effective_params;
  out["repeat"] = fit_seconds.size();
  out["fit_seconds"] = Median(fit_seconds);
  out["eval_seconds"] = Median(eval_seconds);
  out["fit_cpu_seconds"] = Median(fit_cpu);
  out["eval_cpu_seconds"] = Median(eval_cpu);
  out["fit_seconds_all"] = fit_seconds;
  out["eval_seconds_all"] = eval_seconds;
  out["peak_rss_mib"] = PeakRssMib();
  out["n_users"] = split.train.n_rows;
  out["n_items"] = split.train.n_cols;
  out["nnz"] = split.train.nnz();
  out["n_heldout"] = split.validation.nnz();
  out["cutoff"] = cutoff;
  out["ndcg"] = metrics.ndcg;
  out["map"] = metrics.map;
  out["recall"] = metrics.recall;
  out["hit"] = metrics.hit;
  out["precision"] = metrics.precision;
  out["coverage"] = metrics.coverage;
  out["valid_users"] = metrics.valid_users;
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "recotem-bench-algorithms: " << e.what() << std::endl;
    return 1;
  }
}

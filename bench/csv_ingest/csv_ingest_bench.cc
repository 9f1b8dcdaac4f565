// CSV ingest throughput: parse + cleanse (id canonicalisation, dedup, id
// mapping) of a generated interactions CSV, the first thing every
// `recotem train` run does. Prints one JSON line per run and the median.
//
//   recotem-bench-csv-ingest [--rows 2000000] [--runs 5]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "recotem/data/csv_parser.h"
#include "recotem/train/cleansing.h"

namespace {

std::string GenerateCsv(int64_t rows) {
  std::mt19937_64 rng(42);
  std::string csv = "user_id,item_id,timestamp\n";
  csv.reserve(static_cast<size_t>(rows) * 32);
  char line[96];
  for (int64_t r = 0; r < rows; ++r) {
    uint64_t user = rng() % 200000;
    uint64_t item =
        static_cast<uint64_t>(50000 * std::pow(std::generate_canonical<double, 53>(rng), 2.0));
    int n = std::snprintf(
        line, sizeof(line), "u%llu,i%llu,%lld\n", static_cast<unsigned long long>(user),
        static_cast<unsigned long long>(item), 1767225600LL + static_cast<long long>(r));
    csv.append(line, static_cast<size_t>(n));
  }
  return csv;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 2000000;
  int runs = 5;
  CLI::App app{
      "CSV ingest throughput: parse + cleanse a generated interactions CSV in memory; "
      "prints one JSON line per run and the median MB/s."};
  app.add_option("--rows", rows, "rows of the generated CSV")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 32));
  app.add_option("--runs", runs, "timed runs (the median is reported)")->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);
  std::string csv = GenerateCsv(rows);
  recotem::SchemaSpec schema;
  schema.user_column = "user_id";
  schema.item_column = "item_id";
  std::vector<double> mb_per_s;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    recotem::InteractionTable table = recotem::ParseCsv(csv, {});
    recotem::CleansedData data = recotem::Cleanse(table, schema, recotem::CleansingSpec{});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double mbs = static_cast<double>(csv.size()) / 1e6 / seconds;
    mb_per_s.push_back(mbs);
    std::printf(
        "{\"run\":%d,\"rows\":%lld,\"bytes\":%zu,\"seconds\":%.3f,\"mb_per_s\":%.1f,"
        "\"n_rows_cleansed\":%lld}\n",
        run, static_cast<long long>(rows), csv.size(), seconds, mbs,
        static_cast<long long>(data.stats.n_rows));
  }
  std::sort(mb_per_s.begin(), mb_per_s.end());
  std::printf("{\"median_mb_per_s\":%.1f,\"runs\":%d}\n", mb_per_s[mb_per_s.size() / 2], runs);
  return 0;
}

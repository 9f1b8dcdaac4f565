// recotem-bench-serve-artifact: builds a signed IALS artifact for the serve
// benchmarks with a fixed factor count, so the served model is exactly the
// size the benchmark names (ML-100k k=64, 50k items k=128) instead of
// whatever a tuning run picks.
//
//   RECOTEM_SIGNING_KEYS=bench:<hex64> recotem-bench-serve-artifact
//       --data u.data --k 64 --epochs 8 --recipe ml100k --out ml100k.recotem
//
// --data is a TSV whose first two columns are user and item ids (MovieLens
// u.data, or the power-law generator's output). Every row is one
// interaction of weight 1. --catalogue-items N registers the generator's
// item ids 0..N-1 up front, so a Zipf tail that drew no interaction is still
// in the catalogue. The artifact is written atomically.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "recotem/algo/ials.h"
#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/artifact/model_bundle.h"
#include "recotem/core/files.h"
#include "recotem/core/version.h"

namespace {

struct Options {
  std::string data;
  std::string out;
  std::string recipe;
  std::string trained_at = "2026-01-01T00:00:00Z";
  int64_t k = 64;
  int64_t epochs = 8;
  int64_t seed = 42;
  int64_t catalogue = 0;  // items "0".."N-1" exist even without interactions
};

recotem::ModelBundle ReadInteractions(const std::string& path, int64_t catalogue) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  recotem::ModelBundle bundle;
  for (int64_t i = 0; i < catalogue; ++i) bundle.items.GetOrAdd(std::to_string(i));
  std::vector<int32_t> rows, cols;
  std::string line, user, item;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    if (!std::getline(fields, user, '\t') || !std::getline(fields, item, '\t')) continue;
    rows.push_back(bundle.users.GetOrAdd(user));
    cols.push_back(bundle.items.GetOrAdd(item));
  }
  std::vector<float> ones(rows.size(), 1.0f);
  bundle.seen =
      recotem::CsrMatrix::FromTriplets(bundle.users.size(), bundle.items.size(), rows, cols, ones);
  return bundle;
}

int Run(const Options& o) {
  recotem::ModelBundle bundle = ReadInteractions(o.data, o.catalogue);
  recotem::HyperParams params = {{"n_components", o.k},
                                 {"train_epochs", o.epochs},
                                 {"random_seed", o.seed},
                                 {"alpha0", 1.0},
                                 {"reg", 1e-3}};
  auto model = std::make_unique<recotem::IALSRecommender>(params);
  model->Fit(bundle.seen);
  recotem::ArtifactHeader header;
  header.recipe_name = o.recipe;
  header.recotem_version = recotem::kRecotemVersion;
  header.irspack_version = recotem::kEngineVersion;
  header.trained_at = o.trained_at;
  header.best_class = recotem::IALSRecommender::kClassName;
  header.best_params = nlohmann::ordered_json::parse(model->params().dump());
  header.metric = "ndcg";
  header.cutoff = 10;
  header.data_stats.n_rows = bundle.seen.nnz();
  header.data_stats.n_users = bundle.users.size();
  header.data_stats.n_items = bundle.items.size();
  bundle.model = std::move(model);
  std::optional<recotem::KeyRing> ring = recotem::KeyRing::FromEnvironment();
  if (!ring) throw std::runtime_error("RECOTEM_SIGNING_KEYS is not set");
  std::vector<uint8_t> bytes = recotem::BuildContainer(
      ring->active(), recotem::EncodeHeaderJson(header), recotem::EncodePayload(bundle));
  recotem::AtomicWriteFile(o.out, bytes);
  std::cout << o.out << ": " << bundle.users.size() << " users, " << bundle.items.size()
            << " items, k=" << o.k << ", " << bytes.size() << " bytes\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app("Build a signed IALS artifact for the serve benchmarks");
  app.add_option("--data", o.data, "TSV of interactions (user, item, ...)")->required();
  app.add_option("--out", o.out, "Artifact path")->required();
  app.add_option("--recipe", o.recipe, "Recipe name in the header")->required();
  app.add_option("--trained-at", o.trained_at, "Header trained_at");
  app.add_option("--k", o.k, "IALS n_components");
  app.add_option("--epochs", o.epochs, "IALS train_epochs");
  app.add_option("--seed", o.seed, "IALS random_seed");
  app.add_option("--catalogue-items", o.catalogue,
                 "Register items 0..N-1 (the power-law generator's ids) even when unseen");
  CLI11_PARSE(app, argc, argv);
  try {
    return Run(o);
  } catch (const std::exception& e) {
    std::cerr << "recotem-bench-serve-artifact: " << e.what() << "\n";
    return 1;
  }
}

// Start-up loading (serving.md §8.2 steps 10–13): recipes are read leniently
// from the directory, every YAML that failed becomes a start-up stub, and
// every parsed recipe's artifact is loaded in parallel on
// RECOTEM_STARTUP_PARALLELISM workers. Each recipe ends up in the registry
// exactly once — loaded, or as a stub carrying the §7.4-prefixed error —
// so the server can start even when nothing loaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "recotem/artifact/key_ring.h"
#include "recotem/recipe/recipe.h"
#include "recotem/serve/model_registry.h"
#include "recotem/serve/serve_config.h"
#include "recotem/serve/serve_metrics.h"

namespace recotem::serve {

struct StartupLoadResult {
  std::vector<Recipe> recipes;  // the parsed recipes (the watcher tracks these)
  // The YAML files that failed, with the stub name each got.
  std::vector<std::pair<std::filesystem::path, std::string>> yaml_stubs;
  size_t total = 0;  // registry entries created, YAML stubs included
  size_t succeeded = 0;
  size_t failed = 0;
  double wall_seconds = 0.0;
  int64_t max_workers = 1;
};

// Populates `registry` (expected empty) from `recipes_dir`. `ring` ==
// nullptr means --dev-allow-unsigned (HMAC skipped). `metrics` (may be
// null) receives model_loaded, load failures and active_recipes. Logs
// recipe_yaml_parse_failed_at_startup, initial_artifact_*,
// recipe_not_loaded_at_startup, recipe_loaded and
// startup_artifact_load_complete. Throws RecipeError only when the
// directory itself cannot be listed.
StartupLoadResult LoadRecipesAtStartup(const std::filesystem::path& recipes_dir,
                                       const ServeConfig& config, const KeyRing* ring,
                                       ModelRegistry& registry, ServeMetrics* metrics = nullptr);

}  // namespace recotem::serve

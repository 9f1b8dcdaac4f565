#include "recotem/serve/startup_loader.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>
#include <set>
#include <thread>

#include "recotem/core/events.h"
#include "recotem/core/log.h"
#include "recotem/recipe/recipe_loader.h"
#include "recotem/serve/model_loader.h"

namespace recotem::serve {
namespace {

constexpr const char* kYamlStubPrefix = "YAML parse failed: ";

// `stem`, or `stem_1`, `stem_2`, … — the first not in `taken`.
std::string UniqueName(const std::string& stem, const std::set<std::string>& taken) {
  if (!taken.contains(stem)) {
    return stem;
  }
  for (int i = 1;; ++i) {
    std::string candidate = stem + "_" + std::to_string(i);
    if (!taken.contains(candidate)) {
      return candidate;
    }
  }
}

RegistryEntry LoadOne(const Recipe& recipe, const ServeConfig& config, const KeyRing* ring,
                      const log::Logger& logger, ServeMetrics* metrics) {
  const std::string& name = recipe.name;
  RecipeLoadResult result = LoadRecipeModel(recipe, config.caps, ring, config.metadata_field_deny);
  if (auto* loaded = std::get_if<RecipeModel>(&result)) {
    const ServingModel& m = *loaded->model;
    if (ring == nullptr) {
      logger.Warning(events::kInitialArtifactHmacSkippedDev,
                     {{"name", name}, {"kid", KidForLog(m.kid())}});
    }
    log::Fields fields = {{"name", name}, {"kid", KidForLog(m.kid())}};
    fields["trained_at"] = m.HeaderString("trained_at").value_or("");
    fields["best_class"] = m.HeaderString("best_class").value_or("");
    logger.Info(events::kRecipeLoaded, std::move(fields));
    if (metrics != nullptr) {
      metrics->ForRecipe(name)->model_loaded.store(1);
    }
    return RegistryEntry::Loaded(name, loaded->model, recipe.output.path, loaded->metadata);
  }
  const LoadFailure& failure = std::get<LoadFailure>(result);
  if (metrics != nullptr) {
    auto handle = metrics->ForRecipe(name);
    handle->model_loaded.store(0);
    handle->CountLoadFailure(LoadFailureReasonFrom(FailureReasonLabel(failure.stage)));
  }
  std::string error = StartupErrorText(failure);
  logger.Warning(StartupFailureEvent(failure.stage),
                 {{"name", name}, {"kid", failure.kid}, {"error", failure.message}});
  logger.Warning(events::kRecipeNotLoadedAtStartup, {{"name", name}, {"error", error}});
  return RegistryEntry::Stub(name, recipe.output.path, std::move(error));
}

}  // namespace

StartupLoadResult LoadRecipesAtStartup(const std::filesystem::path& recipes_dir,
                                       const ServeConfig& config, const KeyRing* ring,
                                       ModelRegistry& registry, ServeMetrics* metrics) {
  const log::Logger logger("recotem.serving.app");
  auto started = std::chrono::steady_clock::now();
  LenientDirectoryLoad loaded = LoadRecipeDirectoryLenient(recipes_dir);

  StartupLoadResult result;
  std::set<std::string> taken;
  for (const Recipe& r : loaded.recipes) {
    taken.insert(r.name);
  }
  for (const RecipeLoadFailure& failure : loaded.failures) {
    std::string name = UniqueName(failure.stem, taken);
    taken.insert(name);
    std::string error = kYamlStubPrefix + failure.error;
    logger.Warning(events::kRecipeYamlParseFailedAtStartup,
                   {{"file", failure.file.string()}, {"name", name}, {"error", error}});
    registry.Replace(RegistryEntry::Stub(name, "", error));
    result.yaml_stubs.emplace_back(failure.file, name);
    if (metrics != nullptr) {
      auto handle = metrics->ForRecipe(name);
      handle->model_loaded.store(0);
      handle->CountLoadFailure(LoadFailureReason::kYaml);
    }
    ++result.total;
    ++result.failed;
  }

  const size_t n = loaded.recipes.size();
  result.max_workers = config.StartupWorkers(n);
  std::vector<std::optional<RegistryEntry>> entries(n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      entries[i] = LoadOne(loaded.recipes[i], config, ring, logger, metrics);
    }
  };
  size_t workers = std::min<size_t>(static_cast<size_t>(result.max_workers), n);
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (size_t i = 0; i < workers; ++i) {
      pool.emplace_back(work);
    }
  }
  // Inserted in file order after the parallel phase: registry order is stable.
  for (auto& entry : entries) {
    if (entry->loaded) {
      ++result.succeeded;
    } else {
      ++result.failed;
    }
    registry.Replace(std::move(*entry));
    ++result.total;
  }
  result.recipes = std::move(loaded.recipes);
  if (metrics != nullptr) {
    metrics->active_recipes.store(static_cast<int64_t>(result.succeeded));
  }
  std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
  result.wall_seconds = std::round(wall.count() * 1000.0) / 1000.0;
  logger.Info(events::kStartupArtifactLoadComplete, {{"total_recipes", result.total},
                                                     {"succeeded", result.succeeded},
                                                     {"failed", result.failed},
                                                     {"wall_seconds", result.wall_seconds},
                                                     {"max_workers", result.max_workers}});
  return result;
}

}  // namespace recotem::serve

// The rescan half of ArtifactWatcher's tick (serving.md §9.2): the recipes
// directory is listed, YAML files whose mtime changed are parsed again, and
// the tracked recipe set and the registry follow the directory.
#include <algorithm>
#include <system_error>

#include "recotem/core/events.h"
#include "recotem/recipe/recipe_error.h"
#include "recotem/recipe/recipe_loader.h"
#include "recotem/serve/artifact_watcher.h"
#include "recotem/serve/exception_name.h"

namespace recotem::serve {
namespace fs = std::filesystem;
namespace {

constexpr const char* kYamlSuffix = ".yaml";
constexpr const char* kYamlParseFailedPrefix = "YAML parse failed: ";
constexpr const char* kRescanParseErrorPrefix = "recipe YAML parse error on rescan: ";
constexpr const char* kDirScanFailedPrefix = "recipes-dir scan failed: ";
constexpr const char* kRecipeErrorClass = "RecipeError";

bool IsWithin(const fs::path& file, const fs::path& dir) {
  auto [dir_end, file_it] = std::mismatch(dir.begin(), dir.end(), file.begin(), file.end());
  return dir_end == dir.end();
}

// Two recipes whose serving-relevant settings match need no reload.
bool SameServingSettings(const Recipe& a, const Recipe& b) {
  if (a.output.path != b.output.path ||
      a.item_metadata.has_value() != b.item_metadata.has_value()) {
    return false;
  }
  if (!a.item_metadata) {
    return true;
  }
  const ItemMetadataSpec& x = *a.item_metadata;
  const ItemMetadataSpec& y = *b.item_metadata;
  return x.type == y.type && x.path == y.path && x.sha256 == y.sha256 && x.fields == y.fields &&
         x.on_field_missing == y.on_field_missing && x.item_id_column == y.item_id_column;
}

}  // namespace

std::vector<fs::path> ArtifactWatcher::ListYamlFiles() {
  fs::path dir = fs::canonical(recipes_dir_);  // throws filesystem_error
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    std::error_code ec;
    if (entry.path().extension() == kYamlSuffix && entry.is_regular_file(ec)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return files;
}

const ArtifactWatcher::ParsedFile& ArtifactWatcher::ParseCached(const fs::path& file,
                                                                bool* reparsed) {
  std::error_code ec;
  fs::file_time_type mtime = fs::last_write_time(file, ec);
  auto it = parse_cache_.find(file);
  *reparsed = false;
  if (!ec && it != parse_cache_.end() && it->second.mtime == mtime) {
    return it->second;
  }
  *reparsed = true;
  ParsedFile parsed;
  parsed.mtime = mtime;
  try {
    fs::path resolved = fs::canonical(file);
    if (!IsWithin(resolved, fs::canonical(recipes_dir_))) {
      throw MakeRecipeError(RecipeErrorCategory::kSecurity,
                            file.string() + ": resolves outside the recipes directory");
    }
    parsed.recipe = LoadRecipeFile(file);
  } catch (const std::exception& e) {
    parsed.error = e.what();
  }
  return parse_cache_[file] = std::move(parsed);
}

std::string ArtifactWatcher::UniqueStubName(const std::string& stem) const {
  auto taken = [&](const std::string& n) {
    return tracked_.contains(n) || registry_.Find(n) != nullptr;
  };
  if (!taken(stem)) {
    return stem;
  }
  for (int i = 1;; ++i) {
    std::string candidate = stem + "_" + std::to_string(i);
    if (!taken(candidate)) {
      return candidate;
    }
  }
}

void ArtifactWatcher::OnParseFailure(const fs::path& file, const ParsedFile& parsed,
                                     std::set<std::string>& seen) {
  std::string known;
  if (auto it = file_names_.find(file); it != file_names_.end() && tracked_.contains(it->second)) {
    known = it->second;
  } else if (tracked_.contains(file.stem().string())) {
    known = file.stem().string();
  }
  if (!known.empty()) {
    seen.insert(known);
    Tracked& tracked = tracked_[known];
    if (!tracked.recipe) {
      return;  // already a YAML stub with its error
    }
    SetError(known, kRescanParseErrorPrefix + parsed.error);
    metrics_.ForRecipe(known)->rescan_errors.fetch_add(1);
    metrics_.CountDirScanFailure(kRecipeErrorClass);
    logger_.Warning(events::kRecipeRescanLoadError,
                    {{"file", file.string()}, {"recipe", known}, {"error", parsed.error}});
    return;
  }
  std::string name = UniqueStubName(file.stem().string());
  std::string error = kYamlParseFailedPrefix + parsed.error;
  logger_.Warning(events::kRecipeYamlParseFailedOnRescanNewFile,
                  {{"file", file.string()}, {"name", name}, {"error", error}});
  metrics_.CountDirScanFailure(kRecipeErrorClass);
  auto handle = metrics_.ForRecipe(name);
  handle->model_loaded.store(0);
  handle->CountLoadFailure(LoadFailureReason::kYaml);
  registry_.Replace(RegistryEntry::Stub(name, "", error));
  tracked_[name] = Tracked{std::nullopt, file, std::nullopt, false, "", 0};
  file_names_[file] = name;
  seen.insert(name);
}

void ArtifactWatcher::OnParsed(const fs::path& file, const Recipe& recipe, bool reparsed,
                               std::set<std::string>& seen) {
  const std::string& name = recipe.name;
  if (seen.contains(name)) {
    if (reparsed) {  // reported once per change of the file, not every tick
      logger_.Warning(events::kRecipeDuplicateNameSkipped,
                      {{"file", file.string()}, {"name", name}});
    }
    return;
  }
  seen.insert(name);
  file_names_[file] = name;
  auto it = tracked_.find(name);
  if (it == tracked_.end()) {
    logger_.Info(events::kRecipeDiscovered, {{"name", name}});
    tracked_[name] = Tracked{recipe, file, std::nullopt, false, "", 0};
    if (registry_.Find(name) == nullptr) {
      registry_.Replace(RegistryEntry::Stub(name, recipe.output.path, std::nullopt));
    }
    return;
  }
  Tracked& tracked = it->second;
  if (!tracked.recipe) {
    logger_.Info(events::kRecipeYamlFailureRecovered, {{"name", name}});
    tracked.recipe = recipe;
    tracked.file = file;
    tracked.marker.reset();
    return;
  }
  if (reparsed && !SameServingSettings(*tracked.recipe, recipe)) {
    logger_.Info(events::kRecipeRescanUpdated, {{"name", name}, {"file", file.string()}});
    tracked.marker.reset();
    tracked.force_reload = true;
  }
  tracked.recipe = recipe;
  tracked.file = file;
}

void ArtifactWatcher::RemoveUnseen(const std::set<std::string>& seen) {
  std::vector<std::string> gone;
  for (const auto& [name, tracked] : tracked_) {
    if (!seen.contains(name)) {
      gone.push_back(name);
    }
  }
  for (const std::string& name : gone) {
    logger_.Info(events::kRecipeRemoved, {{"name", name}});
    registry_.Remove(name);
    metrics_.ForRecipe(name)->model_loaded.store(0);
    tracked_.erase(name);
    std::erase_if(file_names_, [&](const auto& kv) { return kv.second == name; });
  }
}

void ArtifactWatcher::Rescan() {
  std::vector<fs::path> files;
  try {
    files = ListYamlFiles();
  } catch (const fs::filesystem_error& e) {
    std::string error_class = OsErrorClassName(e.code().value());
    logger_.Error(events::kRecipesDirScanError,
                  {{"error", e.what()}, {"error_class", error_class}});
    metrics_.CountDirScanFailure("dir_iter_" + error_class);
    for (const auto& [name, tracked] : tracked_) {
      SetError(name, kDirScanFailedPrefix + std::string(e.what()));
      CountLoadFailure(name, LoadFailureReason::kDirScan, false);
    }
    return;
  }
  std::set<std::string> seen;
  for (const fs::path& file : files) {
    bool reparsed = false;
    const ParsedFile& parsed = ParseCached(file, &reparsed);
    if (parsed.recipe) {
      OnParsed(file, *parsed.recipe, reparsed, seen);
    } else if (reparsed) {
      OnParseFailure(file, parsed, seen);
    } else if (auto it = file_names_.find(file); it != file_names_.end()) {
      seen.insert(it->second);  // still broken, already reported
    }
  }
  size_t before = tracked_.size();
  RemoveUnseen(seen);
  std::set<fs::path> listed(files.begin(), files.end());
  std::erase_if(parse_cache_, [&](const auto& kv) { return !listed.contains(kv.first); });
  std::erase_if(file_names_, [&](const auto& kv) { return !listed.contains(kv.first); });
  if (tracked_.size() != before) {
    UpdateActiveRecipes();
  }
}

}  // namespace recotem::serve

#include "recotem/recipe/recipe_loader.h"

#include <algorithm>
#include <system_error>

#include "recotem/core/events.h"
#include "recotem/core/files.h"
#include "recotem/core/log.h"
#include "recotem/core/strings.h"
#include "recotem/recipe/algorithm_names.h"
#include "recotem/recipe/env_expansion.h"
#include "recotem/recipe/field_path.h"
#include "recotem/recipe/path_policy.h"
#include "recotem/recipe/recipe_builder.h"
#include "recotem/recipe/recipe_schema.h"
#include "recotem/recipe/schema_validation.h"
#include "recotem/recipe/source_types.h"
#include "recotem/recipe/yaml_document.h"

namespace recotem {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr std::string_view kRecipeExtension = ".yaml";
constexpr size_t kMaxRecipeNameLength = 64;

const log::Logger& Logger() {
  static const auto* logger = new log::Logger("recotem.recipe");
  return *logger;
}

[[noreturn]] void Fail(RecipeErrorCategory category, const std::string& message) {
  throw MakeRecipeError(category, message);
}

[[noreturn]] void FailFields(const std::vector<std::string>& messages) {
  std::string joined;
  for (const auto& m : messages) joined += (joined.empty() ? "" : "\n") + m;
  Fail(RecipeErrorCategory::kUnknown, joined);
}

// "recipe.yaml: " in front of every line of the error.
RecipeError WithFilePrefix(const RecipeError& error, const std::string& display_name) {
  std::string message;
  for (const auto& line : Split(error.what(), '\n')) {
    message += (message.empty() ? "" : "\n") + display_name + ": " + line;
  }
  nlohmann::ordered_json fields = error.fields();
  return RecipeError(message, error.code(), fields);
}

const char* JsonTypeName(const Json& v) {
  if (v.is_array()) return "a list";
  if (v.is_string()) return "a string";
  if (v.is_null()) return "empty";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  return "a mapping";
}

// Python truthiness and str() for the name check of step 4.
bool Truthy(const Json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<int64_t>() != 0;
  if (v.is_number_float()) return v.get<double>() != 0.0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  return !v.empty();
}

std::string PyStr(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  return v.dump();
}

bool IsValidName(const std::string& name) {
  if (name.empty() || name.size() > kMaxRecipeNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// Step 4.
void CheckName(const Json& root, const ValidationInputs& inputs) {
  auto it = root.find("name");
  if (it == root.end() || !Truthy(*it)) Fail(RecipeErrorCategory::kSchema, "name: field required");
  if (!IsValidName(PyStr(*it))) {
    Fail(RecipeErrorCategory::kSchema,
         "name: must be 1-64 ASCII letters, digits, '_' or '-' (^[A-Za-z0-9_-]{1,64}$) (got " +
             DescribeValue(*it, "/name", inputs) + ")");
  }
}

const Json* StringAt(const Json& root, const char* block, const char* key) {
  auto b = root.find(block);
  if (b == root.end() || !b->is_object()) return nullptr;
  auto v = b->find(key);
  if (v == b->end() || !v->is_string()) return nullptr;
  return &*v;
}

// Step 5: path policy on the raw (expanded, not yet validated) document.
void CheckPathPolicy(const Json& root) {
  if (const Json* p = StringAt(root, "output", "path")) CheckOutputPath(p->get<std::string>());
  if (const Json* p = StringAt(root, "source", "path")) {
    CheckInputPath("source.path", p->get<std::string>());
  }
  if (const Json* p = StringAt(root, "item_metadata", "path")) {
    CheckInputPath("item_metadata.path", p->get<std::string>());
  }
}

// Step 6: the source block against its type's config schema.
void ValidateSource(Json& root, const Json& schema, const ValidationInputs& inputs) {
  auto it = root.find("source");
  if (it == root.end()) return;  // "source: field required" comes with step 7
  if (!it->is_object()) {
    Fail(RecipeErrorCategory::kUnknown,
         std::string("source: must be a mapping with a `type` (got ") + JsonTypeName(*it) + ")");
  }
  auto type = it->find("type");
  if (type == it->end()) Fail(RecipeErrorCategory::kSchema, "source.type: field required");
  SourceTypeInfo info;
  if (!type->is_string() || !SourceTypeRegistry::Default().Find(type->get<std::string>(), &info)) {
    // Expansion looked the type up already; a type changed by expansion
    // itself lands here.
    Fail(RecipeErrorCategory::kSchema, "source.type: unknown source type " + type->dump());
  }
  Json ref = {{"$ref", "#/$defs/" + info.def_name}};
  auto errors = CoerceAndValidate(*it, "/source", ref, schema, inputs);
  if (!errors.empty()) FailFields(errors);
}

// The root schema as the loader runs it: `source` was checked by step 6,
// and `schema_` has been folded into `schema`.
Json LoaderRootSchema(const Json& schema) {
  Json root = schema;
  root["properties"]["source"] = Json::object();
  root["properties"].erase("schema_");
  root.erase("anyOf");
  root["required"].push_back("schema");
  root.erase("$defs");
  return root;
}

// The recipe.md §2 quirk: `schema_` (the field name) is accepted for
// `schema`. The side tables keyed by pointer follow the rename.
std::string RenameSchemaAliasPointer(const std::string& pointer) {
  constexpr std::string_view kAlias = "/schema_";
  if (pointer.rfind(kAlias, 0) == 0 &&
      (pointer.size() == kAlias.size() || pointer[kAlias.size()] == '/')) {
    return "/schema" + pointer.substr(kAlias.size());
  }
  return pointer;
}

void FoldSchemaAlias(Json& root, std::set<std::string>* timestamps, ExpandedValues* expanded) {
  auto alias = root.find("schema_");
  if (alias == root.end()) return;
  if (root.contains("schema")) {
    Fail(RecipeErrorCategory::kUnknown,
         "schema_: is an alias of schema; give only one of the two blocks");
  }
  Json value = std::move(*alias);
  root.erase("schema_");
  root["schema"] = std::move(value);
  std::set<std::string> renamed_timestamps;
  for (const auto& p : *timestamps) renamed_timestamps.insert(RenameSchemaAliasPointer(p));
  *timestamps = std::move(renamed_timestamps);
  ExpandedValues renamed_expanded;
  for (auto& [p, names] : *expanded) renamed_expanded[RenameSchemaAliasPointer(p)] = names;
  *expanded = std::move(renamed_expanded);
}

// Step 7's cross-field rules, run once every field is valid.
void CheckCrossFieldRules(const Json& root) {
  std::vector<std::string> errors;
  const Json& training = root.at("training");
  std::string scheme = training.at("split").at("scheme").get<std::string>();
  if ((scheme == "time_user" || scheme == "time_global") &&
      root.at("schema").at("time_column").is_null()) {
    errors.push_back("schema.time_column: required when training.split.scheme is '" + scheme + "'");
  }
  const Json& budgets = training.at("per_algorithm_trials");
  if (budgets.is_object()) {
    std::set<std::string> listed;
    for (const auto& name : training.at("algorithms")) {
      if (auto canonical = ResolveAlgorithmName(name.get<std::string>())) listed.insert(*canonical);
    }
    std::vector<std::string> bad;
    std::map<std::string, std::string> seen;  // canonical → first key
    for (const auto& [key, unused] : budgets.items()) {
      auto canonical = ResolveAlgorithmName(key);
      if (!canonical || listed.count(*canonical) == 0) {
        bad.push_back(key);
      } else if (auto [it, inserted] = seen.emplace(*canonical, key); !inserted) {
        errors.push_back("training.per_algorithm_trials: '" + it->second + "' and '" + key +
                         "' both name " + *canonical + "; give one budget per algorithm");
      }
    }
    if (!bad.empty()) {
      std::string list;
      for (const auto& b : bad) list += (list.empty() ? "'" : ", '") + b + "'";
      errors.push_back("training.per_algorithm_trials: " + list +
                       (bad.size() == 1 ? " does" : " do") +
                       " not name an algorithm listed in training.algorithms");
    }
  }
  if (!errors.empty()) FailFields(errors);
}

// Step 8: http(s) inputs must carry a sha256 pin.
void CheckHttpPins(const Recipe& recipe) {
  auto pinned = [](const Json& v) { return v.is_string() && !v.get<std::string>().empty(); };
  const Json& config = recipe.source.config;
  if (auto path = config.find("path");
      path != config.end() && path->is_string() && IsHttpLocation(path->get<std::string>())) {
    auto sha = config.find("sha256");
    if (sha == config.end() || !pinned(*sha)) {
      Fail(RecipeErrorCategory::kSecurity,
           "source.sha256: required for http(s) paths (pin the file's lower-case hex SHA-256)");
    }
  }
  if (recipe.item_metadata && IsHttpLocation(recipe.item_metadata->path) &&
      (!recipe.item_metadata->sha256 || recipe.item_metadata->sha256->empty())) {
    Fail(RecipeErrorCategory::kSecurity,
         "item_metadata.sha256: required for http(s) paths (pin the file's lower-case hex "
         "SHA-256)");
  }
}

Recipe LoadSequence(std::string_view text, const std::string& display_name,
                    const RecipeLoadOptions& options) {
  if (text.size() > kMaxRecipeFileBytes) {
    Fail(RecipeErrorCategory::kIo,
         "the recipe is larger than " + std::to_string(kMaxRecipeFileBytes) + " bytes");
  }
  if (!IsValidUtf8(text)) Fail(RecipeErrorCategory::kParse, "the recipe is not valid UTF-8 text");
  // Step 2.
  YamlDocument doc = ParseYamlDocument(text);
  Json& root = doc.root;
  if (!root.is_object()) {
    Fail(RecipeErrorCategory::kParse,
         std::string("the top level of a recipe must be a mapping (got ") + JsonTypeName(root) +
             ")");
  }
  // Step 3.
  ExpandedValues expanded = ExpandRecipeEnvironment(root, doc.timestamps, options.extra_env);
  ValidationInputs inputs{&doc.timestamps, &expanded};
  // Steps 4–5.
  CheckName(root, inputs);
  CheckPathPolicy(root);
  // Steps 6–7.
  const Json schema = RecipeJsonSchema();
  ValidateSource(root, schema, inputs);
  FoldSchemaAlias(root, &doc.timestamps, &expanded);
  auto errors = CoerceAndValidate(root, "", LoaderRootSchema(schema), schema, inputs);
  if (!errors.empty()) FailFields(errors);
  CheckCrossFieldRules(root);
  Recipe recipe = BuildRecipe(root);
  recipe.file_path = display_name;
  // Steps 8–9.
  CheckHttpPins(recipe);
  CheckArtifactRootContainment(recipe.output.path);
  return recipe;
}

bool HasRecipeExtension(const fs::path& p) {
  std::string name = p.filename().string();
  return name.size() > kRecipeExtension.size() &&
         name.compare(name.size() - kRecipeExtension.size(), kRecipeExtension.size(),
                      kRecipeExtension) == 0;
}

bool IsWithinDirectory(const fs::path& resolved, const fs::path& dir) {
  auto r = resolved.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++r) {
    if (d->empty()) continue;
    if (r == resolved.end() || *r != *d) return false;
  }
  return r != resolved.end();
}

// The resolved directory and its *.yaml regular files, sorted by name.
std::vector<fs::path> ListRecipeFiles(const fs::path& dir, fs::path* resolved_dir) {
  std::error_code ec;
  *resolved_dir = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(*resolved_dir, ec)) {
    Fail(RecipeErrorCategory::kIo, dir.string() + ": not a directory of recipes" +
                                       (ec ? " (" + ec.message() + ")" : std::string()));
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(*resolved_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (HasRecipeExtension(it->path()) && it->is_regular_file(file_ec)) {
      files.push_back(it->path());
    }
  }
  if (ec) Fail(RecipeErrorCategory::kIo, dir.string() + ": cannot list recipes: " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return files;
}

// Step 1 (directory mode): the file must still be inside the directory once
// symlinks are resolved.
void CheckContainment(const fs::path& file, const fs::path& resolved_dir) {
  std::error_code ec;
  fs::path resolved = fs::canonical(file, ec);
  if (ec || !IsWithinDirectory(resolved, resolved_dir)) {
    Fail(RecipeErrorCategory::kSecurity,
         file.string() + ": resolves outside the recipes directory " + resolved_dir.string());
  }
}

}  // namespace

Recipe LoadRecipeFromString(std::string_view text, const std::string& display_name,
                            const RecipeLoadOptions& options) {
  Recipe recipe;
  try {
    recipe = LoadSequence(text, display_name, options);
  } catch (const RecipeError& e) {
    throw WithFilePrefix(e, display_name);
  }
  // Step 10.
  Logger().Info(events::kRecipeLoaded, {{"name", recipe.name}, {"path", display_name}});
  return recipe;
}

Recipe LoadRecipeFile(const fs::path& path, const RecipeLoadOptions& options) {
  std::vector<uint8_t> bytes;
  try {
    bytes = ReadFileCapped(path, kMaxRecipeFileBytes);
  } catch (const std::system_error& e) {
    throw MakeRecipeError(RecipeErrorCategory::kIo,
                          path.string() + ": cannot read the recipe: " + e.code().message());
  }
  if (bytes.size() > kMaxRecipeFileBytes) {
    throw MakeRecipeError(RecipeErrorCategory::kIo, path.string() + ": the recipe is larger than " +
                                                        std::to_string(kMaxRecipeFileBytes) +
                                                        " bytes");
  }
  std::string text(bytes.begin(), bytes.end());
  return LoadRecipeFromString(text, path.string(), options);
}

LenientDirectoryLoad LoadRecipeDirectoryLenient(const fs::path& dir) {
  fs::path resolved_dir;
  std::vector<fs::path> files = ListRecipeFiles(dir, &resolved_dir);
  LenientDirectoryLoad out;
  std::map<std::string, fs::path> names;
  for (const auto& file : files) {
    try {
      CheckContainment(file, resolved_dir);
      Recipe recipe = LoadRecipeFile(file);
      if (auto [it, inserted] = names.emplace(recipe.name, file); !inserted) {
        Logger().Warning(events::kRecipeDuplicateNameSkipped,
                         {{"file", file.string()}, {"name", recipe.name}});
        continue;
      }
      out.recipes.push_back(std::move(recipe));
    } catch (const RecipeError& e) {
      std::string category = RecipeErrorCategoryOf(e);
      RecipeLoadFailure failure{file, file.stem().string(), e.what(), category};
      log::Fields fields = {
          {"file", file.string()}, {"error_class", "RecipeError"}, {"error", e.what()}};
      if (category == RecipeErrorCategoryName(RecipeErrorCategory::kSecurity)) {
        fields["category"] = category;
        Logger().Error(events::kRecipeSecurityViolationSkipped, std::move(fields));
      } else {
        Logger().Warning(events::kRecipeLoadErrorSkipped, std::move(fields));
      }
      out.failures.push_back(std::move(failure));
    }
  }
  Logger().Info(events::kRecipesDirectoryLoadedLenient, {{"path", resolved_dir.string()},
                                                         {"ok", out.recipes.size()},
                                                         {"errors", out.failures.size()}});
  return out;
}

std::vector<Recipe> LoadRecipeDirectoryStrict(const fs::path& dir) {
  fs::path resolved_dir;
  std::vector<fs::path> files = ListRecipeFiles(dir, &resolved_dir);
  std::vector<Recipe> recipes;
  std::map<std::string, fs::path> names;
  for (const auto& file : files) {
    CheckContainment(file, resolved_dir);
    Recipe recipe = LoadRecipeFile(file);
    if (auto [it, inserted] = names.emplace(recipe.name, file); !inserted) {
      throw MakeRecipeError(RecipeErrorCategory::kSchema,
                            file.string() + ": duplicate recipe name '" + recipe.name +
                                "' (already defined in " + it->second.string() + ")");
    }
    recipes.push_back(std::move(recipe));
  }
  Logger().Info(events::kRecipesDirectoryLoaded,
                {{"path", resolved_dir.string()}, {"count", recipes.size()}});
  return recipes;
}

}  // namespace recotem

#include "recotem/recipe/recipe_builder.h"

namespace recotem {
namespace {

using Json = nlohmann::ordered_json;

std::optional<std::string> OptionalString(const Json& block, const char* key) {
  const Json& v = block.at(key);
  if (v.is_null()) return std::nullopt;
  return v.get<std::string>();
}

std::optional<int64_t> OptionalInt(const Json& block, const char* key) {
  const Json& v = block.at(key);
  if (v.is_null()) return std::nullopt;
  return v.get<int64_t>();
}

template <typename T>
Json OrNull(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace

Recipe BuildRecipe(const Json& document) {
  Recipe r;
  r.name = document.at("name").get<std::string>();

  const Json& source = document.at("source");
  r.source.type = source.at("type").get<std::string>();
  r.source.config = source;

  const Json& schema = document.at("schema");
  r.schema.user_column = schema.at("user_column").get<std::string>();
  r.schema.item_column = schema.at("item_column").get<std::string>();
  r.schema.time_column = OptionalString(schema, "time_column");
  r.schema.time_unit = OptionalString(schema, "time_unit");

  const Json& cleansing = document.at("cleansing");
  r.cleansing.drop_null_ids = cleansing.at("drop_null_ids").get<bool>();
  r.cleansing.dedup = cleansing.at("dedup").get<std::string>();
  r.cleansing.min_rows = OptionalInt(cleansing, "min_rows");
  r.cleansing.min_users = OptionalInt(cleansing, "min_users");
  r.cleansing.min_items = OptionalInt(cleansing, "min_items");

  const Json& metadata = document.at("item_metadata");
  if (!metadata.is_null()) {
    ItemMetadataSpec m;
    m.type = metadata.at("type").get<std::string>();
    m.path = metadata.at("path").get<std::string>();
    m.sha256 = OptionalString(metadata, "sha256");
    m.fields = metadata.at("fields").get<std::vector<std::string>>();
    m.on_field_missing = metadata.at("on_field_missing").get<std::string>();
    m.item_id_column = metadata.at("item_id_column").get<std::string>();
    r.item_metadata = std::move(m);
  }

  const Json& training = document.at("training");
  TrainingSpec& t = r.training;
  t.algorithms = training.at("algorithms").get<std::vector<std::string>>();
  t.metric = training.at("metric").get<std::string>();
  t.cutoff = training.at("cutoff").get<int64_t>();
  t.n_trials = training.at("n_trials").get<int64_t>();
  if (const Json& p = training.at("per_algorithm_trials"); !p.is_null()) {
    std::map<std::string, int64_t> budgets;
    for (const auto& [key, value] : p.items()) budgets[key] = value.get<int64_t>();
    t.per_algorithm_trials = std::move(budgets);
  }
  t.per_trial_timeout_seconds = OptionalInt(training, "per_trial_timeout_seconds");
  t.timeout_seconds = OptionalInt(training, "timeout_seconds");
  t.parallelism = training.at("parallelism").get<int64_t>();
  t.storage_path = training.at("storage_path").get<std::string>();
  const Json& split = training.at("split");
  t.split.scheme = split.at("scheme").get<std::string>();
  t.split.heldout_ratio = split.at("heldout_ratio").get<double>();
  t.split.test_user_ratio = split.at("test_user_ratio").get<double>();
  t.split.seed = split.at("seed").get<int64_t>();

  const Json& output = document.at("output");
  r.output.path = output.at("path").get<std::string>();
  r.output.versioning = output.at("versioning").get<std::string>();
  return r;
}

Json RecipeToJson(const Recipe& r) {
  Json metadata = nullptr;
  if (r.item_metadata) {
    const ItemMetadataSpec& m = *r.item_metadata;
    metadata = {{"type", m.type},
                {"path", m.path},
                {"sha256", OrNull(m.sha256)},
                {"fields", m.fields},
                {"on_field_missing", m.on_field_missing},
                {"item_id_column", m.item_id_column}};
  }
  const TrainingSpec& t = r.training;
  Json per_algorithm = nullptr;
  if (t.per_algorithm_trials) {
    per_algorithm = Json::object();
    for (const auto& [k, v] : *t.per_algorithm_trials) per_algorithm[k] = v;
  }
  return {
      {"name", r.name},
      {"source", r.source.config},
      {"schema_",
       {{"user_column", r.schema.user_column},
        {"item_column", r.schema.item_column},
        {"time_column", OrNull(r.schema.time_column)},
        {"time_unit", OrNull(r.schema.time_unit)}}},
      {"cleansing",
       {{"drop_null_ids", r.cleansing.drop_null_ids},
        {"dedup", r.cleansing.dedup},
        {"min_rows", OrNull(r.cleansing.min_rows)},
        {"min_users", OrNull(r.cleansing.min_users)},
        {"min_items", OrNull(r.cleansing.min_items)}}},
      {"item_metadata", metadata},
      {"training",
       {{"algorithms", t.algorithms},
        {"metric", t.metric},
        {"cutoff", t.cutoff},
        {"n_trials", t.n_trials},
        {"per_algorithm_trials", per_algorithm},
        {"per_trial_timeout_seconds", OrNull(t.per_trial_timeout_seconds)},
        {"timeout_seconds", OrNull(t.timeout_seconds)},
        {"parallelism", t.parallelism},
        {"storage_path", t.storage_path},
        {"split",
         {{"scheme", t.split.scheme},
          {"heldout_ratio", t.split.heldout_ratio},
          {"test_user_ratio", t.split.test_user_ratio},
          {"seed", t.split.seed}}}}},
      {"output", {{"path", r.output.path}, {"versioning", r.output.versioning}}},
  };
}

}  // namespace recotem

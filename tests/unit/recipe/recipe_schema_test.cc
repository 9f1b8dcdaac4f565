// The JSON Schema `recotem schema` prints (recipe.md §17): a well-formed
// draft-07-compatible schema in pydantic's shape that accepts the spec's
// example recipe and rejects every invalid value of the field table whose
// rule a schema can express.
#include "recotem/recipe/recipe_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "recipe_field_cases.h"
#include "recotem/recipe/source_types.h"

namespace recotem {
namespace {

using Json = nlohmann::ordered_json;

// The printed schema, parsed from its text as an editor would.
class EmittedSchema {
 public:
  EmittedSchema() {
    text_ = RecipeJsonSchema().dump(2);
    nlohmann::json parsed = nlohmann::json::parse(text_);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(parsed);
    parser.populateSchema(adapter, schema_);
  }
  bool Accepts(const Json& doc) const {
    nlohmann::json plain = doc;
    valijson::Validator validator;
    valijson::adapters::NlohmannJsonAdapter adapter(plain);
    return validator.validate(schema_, adapter, nullptr);
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  valijson::Schema schema_;
};

const EmittedSchema& Schema() {
  static const auto* schema = new EmittedSchema();
  return *schema;
}

// YAML → JSON the way a YAML language server hands it to the schema (plain
// scalars typed as YAML 1.2 core: enough for the example's values).
Json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      if (node.Tag() == "!") return node.Scalar();
      const std::string& s = node.Scalar();
      if (s == "true" || s == "false") return s == "true";
      try {
        size_t used = 0;
        long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
        double d = std::stod(s, &used);
        if (used == s.size()) return d;
      } catch (const std::exception&) {
      }
      return s;
    }
    default:
      return nullptr;
  }
}

TEST(RecipeSchema, IsAWellFormedDraft07SchemaInPydanticShape) {
  Json schema = Json::parse(Schema().text());
  EXPECT_EQ(schema["title"], "Recipe");
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_FALSE(schema.contains("$schema"));
  EXPECT_EQ(schema["required"], Json({"name", "source", "output"}));
  for (const auto& [name, def] : schema["$defs"].items()) {
    EXPECT_EQ(def["title"], name);
    EXPECT_EQ(def["type"], "object") << name;
    EXPECT_EQ(def["additionalProperties"], false) << name;
  }
  EXPECT_EQ(schema["$defs"]["TrainingConfig"]["properties"]["n_trials"]["title"], "N Trials");
  EXPECT_EQ(schema["$defs"]["SplitConfig"]["properties"]["heldout_ratio"]["exclusiveMaximum"], 1.0);
  EXPECT_EQ(schema["$defs"]["SQLConfig"]["required"], Json({"type", "dsn_env", "query"}));
}

TEST(RecipeSchema, SourceIsADiscriminatedUnionOfEveryRegisteredType) {
  Json source = Json::parse(Schema().text())["properties"]["source"];
  ASSERT_TRUE(source.contains("oneOf"));
  EXPECT_EQ(source["discriminator"]["propertyName"], "type");
  EXPECT_EQ(source["discriminator"]["mapping"]["csv"], "#/$defs/CSVConfig");
  EXPECT_EQ(source["discriminator"]["mapping"]["sql"], "#/$defs/SQLConfig");
  EXPECT_EQ(source["oneOf"].size(), SourceTypeRegistry::Default().Types().size());
}

TEST(RecipeSchema, AcceptsTheSpecExampleRecipeAndTheMinimalOne) {
  EXPECT_TRUE(Schema().Accepts(YamlToJson(YAML::Load(testing::kExampleRecipe))));
  EXPECT_TRUE(Schema().Accepts(testing::MinimalRecipeJson()));
  for (auto base : {testing::Base::kParquet, testing::Base::kBigQuery, testing::Base::kSql,
                    testing::Base::kWithMetadata}) {
    EXPECT_TRUE(Schema().Accepts(testing::BaseRecipe(base)));
  }
}

TEST(RecipeSchema, AcceptsTheSchemaUnderscoreAliasButNotBothSpellings) {
  Json doc = testing::MinimalRecipeJson();
  doc["schema_"] = doc["schema"];
  EXPECT_TRUE(Schema().Accepts(doc));
  doc.erase("schema");
  EXPECT_TRUE(Schema().Accepts(doc));
  doc.erase("schema_");
  EXPECT_FALSE(Schema().Accepts(doc));
}

TEST(RecipeSchema, RejectsEveryInvalidValueASchemaCanExpress) {
  int checked = 0;
  for (const auto& c : testing::AllFields()) {
    for (const auto& [kind, value] : c.invalid) {
      if (std::string(kind) == "policy" || std::string(kind) == "cross-field") continue;
      Json doc = testing::BaseRecipe(c.base);
      doc[Json::json_pointer(c.pointer)] = value;
      EXPECT_FALSE(Schema().Accepts(doc)) << kind << " " << doc.dump();
      ++checked;
    }
    if (!c.default_value) {
      Json doc = testing::BaseRecipe(c.base);
      Json::json_pointer p(c.pointer);
      doc[p.parent_pointer()].erase(p.back());
      EXPECT_FALSE(Schema().Accepts(doc)) << "missing " << c.pointer;
      ++checked;
    }
    Json doc = testing::BaseRecipe(c.base);
    doc[Json::json_pointer(c.pointer).parent_pointer()]["no_such_field"] = 1;
    EXPECT_FALSE(Schema().Accepts(doc)) << "unknown key beside " << c.pointer;
    ++checked;
  }
  EXPECT_GT(checked, 150);
}

TEST(RecipeSchema, APluginSourceTypeAppearsInTheSchemaAndValidates) {
  SourceTypeInfo info;
  info.type_name = "test_plugin_source";
  info.def_name = "TestPluginSourceConfig";
  info.config_schema = Json::parse(R"({
    "title": "TestPluginSourceConfig", "type": "object", "additionalProperties": false,
    "properties": {
      "type": {"const": "test_plugin_source", "type": "string"},
      "endpoint": {"type": "string"},
      "secret_query": {"type": "string"},
      "limit": {"type": "integer", "minimum": 1, "default": 100}
    },
    "required": ["type", "endpoint"]})");
  info.protected_fields = {"secret_query"};
  SourceTypeRegistry::Default().Register(info);
  EXPECT_THROW(SourceTypeRegistry::Default().Register(info), RecipeError);

  Json schema = RecipeJsonSchema();
  EXPECT_TRUE(schema["$defs"].contains("TestPluginSourceConfig"));
  EXPECT_EQ(schema["properties"]["source"]["discriminator"]["mapping"]["test_plugin_source"],
            "#/$defs/TestPluginSourceConfig");

  Json doc = testing::MinimalRecipeJson();
  doc["source"] = {{"type", "test_plugin_source"},
                   {"endpoint", "${RECOTEM_RECIPE_ENDPOINT}"},
                   {"secret_query", "${RECOTEM_RECIPE_NEVER_SET}"}};
  RecipeLoadOptions options;
  options.extra_env["RECOTEM_RECIPE_ENDPOINT"] = "grpc://h";
  Recipe r = testing::LoadJson(doc, options);
  EXPECT_EQ(r.source.type, "test_plugin_source");
  EXPECT_EQ(r.source.config["endpoint"], "grpc://h");
  EXPECT_EQ(r.source.config["secret_query"], "${RECOTEM_RECIPE_NEVER_SET}");
  EXPECT_EQ(r.source.config["limit"], 100);
  doc["source"]["limit"] = 0;
  EXPECT_THAT(testing::LoadErrorJson(doc, options),
              ::testing::HasSubstr("recipe.yaml: source.limit: must be >= 1 (got 0)"));
}

}  // namespace
}  // namespace recotem

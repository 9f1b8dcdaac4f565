#include "recotem/recipe/recipe_schema.h"

#include "recotem/recipe/source_types.h"

namespace recotem {
namespace {

// Field names, defaults and rules are recipe.md's; titles follow pydantic's
// Title Case convention (§17). Keep each nullable field as
// anyOf [<constraints>, {"type": "null"}] with "default": null.
constexpr const char* kBuiltinSchemaText = R"JSON(
{
  "title": "Recipe",
  "description": "A Recotem recipe: where the interactions come from, how to clean and split them, which algorithms to tune and where the signed artifact goes. Print with `recotem schema`; check with `recotem validate`.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "name": {
      "title": "Name",
      "description": "Recipe name: 1-64 ASCII letters, digits, '_' or '-'. Used in logs, the study name and the serving route. Quote an all-digit name.",
      "type": "string",
      "pattern": "^[A-Za-z0-9_-]{1,64}$"
    },
    "source": {
      "title": "Source",
      "description": "Where the interaction table comes from; `type` selects the data source."
    },
    "schema": {"$ref": "#/$defs/SchemaConfig"},
    "schema_": {
      "$ref": "#/$defs/SchemaConfig",
      "description": "Alias of `schema` accepted for compatibility with the original's field name; give only one of the two."
    },
    "cleansing": {"$ref": "#/$defs/CleansingConfig"},
    "item_metadata": {
      "anyOf": [{"$ref": "#/$defs/ItemMetadataConfig"}, {"type": "null"}],
      "default": null
    },
    "training": {"$ref": "#/$defs/TrainingConfig"},
    "output": {"$ref": "#/$defs/OutputConfig"}
  },
  "required": ["name", "source", "output"],
  "anyOf": [{"required": ["schema"]}, {"required": ["schema_"]}],
  "$defs": {
    "CSVConfig": {
      "title": "CSVConfig",
      "description": "A delimited text file: a local path, file://, s3://, gs://, az://, abfs(s):// or http(s):// (which needs sha256). Compression is detected from the content.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "type": {"title": "Type", "const": "csv", "type": "string", "default": "csv"},
        "path": {"title": "Path", "type": "string", "description": "File path or URI. `::` chaining and credentials inside the URI are rejected."},
        "delimiter": {"title": "Delimiter", "type": "string", "minLength": 1, "default": ",", "description": "Field separator; more than one character is a regular expression."},
        "encoding": {"title": "Encoding", "type": "string", "minLength": 1, "default": "utf-8", "description": "Character set name, e.g. utf-8, utf-8-sig, latin-1, cp932."},
        "header": {"title": "Header", "type": "integer", "minimum": 0, "default": 0, "description": "0-based row index of the header line."},
        "dtype": {
          "title": "Dtype",
          "description": "Per-column type override (e.g. str keeps ids verbatim); columns absent from the file are ignored.",
          "anyOf": [{"type": "object", "additionalProperties": {"type": "string"}}, {"type": "null"}],
          "default": null
        },
        "sha256": {
          "title": "Sha256",
          "description": "Lower-case hex SHA-256 of the file; required for http(s) paths.",
          "anyOf": [{"type": "string", "pattern": "^[0-9a-f]{64}$"}, {"type": "null"}],
          "default": null
        }
      },
      "required": ["path"]
    },
    "ParquetConfig": {
      "title": "ParquetConfig",
      "description": "A Parquet file: the same locations and sha256 rule as csv.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "type": {"title": "Type", "const": "parquet", "type": "string", "default": "parquet"},
        "path": {"title": "Path", "type": "string", "description": "File path or URI, as for csv."},
        "sha256": {
          "title": "Sha256",
          "description": "Lower-case hex SHA-256 of the file; required for http(s) paths.",
          "anyOf": [{"type": "string", "pattern": "^[0-9a-f]{64}$"}, {"type": "null"}],
          "default": null
        }
      },
      "required": ["path"]
    },
    "BigQueryConfig": {
      "title": "BigQueryConfig",
      "description": "A BigQuery standard-SQL query with @name parameters. `query` and `query_parameters` are never env-expanded.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "type": {"title": "Type", "const": "bigquery", "type": "string", "default": "bigquery"},
        "query": {"title": "Query", "type": "string"},
        "query_parameters": {
          "title": "Query Parameters",
          "description": "Values for @name parameters: strings, integers, floats or booleans.",
          "anyOf": [
            {"type": "object", "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}]}},
            {"type": "null"}
          ],
          "default": null
        },
        "project": {
          "title": "Project",
          "description": "Billing project; null uses the ambient credentials' project.",
          "anyOf": [{"type": "string"}, {"type": "null"}],
          "default": null
        }
      },
      "required": ["query"]
    },
    "SQLConfig": {
      "title": "SQLConfig",
      "description": "A SQL query against PostgreSQL, MySQL/MariaDB or SQLite. The connection URL is read from the environment variable named by dsn_env; `query`, `query_parameters` and `dsn_env` are never env-expanded.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "type": {"title": "Type", "const": "sql", "type": "string"},
        "dsn_env": {"title": "Dsn Env", "type": "string", "minLength": 1, "pattern": "^RECOTEM_RECIPE_[A-Z0-9_]+$", "description": "Name of the environment variable holding the database URL."},
        "query": {"title": "Query", "type": "string", "minLength": 1, "description": "Query text with :name bind parameters."},
        "query_parameters": {
          "title": "Query Parameters",
          "type": "object",
          "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}]},
          "default": {}
        },
        "connect_timeout_seconds": {"title": "Connect Timeout Seconds", "type": "integer", "minimum": 1, "maximum": 60, "default": 10},
        "statement_timeout_seconds": {"title": "Statement Timeout Seconds", "type": "integer", "minimum": 1, "maximum": 1800, "default": 300}
      },
      "required": ["type", "dsn_env", "query"]
    },
    "SchemaConfig": {
      "title": "SchemaConfig",
      "description": "Which columns of the fetched table hold users, items and (optionally) time.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "user_column": {"title": "User Column", "type": "string"},
        "item_column": {"title": "Item Column", "type": "string"},
        "time_column": {
          "title": "Time Column",
          "description": "Required when training.split.scheme is time_user or time_global.",
          "anyOf": [{"type": "string"}, {"type": "null"}],
          "default": null
        },
        "time_unit": {
          "title": "Time Unit",
          "description": "Unit of a numeric (epoch) time column.",
          "anyOf": [{"type": "string", "pattern": "^(s|ms|us|ns)$"}, {"type": "null"}],
          "default": null
        }
      },
      "required": ["user_column", "item_column"]
    },
    "CleansingConfig": {
      "title": "CleansingConfig",
      "description": "Row filtering before the split, and minimum sizes that fail the run (exit 4).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "drop_null_ids": {"title": "Drop Null Ids", "type": "boolean", "default": true},
        "dedup": {"title": "Dedup", "type": "string", "pattern": "^(keep_first|keep_last|none)$", "default": "keep_last"},
        "min_rows": {"title": "Min Rows", "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}], "default": null},
        "min_users": {"title": "Min Users", "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}], "default": null},
        "min_items": {"title": "Min Items", "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}], "default": null}
      }
    },
    "ItemMetadataConfig": {
      "title": "ItemMetadataConfig",
      "description": "Item attributes joined into recommendations at serve time.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "type": {"title": "Type", "type": "string", "pattern": "^(csv|parquet)$"},
        "path": {"title": "Path", "type": "string", "description": "File path or URI, as for source.path."},
        "sha256": {
          "title": "Sha256",
          "anyOf": [{"type": "string", "pattern": "^[0-9a-f]{64}$"}, {"type": "null"}],
          "default": null
        },
        "fields": {"title": "Fields", "type": "array", "items": {"type": "string"}, "minItems": 1},
        "on_field_missing": {"title": "On Field Missing", "type": "string", "pattern": "^(error|null)$", "default": "error"},
        "item_id_column": {"title": "Item Id Column", "type": "string", "pattern": "\\S", "default": "item_id", "description": "Must not be empty or whitespace-only."}
      },
      "required": ["type", "path", "fields"]
    },
    "TrainingConfig": {
      "title": "TrainingConfig",
      "description": "Hyperparameter search: algorithms, metric and budget.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "algorithms": {
          "title": "Algorithms",
          "description": "IALS, CosineKNN, TopPop, RP3beta, DenseSLIM, TruncatedSVD, BPRFM (any case, optional 'Recommender' suffix).",
          "type": "array",
          "items": {"type": "string"},
          "minItems": 1
        },
        "metric": {"title": "Metric", "type": "string", "pattern": "^(ndcg|map|recall|hit)$", "default": "ndcg"},
        "cutoff": {"title": "Cutoff", "type": "integer", "minimum": 1, "default": 20},
        "n_trials": {"title": "N Trials", "type": "integer", "minimum": 1, "default": 40},
        "per_algorithm_trials": {
          "title": "Per Algorithm Trials",
          "description": "Trial budget per algorithm; keys must name algorithms listed in `algorithms`.",
          "anyOf": [{"type": "object", "additionalProperties": {"type": "integer"}}, {"type": "null"}],
          "default": null
        },
        "per_trial_timeout_seconds": {"title": "Per Trial Timeout Seconds", "anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}], "default": null},
        "timeout_seconds": {"title": "Timeout Seconds", "anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}], "default": null},
        "parallelism": {"title": "Parallelism", "type": "integer", "minimum": 1, "default": 1},
        "storage_path": {"title": "Storage Path", "type": "string", "default": "", "description": "Empty: in-memory study. A postgresql/mysql/sqlite URL or a file path (SQLite) to persist and resume."},
        "split": {"$ref": "#/$defs/SplitConfig"}
      },
      "required": ["algorithms"]
    },
    "SplitConfig": {
      "title": "SplitConfig",
      "description": "Validation split. time_user and time_global need schema.time_column.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "scheme": {"title": "Scheme", "type": "string", "pattern": "^(random|time_global|time_user)$", "default": "random"},
        "heldout_ratio": {"title": "Heldout Ratio", "type": "number", "exclusiveMinimum": 0.0, "exclusiveMaximum": 1.0, "default": 0.1},
        "test_user_ratio": {"title": "Test User Ratio", "type": "number", "exclusiveMinimum": 0.0, "maximum": 1.0, "default": 1.0},
        "seed": {"title": "Seed", "type": "integer", "default": 42}
      }
    },
    "OutputConfig": {
      "title": "OutputConfig",
      "description": "Where the signed artifact is written.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "path": {"title": "Path", "type": "string", "description": "Local path, file://, s3://, gs://, az://, abfs(s)://."},
        "versioning": {"title": "Versioning", "type": "string", "pattern": "^(always_overwrite|append_sha)$", "default": "append_sha"}
      },
      "required": ["path"]
    }
  }
}
)JSON";

}  // namespace

const nlohmann::ordered_json& BuiltinRecipeSchema() {
  static const auto* schema =
      new nlohmann::ordered_json(nlohmann::ordered_json::parse(kBuiltinSchemaText));
  return *schema;
}

nlohmann::ordered_json RecipeJsonSchema() {
  nlohmann::ordered_json schema = BuiltinRecipeSchema();
  nlohmann::ordered_json one_of = nlohmann::ordered_json::array();
  nlohmann::ordered_json mapping = nlohmann::ordered_json::object();
  for (const SourceTypeInfo& info : SourceTypeRegistry::Default().Types()) {
    std::string ref = "#/$defs/" + info.def_name;
    schema["$defs"][info.def_name] = info.config_schema;
    one_of.push_back({{"$ref", ref}});
    mapping[info.type_name] = ref;
  }
  auto& source = schema["properties"]["source"];
  source["oneOf"] = std::move(one_of);
  source["discriminator"] = {{"propertyName", "type"}, {"mapping", std::move(mapping)}};
  return schema;
}

}  // namespace recotem

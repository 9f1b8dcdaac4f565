// OpenStudyStorage: the StudyStorage a recipe's `training.storage_path`
// names (recipe.md §9.6) — in memory when empty, else a relational storage
// in Optuna's schema (SQLite file, PostgreSQL, MySQL/MariaDB).
#pragma once

#include <memory>
#include <string>

#include "recotem/tune/study_storage.h"

namespace recotem::tune::storage {

// Opens (creating the file or schema when absent) the storage. Throws
// TrainingError("search_error") when a URL carries credentials and
// std::runtime_error when the value is unusable or the database cannot be
// opened (which the CLI maps to exit 1).
std::unique_ptr<StudyStorage> OpenStudyStorage(const std::string& storage_path);

}  // namespace recotem::tune::storage

// RdbStudyStorage: StudyStorage (study_storage.h) in Optuna's RDB schema,
// over any SqlConnection (SQLite, PostgreSQL, MySQL/MariaDB). The storage
// logic lives here once; the drivers only differ in how they talk SQL.
//
// ClaimTrial is one transaction that first serialises with every other
// claimer of the study: SQLite takes the database write lock (BEGIN
// IMMEDIATE); PostgreSQL and MySQL lock the study's row (SELECT … FOR
// UPDATE) and read committed data after the lock. Transactions that lose a
// lock race (SQLITE_BUSY, serialization failure, deadlock) are retried with
// a bounded exponential backoff.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "recotem/tune/storage/sql_connection.h"
#include "recotem/tune/study_storage.h"

namespace recotem::tune::storage {

// A transaction is tried this many times before its last transient error
// propagates.
inline constexpr int kMaxTransactionAttempts = 12;

class RdbStudyStorage final : public StudyStorage {
 public:
  // Takes the connection and creates Optuna's schema when absent (see
  // optuna_schema.h). Throws std::runtime_error when that fails.
  explicit RdbStudyStorage(std::unique_ptr<SqlConnection> connection);

  int64_t CreateOrLoadStudy(const std::string& name) override;
  std::optional<ClaimedTrial> ClaimTrial(int64_t study_id, const ClaimRequest& request) override;
  void SetTrialParam(int64_t trial_id, const std::string& name, double internal_value,
                     const ParamDistribution& distribution) override;
  void SetTrialUserAttr(int64_t trial_id, const std::string& key,
                        const nlohmann::json& value) override;
  void SetTrialIntermediateValue(int64_t trial_id, int64_t step, double value) override;
  void RecordHeartbeat(int64_t trial_id) override;
  bool FinishTrial(int64_t trial_id, TrialState state, std::optional<double> value) override;
  std::vector<FrozenTrial> GetAllTrials(int64_t study_id) override;

 private:
  // Runs `body` in a write transaction, retrying transient failures.
  template <typename Body>
  auto InTransaction(Body&& body) -> decltype(body());

  std::optional<int64_t> FindStudy(const std::string& name);
  int64_t InsertStudy(const std::string& name);
  void LockStudy(int64_t study_id);
  std::vector<int64_t> FailStaleTrials(int64_t study_id, std::chrono::seconds stale_after);
  std::vector<FrozenTrial> NonFailTrialClasses(int64_t study_id);
  ClaimedTrial InsertClaimedTrial(int64_t study_id, const ClaimRequest& request,
                                  std::optional<size_t> class_index);
  void InsertParam(int64_t trial_id, const std::string& name, double internal_value,
                   const ParamDistribution& distribution);
  void UpsertTrialRow(const std::string& update_sql, const std::string& insert_sql,
                      const SqlParams& update_params, const SqlParams& insert_params);
  std::string DatabaseNow();

  std::mutex mutex_;  // one statement at a time on connection_
  std::unique_ptr<SqlConnection> connection_;
};

}  // namespace recotem::tune::storage

// StudyStorage in Optuna's RDB schema (see rdb_study_storage.h).
#include "recotem/tune/storage/rdb_study_storage.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>

#include "recotem/tune/storage/optuna_distribution.h"
#include "recotem/tune/storage/optuna_encoding.h"
#include "recotem/tune/storage/optuna_schema.h"
#include "recotem/tune/storage/python_json.h"

namespace recotem::tune::storage {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{10};
constexpr std::chrono::milliseconds kMaxBackoff{1000};
constexpr const char* kStudyDirection = "MINIMIZE";
constexpr int64_t kObjective = 0;  // single-objective studies only

void SleepBeforeRetry(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  auto base = std::min(kMaxBackoff, kFirstBackoff * (int64_t{1} << std::min(attempt, 10)));
  std::uniform_int_distribution<int64_t> jitter(0, base.count());
  std::this_thread::sleep_for(base + std::chrono::milliseconds(jitter(rng)));
}

std::string Now() { return FormatOptunaDatetime(std::chrono::system_clock::now()); }

// Appends a nullable double without copying a SqlValue (GCC 12 reports a
// false maybe-uninitialized on copies of the variant's string member).
SqlParams& AppendNullable(SqlParams& params, std::optional<double> value) {
  if (value) {
    params.emplace_back(*value);
  } else {
    params.emplace_back(std::monostate{});
  }
  return params;
}

std::optional<double> OptionalDouble(const SqlRow& row, size_t column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Double(column);
}

nlohmann::json ParseStoredJson(const std::string& text, const std::string& what) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw std::runtime_error("study storage: " + what + " holds malformed JSON: " + text);
  }
  return parsed;
}

TrialState ParseState(const std::string& name) {
  std::optional<TrialState> state = ParseTrialState(name);
  if (!state) throw std::runtime_error("study storage: unknown trial state '" + name + "'");
  return *state;
}

// Trials of a study in GetAllTrials order, addressable by trial id.
struct TrialIndex {
  std::vector<FrozenTrial> trials;
  std::map<int64_t, size_t> position;

  FrozenTrial* Find(int64_t trial_id) {
    auto it = position.find(trial_id);
    return it == position.end() ? nullptr : &trials[it->second];
  }
};

// Study-scoped SELECTs over a trial's child table: `columns` from `table` c.
std::string ChildRowsOfStudy(const std::string& columns, const std::string& table,
                             const std::string& extra_condition = "") {
  return "SELECT c.trial_id, " + columns + " FROM " + table +
         " c JOIN trials t ON t.trial_id = c.trial_id WHERE t.study_id = ?" + extra_condition;
}

TrialIndex LoadTrialRows(SqlConnection& connection, int64_t study_id) {
  TrialIndex index;
  for (const SqlRow& row : connection.Query(
           "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials "
           "WHERE study_id = ? ORDER BY number, trial_id",
           {study_id})) {
    FrozenTrial trial;
    trial.trial_id = row.Int(0);
    trial.number = row.Int(1);
    trial.state = ParseState(row.Text(2));
    if (!row.IsNull(3)) trial.datetime_start = ParseOptunaDatetime(row.Text(3));
    if (!row.IsNull(4)) trial.datetime_complete = ParseOptunaDatetime(row.Text(4));
    index.position[trial.trial_id] = index.trials.size();
    index.trials.push_back(std::move(trial));
  }
  return index;
}

void AttachParams(SqlConnection& connection, int64_t study_id, TrialIndex& index) {
  for (const SqlRow& row : connection.Query(
           ChildRowsOfStudy("c.param_name, c.param_value, c.distribution_json", "trial_params"),
           {study_id})) {
    FrozenTrial* trial = index.Find(row.Int(0));
    if (trial == nullptr || row.IsNull(2)) continue;
    std::string name = row.Text(1);
    trial->params[name] = row.Double(2);
    trial->distributions.insert_or_assign(name, FromOptunaDistributionJson(name, row.Text(3)));
  }
}

void AttachValues(SqlConnection& connection, int64_t study_id, TrialIndex& index) {
  for (const SqlRow& row : connection.Query(
           ChildRowsOfStudy("c.value, c.value_type", "trial_values", " AND c.objective = 0"),
           {study_id})) {
    if (FrozenTrial* trial = index.Find(row.Int(0))) {
      trial->value = DecodeOptunaValue(OptionalDouble(row, 1), row.Text(2));
    }
  }
  for (const SqlRow& row :
       connection.Query(ChildRowsOfStudy("c.step, c.intermediate_value, c.intermediate_value_type",
                                         "trial_intermediate_values"),
                        {study_id})) {
    if (FrozenTrial* trial = index.Find(row.Int(0))) {
      trial->intermediate_values[row.Int(1)] =
          DecodeOptunaValue(OptionalDouble(row, 2), row.Text(3));
    }
  }
}

void AttachUserAttrs(SqlConnection& connection, int64_t study_id, TrialIndex& index) {
  for (const SqlRow& row : connection.Query(
           ChildRowsOfStudy("c.\"key\", c.value_json", "trial_user_attributes"), {study_id})) {
    if (FrozenTrial* trial = index.Find(row.Int(0))) {
      trial->user_attrs[row.Text(1)] = ParseStoredJson(row.Text(2), "a user attribute");
    }
  }
}

}  // namespace

RdbStudyStorage::RdbStudyStorage(std::unique_ptr<SqlConnection> connection)
    : connection_(std::move(connection)) {
  for (int attempt = 1;; ++attempt) {
    try {
      EnsureOptunaSchema(*connection_);
      return;
    } catch (const SqlError& e) {
      if (!e.transient() || attempt >= kMaxTransactionAttempts) throw;
      SleepBeforeRetry(attempt);
    }
  }
}

template <typename Body>
auto RdbStudyStorage::InTransaction(Body&& body) -> decltype(body()) {
  for (int attempt = 1;; ++attempt) {
    try {
      connection_->BeginWrite();
      try {
        if constexpr (std::is_void_v<decltype(body())>) {
          body();
          connection_->Commit();
          return;
        } else {
          auto result = body();
          connection_->Commit();
          return result;
        }
      } catch (...) {
        try {
          connection_->Rollback();
        } catch (const SqlError&) {
          // The original failure is the one to report.
        }
        throw;
      }
    } catch (const SqlError& e) {
      if (!e.transient() || attempt >= kMaxTransactionAttempts) throw;
      SleepBeforeRetry(attempt);
    }
  }
}

std::string RdbStudyStorage::DatabaseNow() {
  const char* sql = connection_->dialect() == SqlDialect::kPostgres ? "SELECT LOCALTIMESTAMP"
                                                                    : "SELECT CURRENT_TIMESTAMP";
  return connection_->Query(sql, {}).at(0).Text(0);
}

std::optional<int64_t> RdbStudyStorage::FindStudy(const std::string& name) {
  std::vector<SqlRow> rows =
      connection_->Query("SELECT study_id FROM studies WHERE study_name = ?", {name});
  if (rows.empty()) return std::nullopt;
  int64_t study_id = rows[0].Int(0);
  std::vector<SqlRow> directions = connection_->Query(
      "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective", {study_id});
  if (directions.size() != 1 || directions[0].Text(0) != kStudyDirection) {
    throw std::runtime_error("study '" + name +
                             "' exists but is not a single-objective MINIMIZE study");
  }
  return study_id;
}

int64_t RdbStudyStorage::InsertStudy(const std::string& name) {
  int64_t study_id =
      connection_->Insert("INSERT INTO studies (study_name) VALUES (?)", {name}, "study_id");
  connection_->Update(
      "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
      {std::string(kStudyDirection), study_id, kObjective});
  return study_id;
}

int64_t RdbStudyStorage::CreateOrLoadStudy(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    return InTransaction([&] {
      std::optional<int64_t> existing = FindStudy(name);
      return existing ? *existing : InsertStudy(name);
    });
  } catch (const SqlError&) {
    // Another process created the study between our lookup and insert (the
    // unique study name index rejected ours): load theirs.
    std::optional<int64_t> existing = InTransaction([&] { return FindStudy(name); });
    if (existing) return *existing;
    throw;
  }
}

void RdbStudyStorage::LockStudy(int64_t study_id) {
  // SQLite's BEGIN IMMEDIATE already holds the database write lock; the
  // servers lock the study's row until the transaction ends.
  std::string sql = "SELECT study_id FROM studies WHERE study_id = ?";
  if (connection_->dialect() != SqlDialect::kSqlite) sql += " FOR UPDATE";
  if (connection_->Query(sql, {study_id}).empty()) {
    throw std::invalid_argument("study storage: no study with id " + std::to_string(study_id));
  }
}

std::vector<int64_t> RdbStudyStorage::FailStaleTrials(int64_t study_id,
                                                      std::chrono::seconds stale_after) {
  std::vector<int64_t> failed;
  if (stale_after.count() <= 0) return failed;
  std::vector<SqlRow> running = connection_->Query(
      "SELECT t.trial_id, t.number, h.heartbeat FROM trials t "
      "JOIN trial_heartbeats h ON h.trial_id = t.trial_id "
      "WHERE t.study_id = ? AND t.state = 'RUNNING'",
      {study_id});
  if (running.empty()) return failed;
  std::chrono::microseconds now = NaiveDatetimeMicros(DatabaseNow());
  for (const SqlRow& row : running) {
    if (now - NaiveDatetimeMicros(row.Text(2)) <= stale_after) continue;
    if (connection_->Update("UPDATE trials SET state = 'FAIL', datetime_complete = ? "
                            "WHERE trial_id = ? AND state = 'RUNNING'",
                            {Now(), row.Int(0)}) == 1) {
      failed.push_back(row.Int(1));
    }
  }
  return failed;
}

std::vector<FrozenTrial> RdbStudyStorage::NonFailTrialClasses(int64_t study_id) {
  std::vector<SqlRow> rows = connection_->Query(
      "SELECT t.trial_id, t.state, p.param_value, p.distribution_json, a.value_json "
      "FROM trials t "
      "LEFT JOIN trial_params p ON p.trial_id = t.trial_id AND p.param_name = ? "
      "LEFT JOIN trial_user_attributes a ON a.trial_id = t.trial_id AND a.\"key\" = ? "
      "WHERE t.study_id = ? AND t.state <> 'FAIL'",
      {std::string(kClassParamName), std::string(kClassParamName), study_id});
  std::vector<FrozenTrial> trials;
  for (const SqlRow& row : rows) {
    FrozenTrial trial;
    trial.trial_id = row.Int(0);
    trial.state = ParseState(row.Text(1));
    if (!row.IsNull(2) && !row.IsNull(3)) {
      trial.params[kClassParamName] = row.Double(2);
      trial.distributions.emplace(kClassParamName,
                                  FromOptunaDistributionJson(kClassParamName, row.Text(3)));
    }
    if (!row.IsNull(4)) {
      trial.user_attrs[kClassParamName] = ParseStoredJson(row.Text(4), "a user attribute");
    }
    trials.push_back(std::move(trial));
  }
  return trials;
}

void RdbStudyStorage::InsertParam(int64_t trial_id, const std::string& name, double internal_value,
                                  const ParamDistribution& distribution) {
  connection_->Update(
      "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) "
      "VALUES (?, ?, ?, ?)",
      {trial_id, name, internal_value, ToOptunaDistributionJson(distribution)});
}

ClaimedTrial RdbStudyStorage::InsertClaimedTrial(int64_t study_id, const ClaimRequest& request,
                                                 std::optional<size_t> class_index) {
  SqlRow last =
      connection_->Query("SELECT MAX(number) FROM trials WHERE study_id = ?", {study_id}).at(0);
  ClaimedTrial claimed;
  claimed.number = last.IsNull(0) ? 0 : last.Int(0) + 1;
  claimed.trial_id = connection_->Insert(
      "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) "
      "VALUES (?, ?, 'RUNNING', ?, NULL)",
      {claimed.number, study_id, Now()}, "trial_id");
  connection_->Update(
      "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, CURRENT_TIMESTAMP)",
      {claimed.trial_id});
  if (class_index) {
    const ClassSchedule& schedule = *request.schedule;
    std::vector<nlohmann::json> choices(schedule.classes.begin(), schedule.classes.end());
    InsertParam(claimed.trial_id, kClassParamName, static_cast<double>(*class_index),
                ParamDistribution::Categorical(kClassParamName, std::move(choices)));
    claimed.class_name = schedule.classes[*class_index];
  }
  return claimed;
}

std::optional<ClaimedTrial> RdbStudyStorage::ClaimTrial(int64_t study_id,
                                                        const ClaimRequest& request) {
  if (request.schedule && request.schedule->classes.size() != request.schedule->budgets.size()) {
    throw std::invalid_argument("ClaimTrial: schedule classes and budgets differ in length");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  return InTransaction([&]() -> std::optional<ClaimedTrial> {
    LockStudy(study_id);
    std::vector<int64_t> failed = FailStaleTrials(study_id, request.stale_after);
    std::vector<FrozenTrial> active = NonFailTrialClasses(study_id);
    if (static_cast<int64_t>(active.size()) >= request.max_trials) return std::nullopt;
    std::optional<size_t> class_index;
    if (request.schedule) {
      class_index = NextScheduledClass(*request.schedule, active);
      if (!class_index) return std::nullopt;
    }
    ClaimedTrial claimed = InsertClaimedTrial(study_id, request, class_index);
    claimed.failed_stale = std::move(failed);
    return claimed;
  });
}

void RdbStudyStorage::SetTrialParam(int64_t trial_id, const std::string& name,
                                    double internal_value, const ParamDistribution& distribution) {
  std::lock_guard<std::mutex> lock(mutex_);
  InTransaction([&] { InsertParam(trial_id, name, internal_value, distribution); });
}

void RdbStudyStorage::UpsertTrialRow(const std::string& update_sql, const std::string& insert_sql,
                                     const SqlParams& update_params,
                                     const SqlParams& insert_params) {
  InTransaction([&] {
    if (connection_->Update(update_sql, update_params) == 0) {
      connection_->Update(insert_sql, insert_params);
    }
  });
}

void RdbStudyStorage::SetTrialUserAttr(int64_t trial_id, const std::string& key,
                                       const nlohmann::json& value) {
  std::string json = PythonJsonDumps(value);
  std::lock_guard<std::mutex> lock(mutex_);
  UpsertTrialRow(
      "UPDATE trial_user_attributes SET value_json = ? WHERE trial_id = ? AND \"key\" = ?",
      "INSERT INTO trial_user_attributes (trial_id, \"key\", value_json) VALUES (?, ?, ?)",
      {json, trial_id, key}, {trial_id, key, json});
}

void RdbStudyStorage::SetTrialIntermediateValue(int64_t trial_id, int64_t step, double value) {
  EncodedValue encoded = EncodeOptunaValue(value);
  std::string type = encoded.type;
  SqlParams update_params;
  AppendNullable(update_params, encoded.value).emplace_back(type);
  update_params.emplace_back(trial_id);
  update_params.emplace_back(step);
  SqlParams insert_params{trial_id, step};
  AppendNullable(insert_params, encoded.value).emplace_back(type);
  std::lock_guard<std::mutex> lock(mutex_);
  UpsertTrialRow(
      "UPDATE trial_intermediate_values SET intermediate_value = ?, intermediate_value_type = ? "
      "WHERE trial_id = ? AND step = ?",
      "INSERT INTO trial_intermediate_values "
      "(trial_id, step, intermediate_value, intermediate_value_type) VALUES (?, ?, ?, ?)",
      update_params, insert_params);
}

void RdbStudyStorage::RecordHeartbeat(int64_t trial_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  UpsertTrialRow("UPDATE trial_heartbeats SET heartbeat = CURRENT_TIMESTAMP WHERE trial_id = ?",
                 "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, CURRENT_TIMESTAMP)",
                 {trial_id}, {trial_id});
}

bool RdbStudyStorage::FinishTrial(int64_t trial_id, TrialState state, std::optional<double> value) {
  if (state == TrialState::kRunning || state == TrialState::kWaiting) {
    throw std::invalid_argument("FinishTrial: the final state must be COMPLETE, PRUNED or FAIL");
  }
  if (state == TrialState::kComplete && (!value || std::isnan(*value))) {
    throw std::invalid_argument("FinishTrial: a COMPLETE trial needs a non-NaN value");
  }
  // Optuna keeps no value for NaN (a pruned trial's NaN last report).
  if (value && std::isnan(*value)) value.reset();
  std::lock_guard<std::mutex> lock(mutex_);
  return InTransaction([&] {
    if (connection_->Update("UPDATE trials SET state = ?, datetime_complete = ? "
                            "WHERE trial_id = ? AND state = 'RUNNING'",
                            {std::string(TrialStateName(state)), Now(), trial_id}) != 1) {
      return false;
    }
    if (value) {
      EncodedValue encoded = EncodeOptunaValue(*value);
      SqlParams params{trial_id, kObjective};
      AppendNullable(params, encoded.value).emplace_back(std::string(encoded.type));
      connection_->Update(
          "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)",
          params);
    }
    return true;
  });
}

std::vector<FrozenTrial> RdbStudyStorage::GetAllTrials(int64_t study_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return InTransaction([&] {
    TrialIndex index = LoadTrialRows(*connection_, study_id);
    AttachParams(*connection_, study_id, index);
    AttachValues(*connection_, study_id, index);
    AttachUserAttrs(*connection_, study_id, index);
    return std::move(index.trials);
  });
}

}  // namespace recotem::tune::storage

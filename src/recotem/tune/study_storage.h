// StudyStorage: where the trials of a hyperparameter search live. The search
// driver (search.h) and the TPE sampler see trials only through this
// interface; implementations are in memory (in_memory_storage.h) and
// relational in Optuna's RDB schema (storage/: SQLite, PostgreSQL,
// MySQL/MariaDB), so several `recotem train` processes can share one study.
// storage/open_study_storage.h picks one from a recipe's `storage_path`.
//
// Semantics (training.md §10–11, with the port's simplifications recorded in
// docs/compatibility.md):
// - A study has one objective, direction MINIMIZE (objective = −metric).
// - Trials are numbered 0, 1, … per study in the order they are claimed.
// - The trial budget is per study: ClaimTrial() hands out a trial only while
//   the study has fewer than `max_trials` trials that are not FAIL, so N
//   workers together run exactly `max_trials` trials, and a resumed study
//   only runs what is missing. FAIL trials (a dead worker's, found through
//   its stale heartbeat) do not count, so their work is redone.
// - With a class schedule (multi-algorithm searches), the claim also fixes the
//   trial's algorithm: the first class in schedule order whose non-FAIL trials
//   are fewer than its budget. This replaces the original's enqueued trials
//   (the same class-by-class order, without WAITING rows that concurrent
//   workers would each enqueue). The class is stored as the categorical
//   parameter `recommender_class_name` (choices = the schedule's classes).
//
// Thread-safety: every method may be called concurrently from several
// threads of one process and from several processes on one database.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/algo/search_space.h"

namespace recotem::tune {

// The parameter that carries a multi-class trial's algorithm.
inline constexpr const char* kClassParamName = "recommender_class_name";

enum class TrialState { kRunning, kComplete, kPruned, kFail, kWaiting };

// Optuna's spelling: "RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING".
const char* TrialStateName(TrialState state);
std::optional<TrialState> ParseTrialState(std::string_view name);

struct FrozenTrial {
  int64_t trial_id = 0;  // storage-wide id
  int64_t number = 0;    // 0-based within the study
  TrialState state = TrialState::kRunning;
  std::optional<double> value;  // objective of a COMPLETE trial (may be ±inf)
  // Parameters in Optuna's internal representation: numbers as doubles,
  // categoricals as the index into `distributions[name].choices`.
  std::map<std::string, double> params;
  std::map<std::string, ParamDistribution> distributions;
  std::map<int64_t, double> intermediate_values;  // step → value (may be NaN/±inf)
  nlohmann::json user_attrs = nlohmann::json::object();
  std::optional<std::chrono::system_clock::time_point> datetime_start;
  std::optional<std::chrono::system_clock::time_point> datetime_complete;

  // The external value of a parameter (an int, a double or the categorical
  // choice), or null when the trial does not have it.
  nlohmann::json ParamValue(const std::string& name) const;
};

// Fixes each trial's algorithm in a multi-class study (see above).
struct ClassSchedule {
  std::vector<std::string> classes;  // recipe order; the categorical's choices
  std::vector<int64_t> budgets;      // same length: trials per class
};

struct ClaimRequest {
  int64_t max_trials = 0;  // study-wide budget of non-FAIL trials
  std::optional<ClassSchedule> schedule;
  // RUNNING trials whose last heartbeat is older than this are set to FAIL
  // before counting (0 = never). Trials without a heartbeat row are left alone.
  std::chrono::seconds stale_after{0};
};

struct ClaimedTrial {
  int64_t trial_id = 0;
  int64_t number = 0;
  std::optional<std::string> class_name;  // set when a schedule was given
  std::vector<int64_t> failed_stale;      // numbers of trials this claim set to FAIL
};

class StudyStorage {
 public:
  virtual ~StudyStorage() = default;

  // Opens the study named `name`, creating it (direction MINIMIZE) when it
  // does not exist. Returns its study id. Two processes creating the same
  // study at once both get the one id.
  virtual int64_t CreateOrLoadStudy(const std::string& name) = 0;

  // Atomically counts, picks the class (if scheduled) and inserts a RUNNING
  // trial with the next number, its datetime_start, a first heartbeat and,
  // when scheduled, its class parameter. nullopt when the budget is spent
  // (or every scheduled class is).
  virtual std::optional<ClaimedTrial> ClaimTrial(int64_t study_id, const ClaimRequest& request) = 0;

  // Records a suggested parameter (internal representation, see FrozenTrial).
  virtual void SetTrialParam(int64_t trial_id, const std::string& name, double internal_value,
                             const ParamDistribution& distribution) = 0;
  virtual void SetTrialUserAttr(int64_t trial_id, const std::string& key,
                                const nlohmann::json& value) = 0;
  virtual void SetTrialIntermediateValue(int64_t trial_id, int64_t step, double value) = 0;
  // Refreshes the trial's heartbeat (a worker calls this periodically while
  // the trial runs).
  virtual void RecordHeartbeat(int64_t trial_id) = 0;
  // Ends a RUNNING trial: state COMPLETE (with `value`), PRUNED or FAIL, and
  // datetime_complete. Returns false (and changes nothing) when the trial is
  // no longer RUNNING, e.g. another worker failed it as stale.
  virtual bool FinishTrial(int64_t trial_id, TrialState state, std::optional<double> value) = 0;

  // Every trial of the study, ordered by number.
  virtual std::vector<FrozenTrial> GetAllTrials(int64_t study_id) = 0;
};

// A parameter's external value (an int, a double or the categorical choice)
// from its internal representation.
nlohmann::json ExternalParamValue(const ParamDistribution& distribution, double internal_value);

// The class a trial of a scheduled study belongs to: the choice its class
// parameter names, else its `recommender_class_name` user attribute, else
// empty. Storages use it to count trials per class (the choice string,
// not the index: an Optuna-written study may order its choices differently).
std::string TrialClassName(const FrozenTrial& trial);

// The schedule's pick for the next trial given the non-FAIL trials so far:
// the first class whose count is below its budget, or nullopt.
std::optional<size_t> NextScheduledClass(const ClassSchedule& schedule,
                                         const std::vector<FrozenTrial>& trials);

}  // namespace recotem::tune

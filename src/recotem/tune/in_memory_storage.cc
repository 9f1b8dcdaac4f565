#include "recotem/tune/in_memory_storage.h"

#include <stdexcept>

namespace recotem::tune {

int64_t InMemoryStudyStorage::CreateOrLoadStudy(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = study_ids_.try_emplace(name, static_cast<int64_t>(study_ids_.size()));
  return it->second;
}

InMemoryStudyStorage::StoredTrial& InMemoryStudyStorage::TrialLocked(int64_t trial_id) {
  if (trial_id < 0 || trial_id >= static_cast<int64_t>(trials_.size())) {
    throw std::out_of_range("no trial with id " + std::to_string(trial_id));
  }
  return trials_[static_cast<size_t>(trial_id)];
}

std::vector<int64_t> InMemoryStudyStorage::FailStaleLocked(int64_t study_id,
                                                           std::chrono::seconds stale_after) {
  std::vector<int64_t> failed;
  if (stale_after.count() <= 0) return failed;
  auto now = std::chrono::steady_clock::now();
  for (StoredTrial& stored : trials_) {
    if (stored.study_id != study_id || stored.trial.state != TrialState::kRunning) continue;
    if (now - stored.heartbeat <= stale_after) continue;
    stored.trial.state = TrialState::kFail;
    stored.trial.datetime_complete = std::chrono::system_clock::now();
    failed.push_back(stored.trial.number);
  }
  return failed;
}

std::optional<ClaimedTrial> InMemoryStudyStorage::ClaimTrial(int64_t study_id,
                                                             const ClaimRequest& request) {
  std::lock_guard lock(mutex_);
  ClaimedTrial claimed;
  claimed.failed_stale = FailStaleLocked(study_id, request.stale_after);
  std::vector<FrozenTrial> trials;
  int64_t live = 0;
  for (const StoredTrial& stored : trials_) {
    if (stored.study_id != study_id) continue;
    trials.push_back(stored.trial);
    if (stored.trial.state != TrialState::kFail) ++live;
  }
  if (live >= request.max_trials) return std::nullopt;
  std::optional<size_t> class_index;
  if (request.schedule) {
    class_index = NextScheduledClass(*request.schedule, trials);
    if (!class_index) return std::nullopt;
  }

  StoredTrial stored;
  stored.study_id = study_id;
  stored.heartbeat = std::chrono::steady_clock::now();
  stored.trial.trial_id = static_cast<int64_t>(trials_.size());
  stored.trial.number = static_cast<int64_t>(trials.size());
  stored.trial.state = TrialState::kRunning;
  stored.trial.datetime_start = std::chrono::system_clock::now();
  if (class_index) {
    std::vector<nlohmann::json> choices(request.schedule->classes.begin(),
                                        request.schedule->classes.end());
    stored.trial.params[kClassParamName] = static_cast<double>(*class_index);
    stored.trial.distributions.emplace(
        kClassParamName, ParamDistribution::Categorical(kClassParamName, std::move(choices)));
    claimed.class_name = request.schedule->classes[*class_index];
  }
  claimed.trial_id = stored.trial.trial_id;
  claimed.number = stored.trial.number;
  trials_.push_back(std::move(stored));
  return claimed;
}

void InMemoryStudyStorage::SetTrialParam(int64_t trial_id, const std::string& name,
                                         double internal_value,
                                         const ParamDistribution& distribution) {
  std::lock_guard lock(mutex_);
  FrozenTrial& trial = TrialLocked(trial_id).trial;
  trial.params[name] = internal_value;
  trial.distributions.insert_or_assign(name, distribution);
}

void InMemoryStudyStorage::SetTrialUserAttr(int64_t trial_id, const std::string& key,
                                            const nlohmann::json& value) {
  std::lock_guard lock(mutex_);
  TrialLocked(trial_id).trial.user_attrs[key] = value;
}

void InMemoryStudyStorage::SetTrialIntermediateValue(int64_t trial_id, int64_t step, double value) {
  std::lock_guard lock(mutex_);
  TrialLocked(trial_id).trial.intermediate_values[step] = value;
}

void InMemoryStudyStorage::RecordHeartbeat(int64_t trial_id) {
  std::lock_guard lock(mutex_);
  TrialLocked(trial_id).heartbeat = std::chrono::steady_clock::now();
}

bool InMemoryStudyStorage::FinishTrial(int64_t trial_id, TrialState state,
                                       std::optional<double> value) {
  std::lock_guard lock(mutex_);
  FrozenTrial& trial = TrialLocked(trial_id).trial;
  if (trial.state != TrialState::kRunning) return false;
  trial.state = state;
  if (state == TrialState::kComplete) trial.value = value;
  trial.datetime_complete = std::chrono::system_clock::now();
  return true;
}

std::vector<FrozenTrial> InMemoryStudyStorage::GetAllTrials(int64_t study_id) {
  std::lock_guard lock(mutex_);
  std::vector<FrozenTrial> out;
  for (const StoredTrial& stored : trials_) {
    if (stored.study_id == study_id) out.push_back(stored.trial);
  }
  return out;
}

}  // namespace recotem::tune

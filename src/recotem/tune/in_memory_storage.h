// InMemoryStudyStorage: the default study storage (empty `storage_path`).
// Trials live in this process only; nothing survives the run, so there is no
// resume. Implements every StudyStorage rule (budget, class schedule,
// heartbeats) under one mutex.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "recotem/tune/study_storage.h"

namespace recotem::tune {

class InMemoryStudyStorage final : public StudyStorage {
 public:
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
  struct StoredTrial {
    int64_t study_id = 0;
    FrozenTrial trial;
    std::chrono::steady_clock::time_point heartbeat;
  };

  StoredTrial& TrialLocked(int64_t trial_id);
  std::vector<int64_t> FailStaleLocked(int64_t study_id, std::chrono::seconds stale_after);

  std::mutex mutex_;
  std::map<std::string, int64_t> study_ids_;
  std::vector<StoredTrial> trials_;  // index = trial_id
};

}  // namespace recotem::tune

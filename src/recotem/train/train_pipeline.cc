#include "recotem/train/train_pipeline.h"

#include <algorithm>
#include <system_error>

#include "recotem/algo/algorithm_registry.h"
#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/artifact_writer.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/artifact/model_bundle.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/log.h"
#include "recotem/core/strings.h"
#include "recotem/core/version.h"
#include "recotem/data/data_source.h"
#include "recotem/recipe/path_policy.h"
#include "recotem/recipe/recipe_hash.h"
#include "recotem/train/cleansing.h"
#include "recotem/train/model_selection.h"
#include "recotem/train/recipe_lock.h"

namespace recotem {
namespace {

const log::Logger& PipelineLogger() {
  static const log::Logger logger("recotem.training.pipeline");
  return logger;
}

// §12 step 3: the best trial's parameters the class accepts; the others are
// dropped with a warning.
HyperParams RefitParams(const AlgorithmInfo& info, const HyperParams& best_params,
                        const log::Logger& logger) {
  HyperParams accepted = HyperParams::object();
  std::vector<std::string> dropped;
  for (const auto& [name, value] : best_params.items()) {
    const std::vector<std::string>& names = info.parameter_names;
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      accepted[name] = value;
    } else {
      dropped.push_back(name);
    }
  }
  if (!dropped.empty()) {
    std::sort(dropped.begin(), dropped.end());
    logger.Warning(events::kFinalTrainingDroppedParams,
                   {{"class_name", info.class_name}, {"dropped", dropped}});
  }
  return accepted;
}

KeyRing ResolveSigningKeys(bool dev_allow_unsigned) {
  if (dev_allow_unsigned) return KeyRing::DevKey();
  std::optional<KeyRing> ring = KeyRing::FromEnvironment();
  if (!ring) {
    throw TrainingError(
        "RECOTEM_SIGNING_KEYS is not set. A signing key is required to sign artifacts. Use "
        "'recotem keygen --type signing' to generate one, or set "
        "RECOTEM_SIGNING_KEYS=<kid>:<hex64>.",
        kCodeSigningKeyMissing);
  }
  return std::move(*ring);
}

InteractionTable FetchTable(const Recipe& recipe, const std::string& run_id,
                            const log::Logger& logger) {
  std::unique_ptr<DataSource> source = DataSourceRegistry::Default().Create(recipe.source);
  try {
    return source->Fetch(FetchContext{recipe.name, run_id});
  } catch (const RecotemError&) {
    throw;
  } catch (const std::exception& e) {
    logger.Error(events::kDatasourceUnexpectedError,
                 {{"exc_class", "std::exception"}, {"error", e.what()}});
    throw DataSourceError(std::string("Data fetch failed: ") + e.what());
  }
}

std::filesystem::path LocalOutputPath(const std::string& output_path) {
  std::optional<std::string> local = LocalPathOf(output_path);
  if (!local) {
    throw ArtifactError("output.path '" + output_path +
                        "': object-store outputs are not supported by this build yet");
  }
  return std::filesystem::absolute(*local);
}

// RECOTEM_ARTIFACT_ROOT is re-checked just before each rename (a directory
// may have been swapped for a symlink since the recipe was loaded).
void RecheckContainment(const std::string& output_path) {
  try {
    CheckArtifactRootContainment(output_path);
  } catch (const RecipeError& e) {
    throw ArtifactError(std::string("artifact write refused: ") + e.what());
  }
}

}  // namespace

TrainOutcome RunTrainPipeline(const Recipe& recipe, const TrainOptions& options,
                              TrainRunState* state) {
  KeyRing ring = ResolveSigningKeys(options.dev_allow_unsigned);
  state->kid = ring.active().kid;

  RecipeLock lock;
  if (!options.no_lock) {
    LockOptions lock_options{options.fail_on_busy, options.lock_timeout_seconds};
    if (lock.Acquire(recipe.output.path, recipe.name, options.run_id, lock_options) ==
        RecipeLock::Outcome::kSkipped) {
      TrainOutcome skipped;
      skipped.skipped = true;
      return skipped;
    }
  }

  const log::Logger logger =
      PipelineLogger().Bind({{"recipe", recipe.name}, {"run_id", options.run_id}});
  logger.Info(events::kTrainingStarted);
  state->recipe_hash = RecipeHash(recipe);

  logger.Info(events::kFetchingData);
  InteractionTable table = FetchTable(recipe, options.run_id, logger);
  logger.Info(events::kDataFetched, {{"n_rows", table.n_rows()}});

  CleansedData cleansed = Cleanse(table, recipe.schema, recipe.cleansing);
  table = InteractionTable();  // release the raw columns before training
  state->n_rows = cleansed.stats.n_rows;
  state->n_users = cleansed.stats.n_users;
  state->n_items = cleansed.stats.n_items;
  logger.Info(events::kDataCleansed,
              {{"n_rows", cleansed.stats.n_rows}, {"drop_count", cleansed.stats.drop_count}});

  SelectionResult selection =
      SelectModel(cleansed.interactions, recipe.training, logger,
                  {recipe.name, options.run_id, options.quiet, options.verbose});

  logger.Info(events::kTrainingFinalModel, {{"recommender", selection.best_class}});
  FinalTrainingData final_data = BuildFinalTrainingData(cleansed.interactions);
  const AlgorithmInfo* info = AlgorithmRegistry::Default().Find(selection.best_class);
  ModelBundle bundle;
  try {
    bundle.model = info->create(RefitParams(*info, selection.best_params, logger));
    bundle.model->Fit(final_data.matrix);
  } catch (const std::invalid_argument& e) {
    throw TrainingError(std::string("final training failed: ") + e.what(), "final_training_error");
  }
  logger.Info(events::kFinalModelTrained);
  bundle.users = std::move(final_data.users);
  bundle.items = std::move(final_data.items);
  bundle.seen = std::move(final_data.matrix);

  ArtifactHeader header;
  header.recipe_name = recipe.name;
  header.recipe_hash = *state->recipe_hash;
  header.recotem_version = kRecotemVersion;
  header.irspack_version = kEngineVersion;
  header.trained_at = UtcNowSeconds();
  header.best_class = selection.best_class;
  header.best_params = bundle.model->params();
  header.best_score = selection.best_score;
  header.metric = recipe.training.metric;
  header.cutoff = recipe.training.cutoff;
  header.tuning.tried_algorithms = selection.tried_algorithms;
  header.tuning.n_trials = recipe.training.n_trials;
  header.tuning.n_completed = selection.n_completed;
  header.tuning.n_orphaned = selection.n_orphaned;
  header.tuning.best_trial_number = selection.best_trial_number;
  header.tuning.search_seed = recipe.training.split.seed;
  header.data_stats = {cleansed.stats.n_rows, cleansed.stats.n_users, cleansed.stats.n_items,
                       cleansed.stats.drop_count, cleansed.stats.dedup_policy};

  std::vector<uint8_t> payload = EncodePayload(bundle);
  std::vector<uint8_t> artifact = BuildContainer(ring.active(), EncodeHeaderJson(header), payload);
  Versioning versioning = recipe.output.versioning == "always_overwrite"
                              ? Versioning::kAlwaysOverwrite
                              : Versioning::kAppendSha;
  WrittenArtifact written = WriteArtifactFile(
      LocalOutputPath(recipe.output.path), versioning, artifact,
      [&](const std::filesystem::path&) { RecheckContainment(recipe.output.path); });

  log::Fields written_fields = {{"versioning", recipe.output.versioning},
                                {"artifact", written.artifact_path}};
  if (written.pointer_path) written_fields["pointer"] = *written.pointer_path;
  written_fields["kid"] = ring.active().kid;
  logger.Info(events::kArtifactWritten, written_fields);

  TrainOutcome outcome;
  outcome.artifact_path = written.artifact_path;
  outcome.pointer_path = written.pointer_path;
  outcome.best_class = selection.best_class;
  outcome.best_score = selection.best_score;
  PipelineLogger().Info(events::kTrainDone, {{"name", recipe.name},
                                             {"run_id", options.run_id},
                                             {"exit_code", 0},
                                             {"artifact", written.artifact_path},
                                             {"best_class", selection.best_class},
                                             {"best_score", selection.best_score},
                                             {"trials", selection.n_completed},
                                             {"n_orphaned", selection.n_orphaned},
                                             {"trained_at", header.trained_at},
                                             {"kid", ring.active().kid},
                                             {"recipe_hash", *state->recipe_hash},
                                             {"n_rows", cleansed.stats.n_rows},
                                             {"n_users", cleansed.stats.n_users},
                                             {"n_items", cleansed.stats.n_items}});
  return outcome;
}

}  // namespace recotem

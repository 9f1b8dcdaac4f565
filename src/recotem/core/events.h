// Every structured-log event name, spelled exactly as the spec spells it
// (operators alert on these). Use these constants; never retype the strings.
#pragma once

namespace recotem::events {

// configuration
inline constexpr const char* kEnvVarUnparseable = "env_var_unparseable";
inline constexpr const char* kEnvVarClamped = "env_var_clamped";

// signing keys and artifacts
inline constexpr const char* kSigningKeyringBuilt = "signing_keyring_built";
inline constexpr const char* kSigningKeyringInvalid = "signing_keyring_invalid";
inline constexpr const char* kArtifactKidUnknown = "artifact_kid_unknown";
inline constexpr const char* kArtifactHmacMismatch = "artifact_hmac_mismatch";
inline constexpr const char* kArtifactWritten = "artifact_written";
inline constexpr const char* kArtifactLoaded = "artifact_loaded";
inline constexpr const char* kDevAllowUnsignedIgnored = "dev_allow_unsigned_ignored";
inline constexpr const char* kSigningKeyVerificationDisabled = "signing_key_verification_disabled";

// recipes
inline constexpr const char* kRecipeLoaded = "recipe_loaded";
inline constexpr const char* kRecipeEnvVarEmpty = "recipe_env_var_empty";
inline constexpr const char* kRecipeLoadErrorSkipped = "recipe_load_error_skipped";
inline constexpr const char* kRecipeSecurityViolationSkipped = "recipe_security_violation_skipped";
inline constexpr const char* kRecipeDuplicateNameSkipped = "recipe_duplicate_name_skipped";
inline constexpr const char* kRecipesDirectoryLoadedLenient = "recipes_directory_loaded_lenient";
inline constexpr const char* kRecipesDirectoryLoaded = "recipes_directory_loaded";

// train
inline constexpr const char* kRecipeLockLocalOnly = "recipe_lock_local_only";
inline constexpr const char* kRecipeLockContendedSkipping = "recipe_lock_contended_skipping";
inline constexpr const char* kRecipeLockTimeout = "recipe_lock_timeout";
inline constexpr const char* kRecipeLockUnsafeSymlink = "recipe_lock_unsafe_symlink";
inline constexpr const char* kTrainingStarted = "training_started";
inline constexpr const char* kFetchingData = "fetching_data";
inline constexpr const char* kDataFetched = "data_fetched";
inline constexpr const char* kCsvSourceFetchStart = "csv_source_fetch_start";
inline constexpr const char* kCsvSourceFetchDone = "csv_source_fetch_done";
inline constexpr const char* kCsvSourceSizeExceeded = "csv_source_size_exceeded";
inline constexpr const char* kDatasourceUnexpectedError = "datasource_unexpected_error";
inline constexpr const char* kDataCleansed = "data_cleansed";
inline constexpr const char* kSplittingData = "splitting_data";
inline constexpr const char* kSplitDone = "split_done";
inline constexpr const char* kSearchStarted = "search_started";
inline constexpr const char* kTrialDone = "trial_done";
inline constexpr const char* kTruncatedSvdComponentsReduced = "truncated_svd_components_reduced";
inline constexpr const char* kTrialLearnFailed = "trial_learn_failed";
inline constexpr const char* kPerTrialTimeoutThreadOrphaned = "per_trial_timeout_thread_orphaned";
inline constexpr const char* kTrainingOrphanedThreads = "training_orphaned_threads";
inline constexpr const char* kStudyStaleTrialsFailed = "study_stale_trials_failed";
inline constexpr const char* kStudyHeartbeatFailed = "study_heartbeat_failed";
inline constexpr const char* kTuningComplete = "tuning_complete";
inline constexpr const char* kSearchDone = "search_done";
inline constexpr const char* kZeroScoreHitMetric = "zero_score_hit_metric";
inline constexpr const char* kTuningAborted = "tuning_aborted";
inline constexpr const char* kTrainingFinalModel = "training_final_model";
inline constexpr const char* kFinalTrainingDroppedParams = "final_training_dropped_params";
inline constexpr const char* kFinalModelTrained = "final_model_trained";
inline constexpr const char* kTrainDone = "train_done";
inline constexpr const char* kTrainError = "train_error";

// serve
inline constexpr const char* kSecurityPosture = "security.posture";
inline constexpr const char* kHostForcedToLoopback = "host_forced_to_loopback";
inline constexpr const char* kRecipeYamlParseFailedAtStartup =
    "recipe_yaml_parse_failed_at_startup";
inline constexpr const char* kRecipeNotLoadedAtStartup = "recipe_not_loaded_at_startup";
inline constexpr const char* kInitialArtifactReadFailed = "initial_artifact_read_failed";
inline constexpr const char* kInitialArtifactReadError = "initial_artifact_read_error";
inline constexpr const char* kInitialArtifactParseFailed = "initial_artifact_parse_failed";
inline constexpr const char* kInitialArtifactHmacFailed = "initial_artifact_hmac_failed";
inline constexpr const char* kInitialArtifactHeaderJsonFailed =
    "initial_artifact_header_json_failed";
inline constexpr const char* kInitialArtifactDeserializeFailed =
    "initial_artifact_deserialize_failed";
inline constexpr const char* kInitialArtifactMetadataFailed = "initial_artifact_metadata_failed";
inline constexpr const char* kInitialArtifactHmacSkippedDev = "initial_artifact_hmac_skipped_dev";
inline constexpr const char* kStartupArtifactLoadComplete = "startup_artifact_load_complete";
inline constexpr const char* kServeBindFailed = "serve_bind_failed";
inline constexpr const char* kServeTerminated = "serve_terminated";
inline constexpr const char* kServeShutdown = "serve_shutdown";
inline constexpr const char* kRecipeUnavailable = "recipe_unavailable";
inline constexpr const char* kPredictHandlerUnexpectedError = "predict_handler_unexpected_error";
inline constexpr const char* kAuthMissingHeader = "auth_missing_header";
inline constexpr const char* kAuthOversizedHeader = "auth_oversized_header";
inline constexpr const char* kAuthShortKeyRejected = "auth_short_key_rejected";
inline constexpr const char* kAuthInvalidKey = "auth_invalid_key";
inline constexpr const char* kAuthAnonymousBypass = "auth_anonymous_bypass";
inline constexpr const char* kAuthAnonymousBypassFirstSeen = "auth_anonymous_bypass_first_seen";
inline constexpr const char* kInsecureNoAuthActive = "INSECURE_NO_AUTH_ACTIVE";
inline constexpr const char* kDevAllowUnsignedActive = "DEV_ALLOW_UNSIGNED_ACTIVE";
inline constexpr const char* kArtifactWatcherStarted = "artifact_watcher_started";
inline constexpr const char* kArtifactHotSwapped = "artifact_hot_swapped";
inline constexpr const char* kArtifactLoadFailed = "artifact_load_failed";
inline constexpr const char* kUnhandled500 = "unhandled_500";
// Not in the original (uvicorn printed a banner instead): the bound address,
// logged once the listener accepts connections.
inline constexpr const char* kServeListening = "serve_listening";

// serve: artifact watcher, rescans and hot swaps (serving.md §9)
inline constexpr const char* kArtifactWatcherUnhandledError = "artifact_watcher_unhandled_error";
inline constexpr const char* kArtifactWatcherUnhealthy = "artifact_watcher_unhealthy";
inline constexpr const char* kArtifactWatcherRecovery = "artifact_watcher_recovery";
inline constexpr const char* kArtifactWatcherStopped = "artifact_watcher_stopped";
inline constexpr const char* kArtifactWatcherJoinTimeout = "artifact_watcher_join_timeout";
inline constexpr const char* kRecipesDirScanError = "recipes_dir_scan_error";
inline constexpr const char* kRecipeRescanLoadError = "recipe_rescan_load_error";
inline constexpr const char* kRecipeYamlParseFailedOnRescanNewFile =
    "recipe_yaml_parse_failed_on_rescan_new_file";
inline constexpr const char* kRecipeDiscovered = "recipe_discovered";
inline constexpr const char* kRecipeYamlFailureRecovered = "recipe_yaml_failure_recovered";
// Not in the original (edits to a known recipe took a restart): the YAML of a
// tracked recipe changed and its new settings now apply.
inline constexpr const char* kRecipeRescanUpdated = "recipe_rescan_updated";
inline constexpr const char* kRecipeRemoved = "recipe_removed";
inline constexpr const char* kArtifactStatFailed = "artifact_stat_failed";
inline constexpr const char* kArtifactStatFailedRepeated = "artifact_stat_failed_repeated";
inline constexpr const char* kArtifactStatTimeout = "artifact_stat_timeout";
inline constexpr const char* kArtifactStatError = "artifact_stat_error";
inline constexpr const char* kArtifactDisappeared = "artifact_disappeared";
inline constexpr const char* kArtifactReadFailed = "artifact_read_failed";
inline constexpr const char* kArtifactPostHmacDeserializeFailed =
    "artifact_post_hmac_deserialize_failed";
inline constexpr const char* kArtifactRepeatedPostHmacFailure =
    "artifact_repeated_post_hmac_failure";
inline constexpr const char* kArtifactLoadUnexpectedError = "artifact_load_unexpected_error";
inline constexpr const char* kArtifactUnchangedSha = "artifact_unchanged_sha_skip";
inline constexpr const char* kSetLoadErrorNoEntry = "set_load_error_no_entry";
// serve: item metadata (serving.md §6, §10)
inline constexpr const char* kMetadataLoaded = "metadata_loaded";
inline constexpr const char* kMetadataIndexBuilt = "metadata_index_built";
inline constexpr const char* kMetadataNullItemIdsDropped = "metadata_null_item_ids_dropped";
inline constexpr const char* kMetadataFieldMissingFilledNull = "metadata_field_missing_filled_null";
inline constexpr const char* kMetadataDuplicateItemIdsDropped =
    "metadata_duplicate_item_ids_dropped";
// serve: /v1 API (serving.md §4)
inline constexpr const char* kRecipeNotFound = "recipe_not_found";
inline constexpr const char* kRecipeNotLoaded = "recipe_not_loaded";
inline constexpr const char* kRecommenderUnexpectedKeyError = "recommender_unexpected_key_error";
inline constexpr const char* kValidationFailed = "validation_failed";
inline constexpr const char* kBatchElementValidationFailed = "batch_element_validation_failed";
inline constexpr const char* kBatchElementError = "batch_element_error";

}  // namespace recotem::events

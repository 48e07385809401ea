//! Model versions: every build of the recommenders (charts, similar lists, ALS) is a version,
//! recorded in the database with its parameters, data sizes, held-out metrics and timings.
//! Builds run in the background; a finished one is swapped in atomically (requests in flight
//! keep the snapshot they started with), and a failed one leaves the current one serving and
//! records its error.

pub(crate) mod artifact;
pub mod spark;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use nextflex_engine::als::AlsModel;
use nextflex_engine::als::AlsParams;
use nextflex_engine::ials::{IalsModel, IalsParams, Objective};
use nextflex_engine::ranking::{RankingModel, RankingParams};
use serde::Serialize;
use serde_json::json;
use tokio_util::task::AbortOnDropHandle;

use crate::recommender::tuning::{TuningReport, TuningSettings};
use crate::recommender::{
    self, Fit, Plan, Recommender, RecommenderSettings, SharedRecommender, Trained,
};
use nextflex_store::clock::now;
use nextflex_store::db::Db;
use nextflex_store::db::model_versions::{self, DataSizes, Metrics, Timings};
use nextflex_store::error::{Error, Result};
use nextflex_store::storage::Storage;

/// Where the trainer is: `failed` when the last training failed and the previous model serves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TrainingState {
    #[default]
    Idle,
    Running,
    /// The last training failed; the previous model serves.
    Failed,
}

/// What the trainer is doing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Training {
    pub state: TrainingState,
    #[schema(value_type = Option<String>)]
    pub stage: Option<&'static str>,
    /// 0 to 1.
    pub progress: f64,
    pub started_at: Option<i64>,
    pub version: Option<String>,
    pub error: Option<String>,
}

/// A model trained elsewhere (Spark) that a version takes as it is.
pub enum Supplied {
    /// The explicit ALS (predicted stars).
    Als(AlsModel),
    /// The ranking model (the lists), e.g. Spark's implicit ALS.
    Ranking(IalsModel),
}

/// Trains, records and swaps model versions.
pub struct Models {
    db: Db,
    storage: Storage,
    shared: Arc<SharedRecommender>,
    settings: RecommenderSettings,
    training: Mutex<Training>,
    /// The version this process serves.
    serving: Mutex<Option<String>>,
    /// How the last training this process ran ended.
    last: Mutex<Option<LastTraining>>,
    /// Why the trainings so far failed to put a full model in service (see
    /// [`Models::warm_up_failure`]).
    warm_up_error: Mutex<Option<String>>,
}

/// How long a finished training took and whether it succeeded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LastTraining {
    pub seconds: f64,
    pub succeeded: bool,
}

impl Models {
    pub fn new(
        db: Db,
        storage: Storage,
        shared: Arc<SharedRecommender>,
        settings: RecommenderSettings,
    ) -> Arc<Models> {
        Arc::new(Models {
            db,
            storage,
            shared,
            settings: RecommenderSettings {
                evaluate: true,
                ..settings
            },
            training: Mutex::new(Training {
                state: TrainingState::Idle,
                ..Training::default()
            }),
            serving: Mutex::new(None),
            last: Mutex::new(None),
            warm_up_error: Mutex::new(None),
        })
    }

    /// How the last training this process ran ended; `None` before the first.
    pub fn last_training(&self) -> Option<LastTraining> {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The snapshot the API answers from.
    /// The text model that embeds search queries and films, when one is loaded.
    pub fn text_model(&self) -> Option<&recommender::SharedTextModel> {
        self.settings.text_model.as_ref()
    }

    pub fn shared(&self) -> Arc<SharedRecommender> {
        Arc::clone(&self.shared)
    }

    pub fn training(&self) -> Training {
        self.training
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, change: impl FnOnce(&mut Training)) {
        change(&mut self.training.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// Starts a training in the background; `Err` with the running one if one is under way.
    pub fn retrain(self: &Arc<Self>, trained_by: &'static str) -> Result<Training, Training> {
        {
            let mut t = self.training.lock().unwrap_or_else(PoisonError::into_inner);
            if t.state == TrainingState::Running {
                return Err(t.clone());
            }
            *t = running();
        }
        let models = Arc::clone(self);
        tokio::spawn(models.run_until_serving(trained_by, false));
        Ok(self.training())
    }

    /// The first training of a server with no model: the defaults first, untuned, so that the
    /// personal lists serve within seconds, then a tuned version that replaces them.
    fn warm_up(self: &Arc<Self>) -> Result<()> {
        {
            let mut t = self.training.lock().unwrap_or_else(PoisonError::into_inner);
            if t.state == TrainingState::Running {
                return Err(Error::Conflict("a training is running".into()));
            }
            *t = running();
        }
        let untuned = self.settings.tuning.budget != Some(Duration::ZERO);
        tokio::spawn(Arc::clone(self).run_until_serving("startup", untuned));
        Ok(())
    }

    /// Runs a training; when it fails and no full model serves (the first training, say, with
    /// the object store full), tries again after a pause that doubles each time (up to
    /// [`RETRY_MAX`]), until one serves. With a model serving, a failure leaves it serving.
    /// With `untuned_first`, the first version to serve keeps the default parameters and a tuned
    /// one follows it.
    async fn run_until_serving(self: Arc<Self>, trained_by: &'static str, untuned_first: bool) {
        let mut pause = RETRY_FIRST;
        let tuning = if untuned_first {
            TuningSettings::off()
        } else {
            self.settings.tuning
        };
        loop {
            let Err(e) = self.run(trained_by, None, tuning).await else {
                if untuned_first {
                    *self.training.lock().unwrap_or_else(PoisonError::into_inner) = running();
                    let tuned = self.run(trained_by, None, self.settings.tuning).await;
                    if let Err(e) = tuned {
                        tracing::error!(error = %e, "the tuned training failed; the untuned model keeps serving");
                    }
                }
                return;
            };
            if self.serves_a_full_model() {
                tracing::error!(error = %e, "training failed; the previous model keeps serving");
                return;
            }
            *self
                .warm_up_error
                .lock()
                .unwrap_or_else(PoisonError::into_inner) =
                Some(nextflex_store::error::one_line(&e.to_string()));
            tracing::error!(error = %e, retry_in = ?pause, "training failed and no model serves; training again after a pause");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(RETRY_MAX);
            {
                let mut t = self.training.lock().unwrap_or_else(PoisonError::into_inner);
                if t.state == TrainingState::Running {
                    return; // another training started meanwhile
                }
                *t = running();
            }
        }
    }

    /// Whether the snapshot served holds the full model (not only the charts built ahead of the
    /// first training).
    pub fn serves_a_full_model(&self) -> bool {
        self.shared.get().is_some_and(|r| !r.report.partial)
    }

    /// Why no model serves past the warm-up: a training failed while nothing but the charts
    /// served, and none has succeeded since (a retry is pending or running). `None` once a full
    /// model serves, and during a first training that has not failed.
    pub fn warm_up_failure(&self) -> Option<String> {
        if self.serves_a_full_model() {
            return None;
        }
        self.warm_up_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Marks the trainings whose process died (still "training", no heartbeat within the
    /// lease) as failed and removes what they left in storage. Runs at start and with each
    /// poll, so that no version stays "training" for good.
    pub async fn reap_abandoned(&self) -> Result<()> {
        let lease = i64::try_from(LEASE.as_secs()).unwrap_or(i64::MAX);
        for version in model_versions::abandoned(&self.db, lease).await? {
            let why = "the training stopped without finishing: its process ended (no heartbeat within the lease)";
            if !model_versions::fail_abandoned(&self.db, &version, lease, why).await? {
                continue;
            }
            let removed = self
                .storage
                .delete_prefix(&artifact::prefix(&version))
                .await;
            match removed {
                Ok(objects) => tracing::warn!(
                    version,
                    objects,
                    "a training that never finished is marked failed; its partial objects are removed"
                ),
                Err(e) => tracing::warn!(
                    version,
                    error = %e,
                    "a training that never finished is marked failed; its partial objects cannot be removed"
                ),
            }
        }
        Ok(())
    }

    /// Trains now and swaps the result in (at start-up, and from `retrain`).
    pub async fn train(&self, trained_by: &'static str) -> Result<String> {
        self.set(|t| *t = running());
        self.run(trained_by, None, self.settings.tuning).await
    }

    /// Makes a version with one model trained elsewhere (Spark): the charts, the similar lists
    /// and the other model are built here as usual.
    pub async fn import(&self, trained_by: &'static str, supplied: Supplied) -> Result<String> {
        self.set(|t| *t = running());
        self.run(trained_by, Some(supplied), self.settings.tuning)
            .await
    }

    /// A stored version's artifact, checked and decoded.
    async fn read(&self, version: &str) -> Result<Trained> {
        let bytes = self
            .storage
            .get(&artifact::key(version))
            .await?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "model version {version} has no artifact in storage"
                ))
            })?;
        let trained = tokio::task::spawn_blocking(move || artifact::decode(&bytes))
            .await
            .map_err(|e| Error::internal("decoding the model failed", e))??;
        Ok(trained)
    }

    /// The ALS model of a stored version.
    pub async fn stored_als(&self, version: &str) -> Result<AlsModel> {
        let trained = self.read(version).await?;
        trained.als.ok_or_else(|| {
            Error::NotFound(format!(
                "model version {version} has no ALS model (no ratings)"
            ))
        })
    }

    /// The ranking model of a stored version.
    pub async fn stored_ranking(&self, version: &str) -> Result<RankingModel> {
        let trained = self.read(version).await?;
        trained.ranking.ok_or_else(|| {
            Error::NotFound(format!(
                "model version {version} has no ranking model (no ratings)"
            ))
        })
    }

    /// Trains (or, with `supplied`, takes that model), stores, records and swaps in a
    /// version.
    async fn run(
        &self,
        trained_by: &'static str,
        supplied: Option<Supplied>,
        tuning: TuningSettings,
    ) -> Result<String> {
        let started = std::time::Instant::now();
        let outcome = self.run_timed(trained_by, supplied, tuning).await;
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(LastTraining {
            seconds: started.elapsed().as_secs_f64(),
            succeeded: outcome.is_ok(),
        });
        outcome
    }

    async fn run_timed(
        &self,
        trained_by: &'static str,
        supplied: Option<Supplied>,
        tuning: TuningSettings,
    ) -> Result<String> {
        let version = new_version();
        self.set(|t| {
            t.version = Some(version.clone());
            t.stage = Some("reading the ratings and training");
            t.progress = 0.1;
        });
        let params = {
            let (source, als) = match &supplied {
                Some(Supplied::Als(model)) => ("spark", *model.params()),
                _ => ("nextflex", self.settings.als),
            };
            let ranking = match &supplied {
                Some(Supplied::Ranking(model)) => imported_ranking_params(model.params()),
                _ => ranking_params(&self.settings.ranking),
            };
            self.params_record(source, &als, ranking, &self.settings.similar, None)
        };
        let recorded = model_versions::start(&self.db, &version, trained_by, &params).await;
        let outcome = match recorded {
            Ok(_) => {
                let _alive = self.heartbeat(&version);
                self.train_and_store(&version, supplied, tuning).await
            }
            Err(e) => Err(e),
        };

        match outcome {
            Ok(snapshot) => {
                self.shared.set(snapshot);
                *self.serving.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(version.clone());
                self.set(|t| {
                    *t = Training {
                        state: TrainingState::Idle,
                        version: Some(version.clone()),
                        progress: 1.0,
                        ..Training::default()
                    }
                });
                tracing::info!(version, "model version in service");
                Ok(version)
            }
            Err(e) => {
                let message = nextflex_store::error::one_line(&e.to_string());
                // Whatever failed, the trainer must not stay "running"; the database may be what
                // failed, so recording the error there is best effort.
                let noted = model_versions::fail(&self.db, &version, &message).await;
                if let Err(db) = noted {
                    tracing::warn!(version, error = %db, "cannot record the failed training");
                }
                self.set(|t| {
                    t.state = TrainingState::Failed;
                    t.stage = None;
                    t.error = Some(message);
                });
                Err(e)
            }
        }
    }

    /// The parameters a version records: where the search starts when it begins, what the
    /// models were fitted with (and how tuning chose it) when it is ready.
    fn params_record(
        &self,
        source: &str,
        als: &AlsParams,
        ranking: serde_json::Value,
        similar: &nextflex_engine::similar::SimilarParams,
        tuning: Option<&TuningReport>,
    ) -> serde_json::Value {
        json!({
            "source": source,
            "rank": als.rank,
            "iterations": als.iterations,
            "lambda": als.lambda,
            "bias_lambda": als.bias_lambda,
            "seed": als.seed,
            "popularity_weight": als.popularity_weight,
            "half_life_days": als.half_life_days,
            "day_lambda": als.day_lambda,
            "ranking": ranking,
            "chart_percentile": self.settings.chart_percentile,
            "similar": similar_params(similar),
            "dataset": self.settings.dataset,
            "tuning": tuning,
        })
    }

    /// Writes `version`'s heartbeat every [`HEARTBEAT`] until the returned guard is dropped.
    fn heartbeat(&self, version: &str) -> AbortOnDropHandle<()> {
        let (db, version) = (self.db.clone(), version.to_owned());
        AbortOnDropHandle::new(tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                if let Err(e) = model_versions::heartbeat(&db, &version).await {
                    tracing::warn!(version, error = %e, "cannot record the training's heartbeat");
                }
            }
        }))
    }

    /// Trains, writes the artifact, records the version as the active one, and returns the
    /// snapshot to serve.
    async fn train_and_store(
        &self,
        version: &str,
        supplied: Option<Supplied>,
        tuning: TuningSettings,
    ) -> Result<Recommender> {
        let (spark_als, spark_ranking) = (
            matches!(supplied, Some(Supplied::Als(_))),
            matches!(supplied, Some(Supplied::Ranking(_))),
        );
        let fit = match &supplied {
            None => Fit::Both,
            Some(Supplied::Als(_)) => Fit::Ranking,
            Some(Supplied::Ranking(_)) => Fit::Als,
        };
        let settings = RecommenderSettings {
            plan: Plan::Full(fit),
            tuning,
            ..self.settings.clone()
        };
        let (catalogue, mut trained) =
            recommender::train(&self.db, &self.storage, &settings).await?;
        match supplied {
            None => {}
            Some(Supplied::Als(als)) => trained.take_als(als),
            Some(Supplied::Ranking(model)) => {
                trained.ranking = Some(RankingModel::Ials(model));
                // The similar lists were made without a ranking model: again, with this one.
                recommender::relist(&self.db, &mut trained, &settings).await?;
            }
        }
        self.set(|t| {
            t.stage = Some("storing the model");
            t.progress = 0.8;
        });
        let (trained, bytes, checksum) = tokio::task::spawn_blocking(move || {
            artifact::encode(&trained).map(|(bytes, sum)| (trained, bytes, sum))
        })
        .await
        .map_err(|e| Error::internal("encoding the model failed", e))??;
        let size = bytes.len();
        self.storage.put(&artifact::key(version), bytes).await?;
        let report = &trained.report;
        let data_sizes = DataSizes {
            dataset_ratings: Some(report.dataset_ratings as u64),
            app_ratings: Some(report.app_ratings as u64),
            users: Some(report.users as u64),
            movies: Some(catalogue.movies.len() as u64),
            rated_movies: Some(report.rated_movies as u64),
            artifact_bytes: Some(size as u64),
        };
        let metrics = report
            .evaluation
            .as_ref()
            .map_or_else(Metrics::default, |e| Metrics {
                rmse: Some(e.rmse),
                mae: Some(e.mae),
                precision_at_10: Some(e.precision_at_10),
                recall_at_10: Some(e.recall_at_10),
                ndcg_at_10: Some(e.ndcg_at_10),
                coverage: Some(e.coverage),
                popularity_ndcg_at_10: Some(e.popularity_ndcg_at_10),
                test_pairs: Some(e.test_pairs as u64),
            });
        let timings = Timings {
            fit_seconds: Some(report.fit_seconds),
            total_seconds: Some(report.seconds),
        };
        let params = {
            let source = if spark_als { "spark" } else { "nextflex" };
            let als = trained
                .als
                .as_ref()
                .map_or(self.settings.als, |m| *m.params());
            let ranking = match &trained.ranking {
                Some(RankingModel::Ials(m)) if spark_ranking => imported_ranking_params(m.params()),
                Some(RankingModel::Ials(m)) => ranking_params(&RankingParams {
                    ials: *m.params(),
                    ..self.settings.ranking
                }),
                Some(RankingModel::Ease(m)) => ranking_params(&RankingParams {
                    ease: *m.params(),
                    ials_blend: 0.0,
                    ..self.settings.ranking
                }),
                Some(RankingModel::Blend(m)) => ranking_params(&RankingParams {
                    ease: *m.ease().params(),
                    ials: *m.ials().params(),
                    ials_blend: m.ials_weight(),
                    ..self.settings.ranking
                }),
                None => ranking_params(&self.settings.ranking),
            };
            let similar = trained.similar_params.unwrap_or(self.settings.similar);
            self.params_record(source, &als, ranking, &similar, report.tuning.as_ref())
        };
        let built = model_versions::Built {
            params: &params,
            data_sizes: &data_sizes,
            metrics: &metrics,
            timings: &timings,
            artifact_prefix: &artifact::prefix(version),
            checksum: &checksum,
        };
        model_versions::activate(&self.db, version, &built).await?;
        self.set(|t| {
            t.stage = Some("swapping in");
            t.progress = 0.95;
        });
        tokio::task::spawn_blocking(move || recommender::assemble(catalogue, trained))
            .await
            .map_err(|e| Error::internal("assembling the model failed", e))
    }

    /// The version this process serves.
    pub fn serving(&self) -> Option<String> {
        self.serving
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads a stored version and serves it. A missing, damaged or incompatible artifact is an
    /// error and the current snapshot stays.
    pub async fn load(&self, version: &str) -> Result<()> {
        let trained = self.read(version).await?;
        let catalogue = recommender::catalogue(&self.db).await?;
        let snapshot =
            tokio::task::spawn_blocking(move || recommender::assemble(catalogue, trained))
                .await
                .map_err(|e| Error::internal("assembling the model failed", e))?;
        self.shared.set(snapshot);
        *self.serving.lock().unwrap_or_else(PoisonError::into_inner) = Some(version.to_string());
        tracing::info!(version, "model version loaded");
        Ok(())
    }

    /// The version marked active in the database, if any.
    pub async fn active(&self) -> Result<Option<String>> {
        model_versions::active(&self.db).await
    }

    /// Start-up: serves the active version, or trains one when there is none (or it cannot be
    /// loaded). With `wait`, returns once a model serves; otherwise training runs in the
    /// background and the API answers 503 `warming_up` for the model's routes meanwhile.
    pub async fn start(self: &Arc<Self>, wait: bool) -> Result<()> {
        if let Err(e) = self.reap_abandoned().await {
            tracing::warn!(error = %e, "cannot check for trainings that never finished");
        }
        if let Some(version) = self.active().await? {
            match self.load(&version).await {
                Ok(()) => return Ok(()),
                Err(e) => {
                    tracing::error!(version, error = %e, "cannot load the active model version; training a new one")
                }
            }
        }
        if wait {
            return self.train("startup").await.map(drop);
        }
        // The charts and search first (seconds: no similar lists, no ALS), then the full model
        // in the background.
        if self.shared.get().is_none() {
            let settings = RecommenderSettings {
                plan: Plan::Charts,
                evaluate: false,
                ..self.settings.clone()
            };
            match recommender::build(&self.db, &self.storage, &settings).await {
                Ok(partial) => self.shared.set(partial),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot build the charts ahead of the first model")
                }
            }
        }
        self.warm_up()
    }

    /// Retrains every `every`, unless a version (this replica's or another's) is younger than
    /// that.
    pub fn schedule(self: &Arc<Self>, every: Duration) {
        let models = Arc::clone(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await; // the first tick is immediate
            loop {
                ticks.tick().await;
                let newest = model_versions::newest_created_at(&models.db).await;
                let age = newest.ok().flatten().map(|t| now() - t);
                let due =
                    age.is_none_or(|a| a >= i64::try_from(every.as_secs()).unwrap_or(i64::MAX));
                if due && models.retrain("schedule").is_err() {
                    tracing::info!("a training is already running; the scheduled one is skipped");
                }
            }
        });
    }

    /// Replicas: every `interval`, loads the active version if another process trained it.
    pub fn poll(self: &Arc<Self>, interval: Duration) {
        let models = Arc::clone(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if models.training().state == TrainingState::Running {
                    continue;
                }
                if let Err(e) = models.reap_abandoned().await {
                    tracing::warn!(error = %e, "cannot check for trainings that never finished");
                }
                match models.active().await {
                    Ok(Some(active)) if models.serving().as_deref() != Some(active.as_str()) => {
                        if let Err(e) = models.load(&active).await {
                            tracing::error!(version = active, error = %e, "cannot load the new model version");
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot check for a new model version"),
                }
            }
        });
    }
}

/// How often a running training proves it is alive.
const HEARTBEAT: Duration = Duration::from_secs(10);
/// A "training" version without a heartbeat for this long has lost its trainer.
const LEASE: Duration = Duration::from_secs(60);
/// The first pause before a failed first training is tried again, and the longest.
const RETRY_FIRST: Duration = Duration::from_secs(5);
const RETRY_MAX: Duration = Duration::from_secs(300);

fn running() -> Training {
    Training {
        state: TrainingState::Running,
        stage: Some("starting"),
        progress: 0.0,
        started_at: Some(now()),
        ..Training::default()
    }
}

/// A sortable, unique version name: the UTC time and a random suffix.
fn new_version() -> String {
    let secs = now();
    let suffix = &crate::random_id::random_id()[..6];
    format!("v{secs}-{suffix}")
}

/// When a version was created (Unix seconds), read from its name (see `new_version`).
pub fn version_created_at(version: &str) -> Option<i64> {
    version.strip_prefix('v')?.split('-').next()?.parse().ok()
}

/// The parameters of a ranking model imported from Spark, as recorded with a version.
fn imported_ranking_params(p: &IalsParams) -> serde_json::Value {
    let alpha = match p.objective {
        Objective::Spark { alpha } => Some(alpha),
        Objective::Rendle => None,
    };
    json!({
        "source": "spark",
        "ials_factors": p.factors,
        "ials_regularization": p.regularization,
        "spark_alpha": alpha,
    })
}

/// The ranking model's parameters, as recorded with a version.
fn ranking_params(p: &RankingParams) -> serde_json::Value {
    let (e, i) = (&p.ease, &p.ials);
    json!({
        "ease_positive_from": e.feedback.positive_from,
        "ials_positive_from": i.feedback.positive_from,
        "ease_lambda": e.lambda,
        "ease_min_likes": e.min_likes,
        "ease_max_items": e.max_items,
        "ease_popularity_discount": e.popularity_discount,
        "ease_dislike_below": e.dislike_below,
        "ease_negative_weight": e.negative_weight,
        "ease_half_life_days": e.half_life_days,
        "ials_blend": p.ials_blend,
        "ials_factors": i.factors,
        "ials_iterations": i.iterations,
        "ials_regularization": i.regularization,
        "ials_unobserved_weight": i.unobserved_weight,
    })
}

/// The similar-movie parameters a version records.
fn similar_params(p: &nextflex_engine::similar::SimilarParams) -> serde_json::Value {
    // As written (0.6, not the f32's 0.6000000238418579).
    let x = |v: f32| (f64::from(v) * 1e6).round() / 1e6;
    json!({
        "kind": x(p.kind),
        "about": x(p.about),
        "collaborative": x(p.collaborative),
        "era": x(p.era),
        "damping": x(p.damping),
        "prior": x(p.prior),
        "hub": x(p.hub),
        "min_ratings": p.min_ratings,
        "director_weight": x(p.director_weight),
    })
}

//! Building a [`Recommender`] snapshot: the catalogue from the database, the chosen dataset's
//! ratings from its Parquet file in object storage plus the app users' ratings from the
//! database, then the charts, the rating models and every movie's similar list.

use std::collections::HashMap;
use std::time::Instant;

use nextflex_data::catalogue::Movie;
use nextflex_data::columnar::{self, CatalogueRatings};
use nextflex_data::ratings::Ratings;
use nextflex_engine::als::{AlsModel, AlsParams};
use nextflex_engine::charts::{self, Listing, Votes};
use nextflex_engine::content::ContentItem;
use nextflex_engine::ranking::{RankingModel, RankingParams};
use nextflex_engine::similar::{Collaborative, SimilarIndex, SimilarParams};
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;

use super::about::{AboutIndex, Embeddings, SharedTextModel, about_text, embed_catalogue};
use super::evaluation::{self, ModelKind, SplitSpec};
use super::tuning::{self, TuningSettings};
use super::{BuildReport, ChartSource, MAX_K, MovieSummary, RatingStats, Recommender};
use nextflex_store::db::Db;
use nextflex_store::db::catalogue::AboutRow;
use nextflex_store::error::{Error, Result};
use nextflex_store::storage::Storage;

/// App users' ids are offset by this in the ALS model so they never meet a dataset's user ids.
const APP_USER_BASE: u32 = 1 << 31;

/// How to build a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommenderSettings {
    /// The imported dataset whose ratings to use; `None`: the one with the most ratings.
    pub dataset: Option<String>,
    pub als: AlsParams,
    /// The ranking model of the personal lists.
    pub ranking: RankingParams,
    /// The vote-count percentile a movie needs for the top-rated chart.
    pub chart_percentile: f64,
    /// How similar-movie lists are made.
    pub similar: SimilarParams,
    /// Also score the models on a held-out 10 % of the ratings (with `Plan::Full(Fit::Both)`).
    pub evaluate: bool,
    /// How the models' hyper-parameters are chosen on the ratings (`als` and `ranking` are
    /// where the search starts, and what a budget of 0 keeps).
    pub tuning: TuningSettings,
    /// What to build.
    pub plan: Plan,
    /// The text model that embeds what films are about, for search by meaning (`None`: search
    /// by titles and words only).
    pub text_model: Option<SharedTextModel>,
}

impl Default for RecommenderSettings {
    fn default() -> Self {
        RecommenderSettings {
            dataset: None,
            als: AlsParams::default(),
            ranking: RankingParams::default(),
            chart_percentile: 0.9,
            similar: SimilarParams::default(),
            evaluate: false,
            tuning: TuningSettings::default(),
            plan: Plan::Full(Fit::Both),
            text_model: None,
        }
    }
}

/// What a build makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// The charts and search only, in seconds (no similar lists, no rating model): a partial
    /// snapshot that serves while the first full model trains.
    Charts,
    /// The charts, search, the similar lists and these rating models.
    Full(Fit),
}

/// Which of the two rating models a build fits; the other may come from elsewhere (Spark).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// The explicit ALS (predicted stars) and the ranking model (the lists).
    Both,
    /// The ranking model only.
    Ranking,
    /// The explicit ALS only.
    Als,
}

impl Plan {
    fn similar(self) -> bool {
        matches!(self, Plan::Full(_))
    }
    fn als(self) -> bool {
        matches!(self, Plan::Full(Fit::Both | Fit::Als))
    }
    fn ranking(self) -> bool {
        matches!(self, Plan::Full(Fit::Both | Fit::Ranking))
    }
}

/// Builds a snapshot from what the database and storage hold now.
pub async fn build(
    db: &Db,
    storage: &Storage,
    settings: &RecommenderSettings,
) -> Result<Recommender> {
    let (catalogue, trained) = train(db, storage, settings).await?;
    Ok(assemble(catalogue, trained))
}

/// What a snapshot holds of the catalogue itself: every movie's summary and what it is about,
/// in the same order.
pub struct Catalogue {
    pub movies: Vec<MovieSummary>,
    pub about: Vec<AboutRow>,
}

/// The catalogue's movies, for assembling a snapshot from a stored version (which carries its
/// similar lists and their features: the keywords, cast and crew are not read).
pub async fn catalogue(db: &Db) -> Result<Catalogue> {
    let movies = summaries(db, &nextflex_store::db::catalogue::genres(db).await?).await?;
    let about = about_rows(db, &movies).await?;
    Ok(Catalogue { movies, about })
}

/// What each of `movies` is about, in their order.
async fn about_rows(db: &Db, movies: &[MovieSummary]) -> Result<Vec<AboutRow>> {
    let mut rows: HashMap<i64, AboutRow> = nextflex_store::db::catalogue::about(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(movies
        .iter()
        .map(|m| {
            rows.remove(&m.id).unwrap_or_else(|| AboutRow {
                id: m.id,
                title: m.title.clone(),
                ..AboutRow::default()
            })
        })
        .collect())
}

/// Where the films' embeddings of the last training are kept, so the next one embeds only
/// films that are new or changed.
pub fn embeddings_cache_key() -> String {
    format!(
        "text-embeddings/{}.bin",
        &nextflex_text_model::MODEL_SHA256[..16]
    )
}

/// The embeddings the last training cached, if any are usable.
pub async fn cached_embeddings(storage: &Storage) -> Result<Option<Embeddings>> {
    Ok(match storage.get(&embeddings_cache_key()).await? {
        Some(bytes) => match crate::model_versions::artifact::decode_embeddings(&bytes) {
            Ok(e) => Some(e),
            Err(e) => {
                tracing::warn!(error = %e, "the embeddings cache is unusable; embedding every film");
                None
            }
        },
        None => None,
    })
}

/// Embeds what every film of `about` is about, reusing the cached embeddings of films whose
/// text is unchanged, and caches the result.
async fn embeddings(
    storage: &Storage,
    model: &SharedTextModel,
    about: &[AboutRow],
) -> Result<Embeddings> {
    let key = embeddings_cache_key();
    let previous = cached_embeddings(storage).await?;
    let texts: Vec<(i64, String)> = about.iter().map(|r| (r.id, about_text(r, true))).collect();
    let model = model.model().clone();
    let embedded = tokio::task::spawn_blocking(move || {
        let mut bar: Option<crate::progress::Counter> = None;
        let result = embed_catalogue(&model, &texts, previous.as_ref(), &mut |done, total| {
            let bar = bar.get_or_insert_with(|| {
                crate::progress::counter("embedding what films are about", total as u64)
            });
            bar.advance_to(done as u64);
        });
        if let Some(bar) = bar {
            bar.done("done");
        }
        result
    })
    .await
    .map_err(|e| Error::internal("embedding the catalogue failed", e))?
    .map_err(|e| Error::internal("embedding the catalogue failed", e))?;
    storage
        .put(
            &key,
            crate::model_versions::artifact::encode_embeddings(&embedded),
        )
        .await?;
    Ok(embedded)
}

/// Reads the catalogue and the ratings and trains what a snapshot needs.
pub async fn train(
    db: &Db,
    storage: &Storage,
    settings: &RecommenderSettings,
) -> Result<(Catalogue, Trained)> {
    let started = Instant::now();
    let als = settings
        .als
        .validate()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let ranking = settings.ranking;
    ranking
        .ials
        .validate()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    ranking
        .ease
        .validate()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    settings
        .similar
        .validate()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    if !(0.0..=1.0).contains(&settings.chart_percentile) {
        return Err(Error::Invalid(
            "the chart percentile must be between 0 and 1".into(),
        ));
    }
    // The content features (keywords, cast, crew) only when the similar lists are made.
    let plan = settings.plan;
    let (features, ids) = if plan.similar() {
        nextflex_store::db::catalogue::features(db).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let genres: HashMap<i64, Vec<String>> = if plan.similar() {
        ids.iter()
            .zip(&features)
            .map(|(&id, m)| (id, m.genres.iter().map(|g| g.name.clone()).collect()))
            .collect()
    } else {
        nextflex_store::db::catalogue::genres(db).await?
    };
    let movies = summaries(db, &genres).await?;
    let about = about_rows(db, &movies).await?;
    // Embedded with the full models only: the charts-only snapshot that serves while the
    // first model trains must come in seconds (its search matches titles and words).
    let embeddings = match &settings.text_model {
        Some(model) if plan.similar() => Some(embeddings(storage, model, &about).await?),
        _ => None,
    };
    let dataset = dataset_ratings(db, storage, settings.dataset.as_deref()).await?;
    let app = app_ratings(db).await?;
    let similar_params = SimilarParams {
        k: MAX_K,
        ..settings.similar
    };
    let percentile = settings.chart_percentile;
    let evaluate = settings.evaluate && plan == Plan::Full(Fit::Both);
    let (als_params, ranking_params, tuning) = (settings.als, settings.ranking, settings.tuning);
    let (movies, mut trained) =
        tokio::task::spawn_blocking(move || -> Result<(Vec<MovieSummary>, Trained)> {
            let dataset_ratings = dataset.user.len();
            let app_ratings = app.user.len();
            let mut ratings = dataset;
            ratings.user.extend(app.user);
            ratings.movie.extend(app.movie);
            ratings.rating.extend(app.rating);
            ratings.timestamp.extend(app.timestamp);

            let items: Vec<_> = features
                .into_iter()
                .zip(ids)
                .map(|(m, id)| content_item(m, id))
                .collect();
            // Moved, not copied: on 26M ratings a copy is half a gigabyte.
            let ratings = Ratings {
                timestamp: ratings.timestamp,
                user: ratings.user,
                movie: ratings.movie,
                rating: ratings.rating,
            };
            let all = &ratings;
            // With an evaluation, tuning sees only its training part, so that the held-out
            // scores stay honest; the final models then fit all the ratings.
            let evaluation_parts = if evaluate && ratings.user.len() >= 10 {
                let spec = SplitSpec::Random {
                    train: 0.9,
                    seed: als_params.seed,
                };
                Some(evaluation::parts(all, None, spec, false)?)
            } else {
                None
            };
            let mut tuned = if plan.ranking() && !all.is_empty() {
                let base = evaluation_parts.as_ref().map_or(all, |p| &p.0);
                // The similar lists' weights are searched where lists are made.
                let similar = plan.similar().then_some(tuning::SimilarTask {
                    items: &items,
                    params: similar_params,
                });
                Some(tuning::tune(
                    base,
                    als_params,
                    ranking_params,
                    plan.als(),
                    similar,
                    &tuning,
                )?)
            } else {
                None
            };
            let (als, ranking) = tuned.as_ref().map_or((als, ranking), |t| {
                (t.als.validate().unwrap_or(als), t.ranking)
            });
            let evaluation = match &evaluation_parts {
                Some((train, test)) => {
                    let settings = evaluation::EvalSettings {
                        models: vec![ModelKind::Popularity, ModelKind::Als, ModelKind::Ranking],
                        als: *als.get(),
                        ranking,
                        max_users: 2_000,
                    };
                    Some(evaluation::evaluate(train, test, &settings)?)
                }
                None => None,
            };
            let fit_started = Instant::now();
            let model = if ratings.user.is_empty() || !plan.als() {
                None
            } else {
                Some(
                    AlsModel::fit_at(
                        &als,
                        &ratings.user,
                        &ratings.movie,
                        &ratings.rating,
                        &ratings.timestamp,
                    )
                    .map_err(|e| Error::Invalid(e.to_string()))?,
                )
            };
            let ranking_model = if ratings.user.is_empty() || !plan.ranking() {
                None
            } else {
                // No rating counting as a positive (e.g. only low ratings) leaves no ranking
                // model: the lists then fall back to the chart.
                RankingModel::fit(&ranking, &ratings.user, &ratings.movie, &ratings.rating).ok()
            };
            let fit_seconds = fit_started.elapsed().as_secs_f64();
            let stats = stats_of(&movies, &ratings.movie, &ratings.rating);
            let (similar, shipped) = if plan.similar() {
                let mut ranked: Vec<(SimilarParams, Option<f64>)> = match &tuned {
                    Some(t) if !t.similar_ranked.is_empty() => t
                        .similar_ranked
                        .iter()
                        .map(|&(p, score)| (p, Some(score)))
                        .collect(),
                    _ => vec![(similar_params, None)],
                };
                // Then the first with its hubs damped harder: the knob that spreads the lists.
                let first = ranked[0].0;
                ranked.extend(
                    tuning::stronger_hub_damping(&first)
                        .into_iter()
                        .map(|hub| (SimilarParams { hub, ..first }, None)),
                );
                let counts = rating_counts(&items, &stats);
                let listings = listings(&movies, &stats);
                let popular = popular_chart(
                    &charts::popular(&listings, usize::MAX),
                    &stats,
                    chart_min_ratings(&listings),
                );
                let (index, at) =
                    ship_similar(&items, &counts, &popular, ranking_model.as_ref(), &ranked)?;
                let (params, score) = ranked[at];
                if at > 0
                    && let Some(t) = tuned.as_mut()
                {
                    tracing::info!(passed_over = at, "similar lists outside the fan goals");
                    t.report
                        .similar_shipped(&similar_params, &params, score, at);
                }
                (index, Some(params))
            } else {
                (SimilarIndex::empty(), None)
            };
            let dataset_stats = stats_of(
                &movies,
                &ratings.movie[..dataset_ratings],
                &ratings.rating[..dataset_ratings],
            );
            let report = BuildReport {
                dataset_ratings,
                app_ratings,
                users: model.as_ref().map_or(0, |m| m.users().len()),
                rated_movies: model.as_ref().map_or(0, |m| m.items().len()),
                chart_percentile: percentile,
                partial: plan == Plan::Charts,
                evaluation,
                tuning: tuned.map(|t| t.report),
                fit_seconds,
                seconds: 0.0,
            };
            let trained = Trained {
                stats,
                dataset_stats,
                similar,
                similar_params: shipped,
                als: model,
                ranking: ranking_model,
                embeddings,
                report,
            };
            Ok((movies, trained))
        })
        .await
        .map_err(|e| Error::internal("the recommender build failed", e))??;
    trained.report.seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        movies = movies.len(),
        dataset_ratings = trained.report.dataset_ratings,
        app_ratings = trained.report.app_ratings,
        seconds = trained.report.seconds,
        "recommenders trained"
    );
    Ok((Catalogue { movies, about }, trained))
}

/// Makes `trained`'s similar lists again, with the ranking model it holds now (one trained
/// elsewhere); the content features are read again.
pub async fn relist(db: &Db, trained: &mut Trained, settings: &RecommenderSettings) -> Result<()> {
    let (features, ids) = nextflex_store::db::catalogue::features(db).await?;
    let params = SimilarParams {
        k: MAX_K,
        ..settings.similar
    };
    let ranking = trained.ranking.take();
    let stats = std::mem::take(&mut trained.stats);
    let (similar, ranking, stats) = tokio::task::spawn_blocking(move || {
        let items: Vec<ContentItem> = features
            .into_iter()
            .zip(ids)
            .map(|(m, id)| content_item(m, id))
            .collect();
        let similar = similar_lists(
            &items,
            &rating_counts(&items, &stats),
            ranking.as_ref(),
            params,
        );
        (similar, ranking, stats)
    })
    .await
    .map_err(|e| Error::internal("making the similar lists failed", e))?;
    trained.ranking = ranking;
    trained.stats = stats;
    trained.similar = similar?;
    trained.similar_params = Some(params);
    Ok(())
}

/// Every movie's similar list: from its content, and from who likes what where there is a
/// ranking model. `counts[i]`: how many ratings `items[i]` has.
pub fn similar_lists(
    items: &[ContentItem],
    counts: &[u64],
    ranking: Option<&RankingModel>,
    params: SimilarParams,
) -> Result<SimilarIndex> {
    let params = catalogue_similar_params(counts, params);
    with_affinity(ranking, |c| SimilarIndex::build(items, counts, c, params))
        .map_err(|e| Error::Invalid(e.to_string()))
}

/// Each movie as the charts see it.
fn listings(movies: &[MovieSummary], stats: &HashMap<i64, RatingStats>) -> Vec<Listing> {
    movies
        .iter()
        .map(|m| Listing {
            movie: m.id,
            popularity: m.popularity,
            ratings: stats.get(&m.id).map_or(0, |s| s.count),
            released: released(m),
        })
        .collect()
}

/// The fewest ratings a film of the charts has: none in a catalogue without ratings (TMDB data
/// alone), whose charts are all the same.
fn chart_min_ratings(listings: &[Listing]) -> u64 {
    if listings.iter().any(|l| l.ratings > 0) {
        charts::LIST_MIN_RATINGS
    } else {
        0
    }
}

/// The popular chart: the popular order without the films too few people rated.
fn popular_chart(
    by_popularity: &[i64],
    stats: &HashMap<i64, RatingStats>,
    min_ratings: u64,
) -> Vec<i64> {
    let ratings = |id: &&i64| stats.get(id).map_or(0, |s| s.count);
    by_popularity
        .iter()
        .filter(|id| ratings(id) >= min_ratings)
        .copied()
        .collect()
}

/// Of `ranked` settings of the similar lists (best first), the first whose lists are within the
/// fan goals over the `popular` chart's films (see [`evaluation::goal_excess`]); when none is,
/// the least outside. Its index and place. Tuning checks the goals on lists made from its
/// training part, over the films most rated there; these are the lists that ship, over the
/// films a fan sees first.
fn ship_similar(
    items: &[ContentItem],
    counts: &[u64],
    popular: &[i64],
    ranking: Option<&RankingModel>,
    ranked: &[(SimilarParams, Option<f64>)],
) -> Result<(SimilarIndex, usize)> {
    let rated = counts.iter().any(|&n| n > 0);
    let mut least: Option<(f64, SimilarIndex, usize)> = None;
    for (at, (params, _)) in ranked.iter().enumerate() {
        let params = SimilarParams {
            k: MAX_K,
            ..*params
        };
        let index = similar_lists(items, counts, ranking, params)?;
        let excess = if rated {
            evaluation::goal_excess(&evaluation::fan_measures_of(popular, &index))
        } else {
            0.0
        };
        if excess == 0.0 {
            return Ok((index, at));
        }
        if least.as_ref().is_none_or(|l| excess < l.0) {
            least = Some((excess, index, at));
        }
    }
    least
        .map(|(_, index, at)| (index, at))
        .ok_or_else(|| Error::Invalid("no setting of the similar lists to make them with".into()))
}

/// Each of `items`' rating count in `stats`.
pub fn rating_counts(items: &[ContentItem], stats: &HashMap<i64, RatingStats>) -> Vec<u64> {
    items
        .iter()
        .map(|m| stats.get(&m.id).map_or(0, |s| s.count))
        .collect()
}

/// `params` for a catalogue with these rating counts: the confidence prior and the minimum are
/// off in a catalogue nobody rated (TMDB data alone).
pub fn catalogue_similar_params(counts: &[u64], params: SimilarParams) -> SimilarParams {
    if counts.iter().all(|&n| n == 0) {
        SimilarParams {
            prior: 0.0,
            min_ratings: 0,
            ..params
        }
    } else {
        params
    }
}

/// Calls `f` with the ranking model's item-to-item affinity, where there is a model.
pub fn with_affinity<T>(
    ranking: Option<&RankingModel>,
    f: impl FnOnce(Option<&Collaborative<'_>>) -> T,
) -> T {
    let ids: Vec<i64> = ranking.map_or_else(Vec::new, |m| {
        m.items().ids().iter().map(|&i| i64::from(i)).collect()
    });
    let affinity = |id: i64| ranking?.affinity(u32::try_from(id).ok()?);
    let collaborative = Collaborative {
        ids: &ids,
        affinity: &affinity,
    };
    f(ranking.is_some().then_some(&collaborative))
}

/// Per-movie rating counts and means of the catalogue's movies.
fn stats_of(movies: &[MovieSummary], movie: &[u32], rating: &[f32]) -> HashMap<i64, RatingStats> {
    let known: std::collections::HashSet<i64> = movies.iter().map(|m| m.id).collect();
    let mut sums: HashMap<i64, (u64, f64)> = HashMap::new();
    for (&m, &r) in movie.iter().zip(rating) {
        let e = sums.entry(i64::from(m)).or_default();
        e.0 += 1;
        e.1 += f64::from(r);
    }
    sums.into_iter()
        .filter(|(id, _)| known.contains(id))
        .map(|(id, (count, sum))| {
            let mean = sum / count as f64;
            (id, RatingStats { count, mean })
        })
        .collect()
}

/// What a snapshot is made of besides the catalogue: what training produced.
pub struct Trained {
    pub stats: HashMap<i64, RatingStats>,
    pub dataset_stats: HashMap<i64, RatingStats>,
    pub similar: SimilarIndex,
    /// What `similar` was made with, where this process made it (a stored version's record
    /// says it for one read back).
    pub similar_params: Option<SimilarParams>,
    pub als: Option<AlsModel>,
    pub ranking: Option<RankingModel>,
    /// What films are about, embedded (with a text model).
    pub embeddings: Option<Embeddings>,
    pub report: BuildReport,
}

impl Trained {
    /// Takes an explicit ALS model trained elsewhere (Spark) in place of one this build did not
    /// fit; the report counts the users and movies it was fitted on.
    pub fn take_als(&mut self, als: AlsModel) {
        self.report.users = als.users().len();
        self.report.rated_movies = als.items().len();
        self.als = Some(als);
    }
}

/// A snapshot from the catalogue's movies and what training produced: the charts and the
/// search index are derived here.
pub fn assemble(catalogue: Catalogue, trained: Trained) -> Recommender {
    let Catalogue { movies, about } = catalogue;
    let Trained {
        stats,
        dataset_stats,
        similar,
        similar_params: _,
        als,
        ranking,
        embeddings,
        report,
    } = trained;
    let about = AboutIndex::build(&about, embeddings.as_ref());
    let percentile = report.chart_percentile;
    let position: HashMap<i64, usize> = movies.iter().enumerate().map(|(i, m)| (m.id, i)).collect();

    let listings = listings(&movies, &stats);
    let min_ratings = chart_min_ratings(&listings);
    // Every movie has a place in the popular order (browse sorts by it); the chart leaves out
    // those too few people rated.
    let by_popularity = charts::popular(&listings, usize::MAX);
    let popular = popular_chart(&by_popularity, &stats, min_ratings);
    let latest = charts::latest(&listings, today(), min_ratings, usize::MAX);

    let mut genres: Vec<String> = movies.iter().flat_map(|m| m.genres.clone()).collect();
    genres.sort();
    genres.dedup();
    let mut chart_map = HashMap::new();
    for source in [ChartSource::Ratings, ChartSource::Tmdb] {
        let votes: Vec<(Votes, &MovieSummary)> = movies
            .iter()
            .filter_map(|m| {
                let (count, mean) = match source {
                    ChartSource::Ratings => stats.get(&m.id).map(|s| (s.count, s.mean))?,
                    ChartSource::Tmdb => (
                        u64::try_from(m.tmdb_vote_count?).ok()?,
                        m.tmdb_vote_average?,
                    ),
                };
                Some((
                    Votes {
                        movie: m.id,
                        count,
                        mean,
                    },
                    m,
                ))
            })
            .collect();
        for genre in std::iter::once(None).chain(genres.iter().map(Some)) {
            let subset: Vec<Votes> = votes
                .iter()
                .filter(|(_, m)| genre.is_none_or(|g| m.genres.contains(g)))
                .map(|(v, _)| *v)
                .collect();
            if let Ok(chart) = charts::top_rated(&subset, percentile, usize::MAX) {
                chart_map.insert((source, genre.cloned()), chart);
            }
        }
    }
    let mut popular_rank = vec![usize::MAX; movies.len()];
    for (rank, id) in by_popularity.iter().enumerate() {
        popular_rank[position[id]] = rank;
    }
    let franchises = movies
        .iter()
        .map(|m| nextflex_engine::text::franchise(&m.title))
        .collect();
    let mut votes: Vec<i64> = movies.iter().filter_map(|m| m.tmdb_vote_count).collect();
    votes.sort_unstable();
    let median_votes = votes.get(votes.len() / 2).copied();
    let mut recommender = Recommender {
        median_votes,
        titles: super::search::TitleIndex::new(&movies),
        about,
        franchises,
        movies,
        position,
        genres,
        stats,
        dataset_stats,
        popular_rank,
        chart_rank: HashMap::new(),
        popular,
        latest,
        charts: chart_map,
        similar,
        report,
        als,
        ranking,
    };
    recommender.chart_rank = recommender.chart_ranks();
    recommender
}

/// When a movie came out, as `YYYYMMDD`: its release date, or, for a movie with only a year
/// (most MovieLens-only ones), the middle of that year, the guess that is off by least.
fn released(m: &MovieSummary) -> Option<i64> {
    m.release_date
        .as_deref()
        .and_then(date_number)
        .or_else(|| m.year.map(|y| y * 10_000 + 701))
}

/// `YYYY-MM-DD` → `YYYYMMDD`; `None` for anything but a real date.
fn date_number(date: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date, format).ok().map(date_key)
}

/// Today (UTC) as `YYYYMMDD`.
fn today() -> i64 {
    date_key(time::OffsetDateTime::now_utc().date())
}

fn date_key(date: time::Date) -> i64 {
    i64::from(date.year()) * 10_000
        + i64::from(u8::from(date.month())) * 100
        + i64::from(date.day())
}

/// Every movie's summary, ordered by id; the genres come from the content features, which the
/// same build reads anyway.
async fn summaries(db: &Db, genres: &HashMap<i64, Vec<String>>) -> Result<Vec<MovieSummary>> {
    let rows = nextflex_store::db::catalogue::summaries(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            // The alternates and the original title, each once, none the display title.
            let mut titles = Movie {
                title: r.title,
                ..Movie::default()
            };
            titles.add_alternates(r.alternate_titles.into_iter().chain(r.original_title));
            MovieSummary {
                id: r.id,
                title: titles.title,
                also_known_as: titles.alternate_titles,
                year: r.year,
                release_date: r.release_date,
                genres: genres.get(&r.id).cloned().unwrap_or_default(),
                popularity: r.popularity,
                poster_path: r.poster_path,
                tmdb_vote_average: r.vote_average,
                tmdb_vote_count: r.vote_count,
                runtime: r.runtime,
                original_language: r.original_language,
            }
        })
        .collect())
}

/// The chosen dataset's ratings of catalogue movies; none when no dataset was imported.
async fn dataset_ratings(
    db: &Db,
    storage: &Storage,
    name: Option<&str>,
) -> Result<CatalogueRatings> {
    let datasets = nextflex_store::db::ratings::datasets(db).await?;
    let chosen = match name {
        Some(name) => datasets.iter().find(|(n, _)| n == name).ok_or_else(|| {
            let names: Vec<&str> = datasets.iter().map(|(n, _)| n.as_str()).collect();
            Error::NotFound(format!(
                "no imported dataset named {name:?}; imported: {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ))
        })?,
        None => match datasets.first() {
            Some(first) => first,
            None => return Ok(CatalogueRatings::default()),
        },
    };
    let path = ObjectPath::from(format!("{}/ratings.parquet", chosen.1));
    let bytes = storage.store().get(&path).await?.bytes().await?;
    tokio::task::spawn_blocking(move || columnar::read_catalogue_ratings(bytes))
        .await
        .map_err(|e| Error::internal("the Parquet reader failed", e))?
        .map_err(|e| Error::internal(path.to_string(), e))
}

/// The app users' ratings, with user ids moved past the datasets'.
async fn app_ratings(db: &Db) -> Result<CatalogueRatings> {
    let mut out = CatalogueRatings::default();
    for (user, movie, rating, rated_at) in nextflex_store::db::ratings::all(db).await? {
        let (Ok(user), Ok(movie)) = (u32::try_from(user), u32::try_from(movie)) else {
            continue;
        };
        if user >= APP_USER_BASE {
            continue;
        }
        out.user.push(APP_USER_BASE + user);
        out.movie.push(movie);
        out.rating.push(rating as f32);
        out.timestamp.push(rated_at);
    }
    Ok(out)
}

/// What the content model reads of a catalogue movie.
pub fn content_item(movie: Movie, id: i64) -> ContentItem {
    let mut cast = movie.cast;
    cast.sort_by_key(|c| c.order);
    let also_known_as = movie
        .alternate_titles
        .into_iter()
        .chain(movie.original_title)
        .collect();
    ContentItem {
        id,
        title: movie.title,
        also_known_as,
        year: movie.release_year,
        keywords: movie.keywords.into_iter().map(|k| k.name).collect(),
        tags: movie.tags.into_iter().map(|t| t.name).collect(),
        cast: cast.into_iter().take(3).map(|c| c.person.name).collect(),
        directors: movie
            .crew
            .into_iter()
            .filter(|c| c.job == "Director")
            .map(|c| c.person.name)
            .collect(),
        genres: movie.genres.into_iter().map(|g| g.name).collect(),
        collection: movie.collection.map(|c| c.tmdb_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date_number("2016-02-29"), Some(20160229));
        assert_eq!(date_number("2016-13-01"), None);
        assert_eq!(date_number("soon"), None);
        assert_eq!(date_number("2015-02-29"), None);
        assert!(today() > 20_260_000, "{}", today());
    }
}

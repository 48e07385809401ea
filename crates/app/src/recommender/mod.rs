//! The four recommenders over one snapshot of the catalogue and its ratings, held in memory:
//! (A) popular and latest, (B) the top-rated chart, (C) similar movies, (D) personalised
//! recommendations ranked by the implicit-feedback ranking model (iALS) with predicted stars from
//! the explicit ALS, both folded in from the user's current ratings. `build` makes a snapshot
//! from the database and object storage; everything here only reads it.

pub mod about;
mod build;
pub mod evaluation;
mod search;
pub mod search_evaluation;
pub mod tuning;

use std::collections::{HashMap, HashSet};

use nextflex_engine::als::AlsModel;
use nextflex_engine::charts::{ChartStats, Ranked};
use nextflex_engine::group;
use nextflex_engine::ranking::{RankingModel, RankingTaste};
use nextflex_engine::similar::{SimilarIndex, TitleMatch};
use serde::Serialize;

use crate::user_history::History;

use nextflex_store::error::{Error, Result};

pub use about::{Embeddings, SearchMode, SharedTextModel};
pub use build::{
    Catalogue, Fit, Plan, RecommenderSettings, Trained, assemble, build, cached_embeddings,
    catalogue, content_item, relist, similar_lists, train,
};
pub use search::{AboutSearch, MovieQuery, SortBy};

/// Whose votes rank a chart: the dataset's and app users' ratings, or TMDB's.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ChartSource {
    /// The ratings of the dataset and of the app's users.
    #[default]
    Ratings,
    /// TMDB's vote counts and averages.
    Tmdb,
}

/// What the recommenders show of a movie.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MovieSummary {
    pub id: i64,
    pub title: String,
    /// Every other title search finds the movie by: its alternates and its original title.
    pub also_known_as: Vec<String>,
    pub year: Option<i64>,
    pub release_date: Option<String>,
    pub genres: Vec<String>,
    pub popularity: Option<f64>,
    pub poster_path: Option<String>,
    pub tmdb_vote_average: Option<f64>,
    pub tmdb_vote_count: Option<i64>,
    /// Minutes.
    pub runtime: Option<i64>,
    /// ISO 639-1, as TMDB gives it: `en`, `fr`, `ja`.
    pub original_language: Option<String>,
}

/// A movie's ratings: the dataset's and the app users'.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RatingStats {
    pub count: u64,
    pub mean: f64,
}

/// One entry of a top-rated chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartEntry<'a> {
    pub movie: &'a MovieSummary,
    pub score: f64,
    pub votes: u64,
    pub mean: f64,
}

/// A chart and its constants.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart<'a> {
    pub entries: Vec<ChartEntry<'a>>,
    pub stats: ChartStats,
}

/// A similar movie.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour<'a> {
    pub movie: &'a MovieSummary,
    pub score: f32,
    /// Who likes both, 0 to 1 (1: the film's best such neighbour).
    pub collaborative: f32,
    /// Of the same series.
    pub series: bool,
}

/// A personalised recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Personal<'a> {
    pub movie: &'a MovieSummary,
    /// The ranking model's match (about 0 to 1: 1 fits the user's liked movies as well as they
    /// do themselves); the list is ordered by it.
    pub score: f32,
    /// The stars the explicit ALS model predicts, where it knows the movie.
    pub predicted_rating: Option<f32>,
    /// The user's rated movies that carry the score, with their shares of it.
    pub because: Vec<(&'a MovieSummary, f32)>,
}

/// At most this many movies of one franchise (see [`nextflex_engine::text::franchise`]) in a
/// personal list.
pub const MAX_PER_FRANCHISE: usize = 2;

/// A film for a group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupItem<'a> {
    pub movie: &'a MovieSummary,
    /// The least happy member's score (0 to 1, each member's favourite candidate being 1).
    pub score: f32,
    /// Each member's (score, share of the members' total), in member order.
    pub members: Vec<(f32, f32)>,
}

/// Personalised recommendations, or the top-rated chart for a user the model cannot place.
#[derive(Debug, Clone, PartialEq)]
pub enum ForYou<'a> {
    Personal(Vec<Personal<'a>>),
    /// The user has no ratings of movies the model knows (or there is no model): the chart.
    TopRated(Chart<'a>),
}

/// A title lookup's outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    Found(&'a MovieSummary),
    Ambiguous(Vec<&'a MovieSummary>),
    NotFound,
}

/// One snapshot of the recommenders.
pub struct Recommender {
    movies: Vec<MovieSummary>,
    position: HashMap<i64, usize>,
    genres: Vec<String>,
    /// Ratings per movie, datasets and app users together, as trained on.
    stats: HashMap<i64, RatingStats>,
    /// Ratings per movie in the dataset alone (app users' are counted live).
    dataset_stats: HashMap<i64, RatingStats>,
    /// Each movie's titles as search compares them (same order as `movies`).
    titles: search::TitleIndex,
    /// What each movie is about, by its words and (with a text model) its meaning.
    about: about::AboutIndex,
    /// The median TMDB vote count of the movies that have one ([`Recommender::little_known`]).
    median_votes: Option<i64>,
    /// Each movie's position in `popular` (same order as `movies`).
    popular_rank: Vec<usize>,
    /// Positions in the overall top-rated chart.
    chart_rank: HashMap<i64, usize>,
    /// Every listed movie, most popular first; filtered by genre on request.
    popular: Vec<i64>,
    /// Released movies, newest first (as of the snapshot's day).
    latest: Vec<i64>,
    /// Charts per source and genre (`None`: all genres), full length.
    charts: HashMap<(ChartSource, Option<String>), (Vec<Ranked>, ChartStats)>,
    /// Each movie's franchise key (same order as `movies`).
    franchises: Vec<String>,
    similar: SimilarIndex,
    als: Option<AlsModel>,
    ranking: Option<RankingModel>,
    /// What the snapshot was built from, how well it scored and how long it took.
    pub report: BuildReport,
}

/// What a snapshot was built from, its held-out scores and its timings.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BuildReport {
    pub dataset_ratings: usize,
    pub app_ratings: usize,
    /// Users and movies with ratings, as the ALS model knows them.
    pub users: usize,
    pub rated_movies: usize,
    /// The vote-count percentile of the top-rated charts.
    pub chart_percentile: f64,
    /// Charts and search only (no similar lists, no ALS): what serves while the first model
    /// trains.
    #[serde(default)]
    pub partial: bool,
    /// ALS scored on a held-out 10 % (when asked for).
    pub evaluation: Option<evaluation::Evaluation>,
    /// How the models' hyper-parameters were chosen (`None`: no model was fitted here).
    #[serde(default)]
    pub tuning: Option<tuning::TuningReport>,
    pub fit_seconds: f64,
    /// The whole build, reading the data included.
    pub seconds: f64,
}

impl std::fmt::Debug for Recommender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recommender")
            .field("movies", &self.movies.len())
            .field("report", &self.report)
            .field("als", &self.als.is_some())
            .finish()
    }
}

impl Recommender {
    /// The snapshot's movie with catalogue id `id`.
    pub fn movie(&self, id: i64) -> Option<&MovieSummary> {
        self.position.get(&id).map(|&i| &self.movies[i])
    }

    /// Approximate bytes the snapshot holds: the models, the similar lists and the catalogue's
    /// lists (see `nextflex_engine::heap`).
    pub fn heap_bytes(&self) -> usize {
        use nextflex_engine::heap::{map, strings, vec};
        let movies: usize = self
            .movies
            .iter()
            .map(|m| {
                m.title.capacity()
                    + m.release_date.as_ref().map_or(0, String::capacity)
                    + m.poster_path.as_ref().map_or(0, String::capacity)
                    + m.original_language.as_ref().map_or(0, String::capacity)
                    + strings(&m.genres)
                    + strings(&m.also_known_as)
            })
            .sum();
        let charts: usize = self.charts.values().map(|(list, _)| vec(list)).sum();
        vec(&self.movies)
            + movies
            + map(&self.position)
            + strings(&self.genres)
            + map(&self.stats)
            + map(&self.dataset_stats)
            + self.titles.heap_bytes()
            + vec(&self.popular_rank)
            + map(&self.chart_rank)
            + vec(&self.popular)
            + vec(&self.latest)
            + map(&self.charts)
            + charts
            + strings(&self.franchises)
            + self.similar.heap_bytes()
            + self.about.heap_bytes()
            + self.als.as_ref().map_or(0, AlsModel::heap_bytes)
            + self.ranking.as_ref().map_or(0, RankingModel::heap_bytes)
    }

    pub fn movie_count(&self) -> usize {
        self.movies.len()
    }

    /// Genre names, sorted.
    pub fn genres(&self) -> &[String] {
        &self.genres
    }

    /// The genre named `name` (case-insensitive) as the catalogue spells it.
    pub fn genre(&self, name: &str) -> Option<&str> {
        self.genres
            .iter()
            .find(|g| g.eq_ignore_ascii_case(name.trim()))
            .map(String::as_str)
    }

    /// A movie's ratings in the snapshot (datasets and app users).
    pub fn rating_stats(&self, id: i64) -> Option<RatingStats> {
        self.stats.get(&id).copied()
    }

    /// A movie's ratings in the dataset alone.
    pub fn dataset_stats(&self, id: i64) -> Option<RatingStats> {
        self.dataset_stats.get(&id).copied()
    }

    fn in_genre(&self, genre: Option<&str>) -> impl Fn(&&MovieSummary) -> bool {
        move |m: &&MovieSummary| genre.is_none_or(|g| m.genres.iter().any(|x| x == g))
    }

    fn list(&self, ids: &[i64], genre: Option<&str>, limit: usize) -> Vec<&MovieSummary> {
        ids.iter()
            .filter_map(|&id| self.movie(id))
            .filter(self.in_genre(genre))
            .take(limit)
            .collect()
    }

    /// (A) The most popular movies, by TMDB popularity or, without one, rating counts.
    pub fn popular(&self, genre: Option<&str>, limit: usize) -> Vec<&MovieSummary> {
        self.list(&self.popular, genre, limit)
    }

    /// These movies (those the snapshot has), the most popular first: by their place in the
    /// popular chart, then the rest by id.
    pub fn most_popular_first(&self, ids: &[i64]) -> Vec<&MovieSummary> {
        let mut known: Vec<(usize, i64, &MovieSummary)> = ids
            .iter()
            .filter_map(|&id| {
                let at = *self.position.get(&id)?;
                Some((self.popular_rank[at], id, &self.movies[at]))
            })
            .collect();
        known.sort_unstable_by_key(|&(rank, id, _)| (rank, id));
        known.into_iter().map(|(_, _, m)| m).collect()
    }

    /// (A) The most recently released movies (none from the future).
    pub fn latest(&self, genre: Option<&str>, limit: usize) -> Vec<&MovieSummary> {
        self.list(&self.latest, genre, limit)
    }

    /// (B) The top-rated chart by weighted rating, for a genre or all.
    pub fn top_rated(&self, source: ChartSource, genre: Option<&str>, limit: usize) -> Chart<'_> {
        let Some((ranked, stats)) = self.charts.get(&(source, genre.map(str::to_owned))) else {
            return Chart {
                entries: Vec::new(),
                stats: ChartStats {
                    mean: 0.0,
                    min_votes: 0.0,
                },
            };
        };
        Chart {
            entries: ranked
                .iter()
                .filter_map(|r| {
                    self.movie(r.movie).map(|movie| ChartEntry {
                        movie,
                        score: r.score,
                        votes: r.votes,
                        mean: r.mean,
                    })
                })
                .take(limit)
                .collect(),
            stats: *stats,
        }
    }

    /// (C) The `k` movies most similar to movie `id` (`k` at most [`MAX_K`]), most similar
    /// first, as training made them (see [`nextflex_engine::similar`]); `None` for a movie
    /// not in the snapshot.
    pub fn similar(&self, id: i64, k: usize) -> Option<Vec<Neighbour<'_>>> {
        let list = self.similar.similar(id, k)?;
        Some(
            list.into_iter()
                .filter_map(|s| {
                    self.movie(s.id).map(|movie| Neighbour {
                        movie,
                        score: s.score,
                        collaborative: s.collaborative,
                        series: s.series,
                    })
                })
                .collect(),
        )
    }

    /// The similar lists and the features their reasons name.
    pub fn similar_index(&self) -> &SimilarIndex {
        &self.similar
    }

    /// The catalogue's spelling of a genre (any case), `None` for none asked; an unknown genre
    /// is [`Error::NotFound`] naming the genres there are.
    pub fn check_genre(&self, genre: Option<&str>) -> Result<Option<&str>> {
        let Some(name) = genre else { return Ok(None) };
        self.genre(name).map(Some).ok_or_else(|| {
            Error::NotFound(format!(
                "no genre {name:?}; the catalogue has: {}",
                self.genres().join(", ")
            ))
        })
    }

    /// Finds a movie by title, case- and accent-insensitively; `year` picks among namesakes.
    pub fn find(&self, title: &str, year: Option<i64>) -> Lookup<'_> {
        match self.similar.find(title, year) {
            TitleMatch::Found(id) => self.movie(id).map_or(Lookup::NotFound, Lookup::Found),
            TitleMatch::Ambiguous(candidates) => Lookup::Ambiguous(
                candidates
                    .iter()
                    .filter_map(|(id, _, _)| self.movie(*id))
                    .collect(),
            ),
            TitleMatch::NotFound => Lookup::NotFound,
        }
    }

    /// The stars the explicit ALS model predicts for a user with these ratings (catalogue id,
    /// rating) made at `rated_at` (Unix seconds, in their order; empty: unknown), folded in;
    /// `None` without a model or for a movie it has no ratings of.
    pub fn predicted_rating(
        &self,
        ratings: &[(i64, f32)],
        rated_at: &[i64],
        movie: i64,
    ) -> Option<f32> {
        let model = self.als.as_ref()?;
        let (known, times) = known_at(ratings, rated_at);
        let vector = model.fold_in_at(&known, &times);
        // The stars for watching it now: a day the user has rated on today counts.
        model.rating(
            &vector,
            u32::try_from(movie).ok()?,
            nextflex_store::clock::now(),
        )
    }

    /// (D) The `k` best movies for a user with this history, folded into the ranking model
    /// without retraining, best first. What the user rated, saw or dismissed is left out, and no
    /// franchise has more than [`MAX_PER_FRANCHISE`] places. Besides the ratings, the model folds
    /// in the films the user saw without rating them that people here liked at least as well as
    /// the average film, each as the mean rating people gave it ([`Recommender::taste`]), and
    /// counts each dismissed film against the films like it, as dislikes do (see
    /// [`RankingModel::negative_weight`]). A user with no liked movie the model knows gets the
    /// top-rated chart instead, less the same movies.
    pub fn for_user(&self, history: &History, k: usize, genre: Option<&str>) -> ForYou<'_> {
        self.picks(history, k, genre, None)
    }

    /// The ratings the personal lists fold in for a user: theirs, then a stand-in for each film
    /// they saw without rating it and that people here rated at least as well as the average
    /// film: the mean of those ratings. What a user thought of such a film is unknown; what
    /// people thought of it is the best guess, and only a guess that says "liked" is used (a
    /// film seen and not rated is not taken as a dislike). The stand-ins follow the user's own
    /// ratings, so nothing the user said is overridden.
    pub fn taste(&self, history: &History) -> Vec<(i64, f32)> {
        let average = self.top_rated(ChartSource::Ratings, None, 0).stats.mean;
        let mut seen: Vec<i64> = history.seen.iter().copied().collect();
        seen.sort_unstable();
        let rated: HashSet<i64> = history.ratings.iter().map(|r| r.0).collect();
        let guesses = seen
            .into_iter()
            .filter(|id| !rated.contains(id))
            .filter_map(|id| {
                let mean = self.rating_stats(id)?.mean;
                (mean >= average).then_some((id, mean as f32))
            });
        history.ratings.iter().copied().chain(guesses).collect()
    }

    /// When each entry of [`Recommender::taste`]'s answer was made, for the ranking model's
    /// time decay: a rating's own time; a film seen without a rating, of unknown date, the
    /// time of the user's earliest rating (it adds to their taste and never outweighs what they
    /// rated lately). Empty where the ratings' times are unknown.
    fn taste_times(history: &History, taste: &[(i64, f32)]) -> Vec<i64> {
        if history.rated_at.len() != history.ratings.len() {
            return Vec::new();
        }
        let earliest = history.rated_at.iter().copied().min().unwrap_or(0);
        let mut times = history.rated_at.clone();
        times.resize(taste.len(), earliest);
        times
    }

    /// `taste` (what [`Recommender::taste`] answers for `history`) as the models fold it in:
    /// the ratings by model id, with their times ([`Recommender::taste_times`]).
    fn taste_at(history: &History, taste: &[(i64, f32)]) -> (Vec<(u32, f32)>, Vec<i64>) {
        known_at(taste, &Self::taste_times(history, taste))
    }

    /// The ranking model's view of a user with this history and these ratings and times (what
    /// [`Recommender::taste_at`] answers): each dismissed film also counted against the films
    /// like it (see [`RankingModel::negative_weight`]).
    fn ranking_taste(
        model: &RankingModel,
        history: &History,
        ratings: &[(u32, f32)],
        times: &[i64],
    ) -> RankingTaste {
        let dismissed: Vec<u32> = history
            .dismissed
            .iter()
            .filter_map(|&id| u32::try_from(id).ok())
            .collect();
        model.fold_in_with(ratings, times, &dismissed, model.negative_weight())
    }

    /// "Hidden gems for you": the films few people know ([`Recommender::little_known`]) and
    /// people here liked (rated at least as well as the average film) among the user's best
    /// personal picks: the first twentieth of the catalogue, as [`Recommender::for_user`]
    /// orders it. Empty while the user has no personal taste yet.
    pub fn hidden_gems(&self, history: &History, k: usize) -> Vec<Personal<'_>> {
        let average = self.top_rated(ChartSource::Ratings, None, 0).stats.mean;
        let gem = |id: i64| {
            self.little_known(id) && self.rating_stats(id).is_some_and(|s| s.mean >= average)
        };
        match self.picks(history, k, None, Some(&gem)) {
            ForYou::Personal(picks) => picks,
            ForYou::TopRated(_) => Vec::new(),
        }
    }

    /// Whether few people know movie `id`: fewer TMDB votes than the median film of the
    /// catalogue that has a vote count. Votes count everyone who ever rated the film on TMDB,
    /// worldwide; not the dataset's rating counts, in which a blockbuster few of a sample's
    /// users rated looks obscure, nor TMDB's popularity, a day's traffic that the catalogue's
    /// sources measured on different scales (Home Alone 2.2, Toy Story 3 60). A film without a
    /// vote count is not judged one (the demo's films after 2017 have none: Coco, Moana).
    pub fn little_known(&self, id: i64) -> bool {
        let votes = self.movie(id).and_then(|m| m.tmdb_vote_count);
        matches!((votes, self.median_votes), (Some(v), Some(median)) if v < median)
    }

    fn picks(
        &self,
        history: &History,
        k: usize,
        genre: Option<&str>,
        gems_only: Option<&dyn Fn(i64) -> bool>,
    ) -> ForYou<'_> {
        let (known, times) = Self::taste_at(history, &self.taste(history));
        let taste = self
            .ranking
            .as_ref()
            .map(|m| (m, Self::ranking_taste(m, history, &known, &times)));
        let Some((model, taste)) = taste.filter(|(_, t)| t.is_informed()) else {
            let mut chart = self.top_rated(ChartSource::Ratings, genre, usize::MAX);
            chart.entries.retain(|e| !history.knows(e.movie.id));
            chart.entries.truncate(k);
            return ForYou::TopRated(chart);
        };
        let exclude: HashSet<u32> = known
            .iter()
            .map(|r| r.0)
            .chain(
                history
                    .dismissed
                    .iter()
                    .chain(&history.seen)
                    .filter_map(|&id| u32::try_from(id).ok()),
            )
            .collect();
        let mut filter = self.personal_filter(genre);
        let depth = self.movies.len().div_ceil(GEM_SHARE);
        let mut asked = 0;
        let accept = |item: u32| {
            asked += 1;
            gems_only.is_none_or(|gem| asked <= depth && gem(i64::from(item))) && filter(item)
        };
        let stars = self.als.as_ref().map(|m| (m, m.fold_in_at(&known, &times)));
        let now = nextflex_store::clock::now();
        ForYou::Personal(
            model
                .recommend(&taste, k, &exclude, accept)
                .into_iter()
                .filter_map(|r| {
                    Some(Personal {
                        movie: self.movie(i64::from(r.item))?,
                        score: r.score,
                        predicted_rating: stars
                            .as_ref()
                            .and_then(|(m, v)| m.rating(v, r.item, now)),
                        because: r
                            .because
                            .iter()
                            .filter_map(|&(b, share)| Some((self.movie(i64::from(b))?, share)))
                            .collect(),
                    })
                })
                .collect(),
        )
    }
}

/// Hidden gems come from the first 1/GEM_SHARE of the catalogue in a user's personal order:
/// deeper, the little-known films the model scores best are merely the least bad of a long tail
/// (Ingmar Bergman's Autumn Sonata for a Pixar fan).
const GEM_SHARE: usize = 20;

impl Recommender {
    /// What a personal list admits, asked once per candidate, best first: movies of the snapshot
    /// in `genre`, at most [`MAX_PER_FRANCHISE`] of one franchise.
    fn personal_filter<'s>(&'s self, genre: Option<&'s str>) -> impl FnMut(u32) -> bool + 's {
        let mut per_franchise: HashMap<&str, usize> = HashMap::new();
        move |item: u32| {
            let Some(&at) = self.position.get(&i64::from(item)) else {
                return false;
            };
            if !self.in_genre(genre)(&&self.movies[at]) {
                return false;
            }
            let taken = per_franchise.entry(&self.franchises[at]).or_default();
            *taken += 1;
            *taken <= MAX_PER_FRANCHISE
        }
    }

    /// How well a movie fits a user with this history (the ranking model's score, as
    /// [`Personal::score`]), for any movie; `None` without a model, for a movie it does not
    /// know, or when no rating says what the user likes.
    pub fn personal_fit(
        &self,
        history: &History,
    ) -> impl Fn(i64) -> Option<f32> + Send + Sync + '_ {
        let scored = self.ranking.as_ref().and_then(|model| {
            let (known, times) = Self::taste_at(history, &self.taste(history));
            let taste = Self::ranking_taste(model, history, &known, &times);
            taste.is_informed().then(|| (model, model.scores(&taste)))
        });
        move |id| {
            let (model, scores) = scored.as_ref()?;
            Some(scores[model.items().position(u32::try_from(id).ok()?)? as usize])
        }
    }

    /// How much two users' tastes overlap, from -1 to 1: the cosine of the ranking model's
    /// scores for the two of them over the whole catalogue (each folded in from their ratings).
    /// `None` without a model, or when either user's ratings name no liked movie it knows.
    pub fn taste_match(&self, a: &[(i64, f32)], b: &[(i64, f32)]) -> Option<f32> {
        let model = self.ranking.as_ref()?;
        let scores = |ratings: &[(i64, f32)]| {
            let taste = model.fold_in(&known(ratings));
            taste.is_informed().then(|| model.scores(&taste))
        };
        let (x, y) = (scores(a)?, scores(b)?);
        let dot = |p: &[f32], q: &[f32]| {
            p.iter()
                .zip(q)
                .map(|(&u, &v)| f64::from(u) * f64::from(v))
                .sum::<f64>()
        };
        let norms = (dot(&x, &x) * dot(&y, &y)).sqrt();
        (norms > 0.0).then(|| (dot(&x, &y) / norms) as f32)
    }

    /// Films for a group watching together (each member given by their ratings), ranked by
    /// least misery over the members' folded-in scores (see [`nextflex_engine::group`]): films
    /// no member rated, less `exclude`, in `genre`, at most [`MAX_PER_FRANCHISE`] of one
    /// franchise. `Err` lists the members (by position) whose ratings name no liked movie the
    /// ranking model knows, as it cannot tell what they would enjoy.
    pub fn for_group(
        &self,
        members: &[Vec<(i64, f32)>],
        exclude: &HashSet<i64>,
        k: usize,
        genre: Option<&str>,
    ) -> Result<Vec<GroupItem<'_>>, Vec<usize>> {
        let Some(model) = self.ranking.as_ref() else {
            return Err((0..members.len()).collect());
        };
        let ids = model.items().ids();
        let banned: HashSet<u32> = members
            .iter()
            .flat_map(|m| known(m).into_iter().map(|r| r.0))
            .chain(exclude.iter().filter_map(|&id| u32::try_from(id).ok()))
            .collect();
        let excluded: HashSet<usize> = (0..ids.len())
            .filter(|&i| banned.contains(&ids[i]))
            .collect();
        let scores: Vec<Vec<f32>> = members
            .iter()
            .map(|m| {
                let taste = model.fold_in(&known(m));
                if taste.is_informed() {
                    model.scores(&taste)
                } else {
                    vec![0.0; ids.len()]
                }
            })
            .collect();
        let unplaced = group::unplaced_members(&scores, &excluded);
        if !unplaced.is_empty() {
            return Err(unplaced);
        }
        let mut accept = self.personal_filter(genre);
        Ok(
            group::least_misery(&scores, ids, k, &excluded, |i| accept(ids[i]))
                .into_iter()
                .filter_map(|pick| {
                    Some(GroupItem {
                        movie: self.movie(i64::from(ids[pick.index]))?,
                        score: pick.score,
                        members: pick.members.into_iter().zip(pick.shares).collect(),
                    })
                })
                .collect(),
        )
    }
}

/// Ratings with ids the models take (catalogue ids fit in u32).
fn known(ratings: &[(i64, f32)]) -> Vec<(u32, f32)> {
    known_at(ratings, &[]).0
}

/// [`known`], keeping each kept rating's time (`rated_at` in the order of `ratings`, or empty).
fn known_at(ratings: &[(i64, f32)], rated_at: &[i64]) -> (Vec<(u32, f32)>, Vec<i64>) {
    let timed = rated_at.len() == ratings.len();
    let mut kept = (Vec::with_capacity(ratings.len()), Vec::new());
    for (n, &(id, r)) in ratings.iter().enumerate() {
        if let Ok(id) = u32::try_from(id) {
            kept.0.push((id, r));
            if timed {
                kept.1.push(rated_at[n]);
            }
        }
    }
    kept
}

/// The most neighbours a similar-movies query returns.
pub const MAX_K: usize = 100;

/// Lists are limited to this many entries.
pub const MAX_LIMIT: usize = 100;

/// The snapshot the server answers from; replaced whole when a new one is built, so that each
/// request sees one consistent snapshot. Readers never wait for a swap (arc-swap).
#[derive(Debug, Default)]
pub struct SharedRecommender(arc_swap::ArcSwapOption<Recommender>);

impl SharedRecommender {
    /// The current snapshot, if one has been built.
    pub fn get(&self) -> Option<std::sync::Arc<Recommender>> {
        self.0.load_full()
    }

    /// Makes `next` the current snapshot.
    pub fn set(&self, next: Recommender) {
        self.0.store(Some(std::sync::Arc::new(next)));
    }
}

/// `Heat (1995)` → (`Heat`, 1995): a trailing year in parentheses picks among namesakes.
pub fn split_year(title: &str) -> (&str, Option<i64>) {
    let t = title.trim();
    if let Some(open) = t.rfind(" (")
        && t.ends_with(')')
        && let Ok(y) = t[open + 2..t.len() - 1].parse::<i64>()
    {
        return (&t[..open], Some(y));
    }
    (t, None)
}

#[cfg(test)]
mod tests {
    use super::split_year;

    #[test]
    fn years_in_titles() {
        assert_eq!(split_year("Heat (1995)"), ("Heat", Some(1995)));
        assert_eq!(split_year("Heat"), ("Heat", None));
        assert_eq!(
            split_year("Dr. Strangelove (or How I Learned…)"),
            ("Dr. Strangelove (or How I Learned…)", None)
        );
    }
}
